#!/usr/bin/env bash
# Provides the real control plane of the API-server test tier (npm run test:cluster), the way
# controller-runtime's envtest does: an etcd and a kube-apiserver binary in one folder.
#
#   - KUBEBUILDER_ASSETS set (envtest's variable): that folder is used as it is, after checking
#     that it holds both binaries.
#   - otherwise both are built with `go build` from the Go module proxy into
#     ~/.cache/agent-platform/envtest/<kube-apiserver version>-etcd-<etcd version>/ (or
#     $AGENT_PLATFORM_CACHE/envtest/...), once; later runs reuse them.
#
# k8s.io/kubernetes cannot be `go install`ed: its go.mod replaces its staging modules
# (k8s.io/api, k8s.io/apiserver, ...) with local paths, and replacements only apply in the main
# module. A throw-away wrapper module requires k8s.io/kubernetes at the pinned version and
# replaces every staging module with its published v0.<minor>.<patch> twin; etcd's server
# module is built the same way (its go.mod replaces its sibling modules with ../ paths).
#
# The only line on stdout is the assets folder; progress and errors go to stderr. A failed
# step is one error naming the step, the command and the last lines of its log.
set -euo pipefail

KUBE_VERSION=v1.34.4   # the Kubernetes minor the example stacks declare (kubernetesVersion: "1.34")
ETCD_VERSION=v3.6.16   # the etcd 3.6 line that Kubernetes 1.34 runs on

say() { echo "envtest-assets: $*" >&2; }

fail() { # step, command, log file
  say "FAILED: $1"
  say "command: $2"
  if [ -n "${3:-}" ] && [ -f "$3" ]; then
    say "last lines of $3:"
    tail -n 25 "$3" | sed 's/^/  | /' >&2
  fi
  exit 1
}

if [ -n "${KUBEBUILDER_ASSETS:-}" ]; then
  for bin in etcd kube-apiserver; do
    [ -x "$KUBEBUILDER_ASSETS/$bin" ] || fail "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS has no executable $bin" "test -x $KUBEBUILDER_ASSETS/$bin"
  done
  say "using KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi

command -v go >/dev/null 2>&1 || fail "find the Go toolchain (needed to build etcd and kube-apiserver; or set KUBEBUILDER_ASSETS)" "command -v go"

cache_root="${AGENT_PLATFORM_CACHE:-$HOME/.cache/agent-platform}"
dir="$cache_root/envtest/${KUBE_VERSION}-etcd-${ETCD_VERSION}"
if [ -x "$dir/etcd" ] && [ -x "$dir/kube-apiserver" ]; then
  say "reusing $dir"
  echo "$dir"
  exit 0
fi
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$dir/build.log"
: >"$log"
export GOFLAGS=-mod=mod GOWORK=off GOTOOLCHAIN=local

# kube-apiserver
kube_minor_patch=${KUBE_VERSION#v1.}          # 34.4
staging_version="v0.${kube_minor_patch}"      # v0.34.4
mkdir -p "$work/kube"
gomod=$(cd "$work/kube" && go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" 2>>"$log" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p') \
  || fail "download k8s.io/kubernetes@$KUBE_VERSION from the Go module proxy" "go mod download -json k8s.io/kubernetes@$KUBE_VERSION" "$log"
[ -n "$gomod" ] || fail "read the go.mod of k8s.io/kubernetes@$KUBE_VERSION" "go mod download -json k8s.io/kubernetes@$KUBE_VERSION" "$log"
{
  echo "module envtest-wrapper/kube"
  echo
  echo "go 1.24"
  echo
  echo "require k8s.io/kubernetes $KUBE_VERSION"
  echo
  sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/[a-z0-9-]*$#replace \1 => \1 '"$staging_version"'#p' "$gomod"
} >"$work/kube/go.mod"
grep -q '^replace k8s.io/api ' "$work/kube/go.mod" || fail "find the staging replacements in k8s.io/kubernetes' go.mod" "sed $gomod" "$log"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${kube_minor_patch%%.*} -X k8s.io/component-base/version.gitTreeState=clean"
say "building kube-apiserver $KUBE_VERSION (first run only; several minutes on 2 cores)"
(cd "$work/kube" && go build -trimpath -ldflags "$ldflags" -o "$dir/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver) >>"$log" 2>&1 \
  || fail "build kube-apiserver $KUBE_VERSION" "go build k8s.io/kubernetes/cmd/kube-apiserver (wrapper module $work/kube)" "$log"
mv "$dir/kube-apiserver.tmp" "$dir/kube-apiserver"

# etcd
mkdir -p "$work/etcd"
printf 'module envtest-wrapper/etcd\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$work/etcd/go.mod"
say "building etcd $ETCD_VERSION"
(cd "$work/etcd" && go build -trimpath -ldflags "-s -w" -o "$dir/etcd.tmp" go.etcd.io/etcd/server/v3) >>"$log" 2>&1 \
  || fail "build etcd $ETCD_VERSION" "go build go.etcd.io/etcd/server/v3 (wrapper module $work/etcd)" "$log"
mv "$dir/etcd.tmp" "$dir/etcd"

"$dir/kube-apiserver" --version >&2 || fail "run the built kube-apiserver" "$dir/kube-apiserver --version"
"$dir/etcd" --version >&2 || fail "run the built etcd" "$dir/etcd --version"
echo "$dir"
