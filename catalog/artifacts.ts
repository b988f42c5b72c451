/**
 * The catalog of pinned upstream artifacts: every chart, raw manifest and
 * image the platform pulls, including images that only appear at run time
 * (pods started by the OpenShell gateway, CloudNativePG and the GPU
 * Operator). One module, data only; `plan/` resolves it against a stack's
 * configuration and the registry resolver.
 *
 * Facts (repositories, tags, values keys) were read from the upstream
 * repositories at the versions pinned here; docs/upgrades.md "Pinned versions" lists
 * the sources. A stack overrides versions with `catalog.versions`, image
 * tags or digests with `catalog.images`, and manifest digests with
 * `catalog.manifestSha256`.
 */
import type { ChartSource } from "../registry/resolver";
import { compareSemver, parseSemver } from "./versions";

// --------------------------------------------------------------- releases

/**
 * A release is one version knob. Everything that must move together hangs off
 * one release: the OpenShell chart version is also the gateway and
 * supervisor image tag (a supervisor newer or older than its gateway breaks
 * sandboxes), the GPU Operator chart version is also the operator image tag.
 */
export type ReleaseId =
  | "agentSandbox"
  | "openshell"
  | "gpuOperator"
  | "cloudnativePg"
  | "cloudnativePgOperator"
  | "csiDriverNfs"
  | "cephCsi";

export interface Release {
  readonly version: string;
  readonly description: string;
  /** Shape of a valid version for this release (with or without a leading `v`). */
  readonly pattern: RegExp;
  readonly patternHint: string;
  /** Supported range, inclusive minimum and exclusive maximum, with the reason. */
  readonly supported?: { readonly min: string; readonly below: string; readonly why: string };
}

/** Version shapes: bare semver, and semver with a leading v. */
const SEMVER = { pattern: /^\d+\.\d+\.\d+$/, patternHint: "X.Y.Z (no leading v)" } as const;
const V_SEMVER = { pattern: /^v\d+\.\d+\.\d+$/, patternHint: "vX.Y.Z (with the leading v)" } as const;

export const RELEASES: Readonly<Record<ReleaseId, Release>> = {
  agentSandbox: {
    version: "v1.0.1",
    description: "kubernetes-sigs/agent-sandbox release (CRDs + controller manifest, controller image tag)",
    ...V_SEMVER,
    supported: {
      min: "v0.5.2",
      below: "v1.1.0",
      why:
        "OpenShell needs the v1beta1 Sandbox API (v0.5+), v0.5.0-v0.5.1 wipe claim status on upgrade, " +
        "and v1.1 is neither released nor tested; a cluster moving from v0.5.x to v1.0.x is migrated by the graph (docs/upgrades.md \"agent-sandbox v0.5 to v1.0\")",
    },
  },
  openshell: {
    version: "0.0.111",
    description: "NVIDIA OpenShell Helm chart version; also the gateway and supervisor image tag",
    ...SEMVER,
    supported: {
      min: "0.0.100",
      below: "0.1.0",
      why:
        "0.0.100 adds server.credentialStorage.existingSecret (stable renders); 0.1.0 is announced to move the image values",
    },
  },
  gpuOperator: {
    version: "v26.7.0",
    description: "NVIDIA GPU Operator Helm chart version; also the operator and validator image tag",
    pattern: /^v\d+\.\d+\.\d+$/,
    patternHint: "vYY.M.P (with the leading v)",
  },
  cloudnativePg: {
    version: "0.29.0",
    description: "CloudNativePG operator Helm chart version",
    ...SEMVER,
  },
  cloudnativePgOperator: {
    version: "1.30.0",
    description: "CloudNativePG operator image tag (the chart's appVersion; also runs in every Postgres pod)",
    ...SEMVER,
  },
  csiDriverNfs: {
    version: "4.13.4",
    description: "kubernetes-csi/csi-driver-nfs Helm chart version; also the nfsplugin image tag (with a v)",
    ...SEMVER,
  },
  cephCsi: {
    version: "3.13.1",
    description: "ceph/ceph-csi ceph-csi-cephfs Helm chart version; also the cephcsi image tag (with a v)",
    ...SEMVER,
  },
};

/** Chart version → operator image tag pairs that upstream released together. */
export const CLOUDNATIVEPG_PAIRS: Readonly<Record<string, string>> = {
  "0.26.1": "1.27.1",
  "0.27.1": "1.28.1",
  "0.28.3": "1.29.1",
  "0.29.0": "1.30.0",
};

export type Versions = Readonly<Record<ReleaseId, string>>;


/** Reasons a release version is unusable; empty when fine. */
export function checkReleaseVersion(id: ReleaseId, version: string): string | undefined {
  const r = RELEASES[id];
  if (!r.pattern.test(version)) return `"${version}" is not a version of the form ${r.patternHint}`;
  if (r.supported !== undefined) {
    const v = parseSemver(version)!;
    const min = parseSemver(r.supported.min)!;
    const below = parseSemver(r.supported.below)!;
    if (compareSemver(v, min) < 0 || compareSemver(v, below) >= 0) {
      return `${version} is outside the supported range ${r.supported.min} <= version < ${r.supported.below} (${r.supported.why})`;
    }
  }
  return undefined;
}

// ----------------------------------------------------------------- charts

export type ChartId = "openshell" | "gpuOperator" | "cloudnativePg" | "csiDriverNfs" | "cephCsiCephfs";

export interface ChartEntry {
  readonly id: ChartId;
  /** The release whose version is the chart version. */
  readonly release: ReleaseId;
  readonly source: ChartSource;
  /** Namespace the platform installs it into. */
  readonly namespace: string;
  readonly description: string;
}

export const CHARTS: Readonly<Record<ChartId, ChartEntry>> = {
  openshell: {
    id: "openshell",
    release: "openshell",
    source: { kind: "oci", url: "oci://ghcr.io/nvidia/openshell/helm-chart" },
    namespace: "openshell",
    description: "OpenShell gateway (runs every agent sandbox as a Pod)",
  },
  gpuOperator: {
    id: "gpuOperator",
    release: "gpuOperator",
    source: { kind: "http", repo: "https://helm.ngc.nvidia.com/nvidia", name: "gpu-operator" },
    namespace: "gpu-operator",
    description: "NVIDIA GPU Operator (with the node-feature-discovery subchart)",
  },
  cloudnativePg: {
    id: "cloudnativePg",
    release: "cloudnativePg",
    source: { kind: "http", repo: "https://cloudnative-pg.github.io/charts", name: "cloudnative-pg" },
    namespace: "cnpg-system",
    description: "CloudNativePG operator (and its CRDs)",
  },
  csiDriverNfs: {
    id: "csiDriverNfs",
    release: "csiDriverNfs",
    source: { kind: "http", repo: "https://kubernetes-csi.github.io/csi-driver-nfs", name: "csi-driver-nfs" },
    namespace: "csi-nfs",
    description: "NFS CSI driver",
  },
  cephCsiCephfs: {
    id: "cephCsiCephfs",
    release: "cephCsi",
    source: { kind: "http", repo: "https://ceph.github.io/csi-charts", name: "ceph-csi-cephfs" },
    namespace: "ceph-csi-cephfs",
    description: "Ceph CSI CephFS driver (standalone, without Rook)",
  },
};

// -------------------------------------------------------------- manifests

export type ManifestId = "agent-sandbox" | "agent-sandbox-with-extensions";

export interface ManifestEntry {
  readonly id: ManifestId;
  readonly release: ReleaseId;
  /** `${version}` and `${asset}` are substituted. */
  readonly urlPattern: string;
  /** The asset name for a version (upstream renamed assets at v0.5.2). */
  readonly asset: (version: string) => string;
  /** Known sha256 digests per version; a stack adds its own with catalog.manifestSha256. */
  readonly sha256: Readonly<Record<string, string>>;
  readonly description: string;
}

const AGENT_SANDBOX_URL = "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/${version}/${asset}";

/** agent-sandbox's core asset: `manifest.yaml` up to v0.5.1, `sandbox.yaml` from v0.5.2. */
export function agentSandboxCoreAsset(version: string): string {
  const v = parseSemver(version);
  const renamedAt = parseSemver("v0.5.2")!;
  return v !== undefined && compareSemver(v, renamedAt) < 0 ? "manifest.yaml" : "sandbox.yaml";
}

/** Where a controller serves its health checks: the container port's name and the HTTP paths. */
export interface HealthEndpoints {
  readonly port: string;
  readonly liveness: string;
  readonly readiness: string;
}

/**
 * The agent-sandbox controller's health checks: controller-runtime's probe
 * server (flag `--health-probe-bind-address`, default `:8081`) serves
 * `/healthz` and `/readyz`, and the release manifest names that container
 * port `healthz`, from v0.2.1 on (read in cmd/agent-sandbox-controller/main.go
 * and k8s/controller.yaml at every tag v0.2.1-v0.5.6, and in the Go module
 * v1.0.1). No release up to v1.0.1 declares probes itself, so the manifest
 * preparation adds them (manifests/agentSandbox.ts) for every version from
 * `since` on; a later release that declares its own keeps them.
 */
export const AGENT_SANDBOX_HEALTH: HealthEndpoints & { readonly since: string } = { since: "v0.2.1", port: "healthz", liveness: "/healthz", readiness: "/readyz" };

/** The controller's health endpoints at an agent-sandbox version; undefined before it served them. */
export function agentSandboxHealth(version: string): HealthEndpoints | undefined {
  const v = parseSemver(version);
  if (v === undefined || compareSemver(v, parseSemver(AGENT_SANDBOX_HEALTH.since)!) < 0) return undefined;
  const { port, liveness, readiness } = AGENT_SANDBOX_HEALTH;
  return { port, liveness, readiness };
}

/** The namespace agent-sandbox's release manifests install into (upstream's choice; config rules reserve it, the plan and the manifest loader check it). */
export const AGENT_SANDBOX_NAMESPACE = "agent-sandbox-system";

/**
 * How the digests below were derived (upstream publishes no checksums): each
 * asset was rebuilt from the Go module `sigs.k8s.io/agent-sandbox@<version>`
 * (its `k8s/` tree is the tagged tree the release is built from) exactly as
 * upstream's release tool `dev/tools/release` assembles it:
 * - `sandbox.yaml`: every `.yaml` file under `k8s/` (recursively) except
 *   kustomization files and files with "extensions" in the name, sorted by
 *   path, each followed by `---\n`, then `ko://sigs.k8s.io/agent-sandbox/cmd/agent-sandbox-controller…` replaced
 *   by `registry.k8s.io/agent-sandbox/agent-sandbox-controller:<version>`.
 * - `sandbox-with-extensions.yaml`: `kubectl kustomize k8s` (rendered with
 *   kustomize v5.8.1, which reproduces v0.5.6's independently pinned digest
 *   byte for byte), then the same image replacement.
 * v0.5.6's `sandbox.yaml` digest matches the one a third party pinned
 * (f1127ab6…), which proves the method. The release script was read at
 * v0.5.6 (unchanged on main as of 2026-08-22); the v1.0.1 tag's copy is not in the Go
 * module (dev/tools is a separate module), so v1.0.1's assets assume the same
 * script; its `k8s/kustomization.yaml` still names that tool.
 */
export const MANIFESTS: Readonly<Record<ManifestId, ManifestEntry>> = {
  "agent-sandbox": {
    id: "agent-sandbox",
    release: "agentSandbox",
    urlPattern: AGENT_SANDBOX_URL,
    asset: agentSandboxCoreAsset,
    sha256: {
      "v0.5.6": "f1127ab655a07de5f65991339fc8cd5200f471652f61d7ceeaa8e7c6cc252581",
      "v1.0.1": "e30fa5017c6c39d85780ba94554e372da35b068e63a1c3d1a7d70137b349a9b0",
    },
    description: "agent-sandbox core: Namespace, CRDs, RBAC, controller Deployment (and, before v1.0, the conversion webhook Service)",
  },
  "agent-sandbox-with-extensions": {
    id: "agent-sandbox-with-extensions",
    release: "agentSandbox",
    urlPattern: AGENT_SANDBOX_URL,
    asset: () => "sandbox-with-extensions.yaml",
    sha256: {
      "v0.5.6": "1696dbb6faded503149b3994badb599df5dcf24d5985466881784f442dd9c3e5",
      "v1.0.1": "460c1e0272c793c98de82482aed57db1bddb0afcb979c19325dc6cc52289c44c",
    },
    description:
      "agent-sandbox core plus extensions (SandboxClaim/Template/WarmPool CRDs), controller declared once; used instead of the core asset when agentSandbox.extensions is on",
  },
};

/** Tiers that install only a manifest whose sha256 was pinned (the one place this rule lives). */
export const DIGEST_REQUIRED_TIERS: readonly string[] = ["prod"];

/** The sha256 a manifest is checked against: the stack's setting, else the catalog's for that version. */
export function expectedSha256(entry: ManifestEntry, version: string, overrides: Readonly<Partial<Record<ManifestId, string>>>): string | undefined {
  return overrides[entry.id] ?? entry.sha256[version];
}

export function manifestUrl(entry: ManifestEntry, version: string): string {
  return entry.urlPattern.replace("${version}", version).replace("${asset}", entry.asset(version));
}

// ----------------------------------------------------------------- images

/**
 * When an image is pulled. The plan evaluates these against the stack:
 * `always` for the core path, the others follow component switches.
 */
export type Condition =
  | "always"
  | "agentSandbox.extensions"
  | "postgres"
  /** A GPU Operator component: pulled when the chart values enable it (catalog/gpuComponents.ts). */
  | "gpu"
  | "nfs"
  | "nfs.snapshots"
  | "cephfs"
  /** The OpenHands agent-server preset is used by an agentSandbox template. */
  | "openhands.agentServer"
  /** OpenHands' V0 KubernetesRuntime is configured (openhands.kubernetesRuntime.enabled). */
  | "openhands.kubernetesRuntime";

/** How a consumer sets the image. Several bindings may set the same image. */
export type ImageBinding =
  /** Helm values `<repository>` = registry/repository, `<tag>` = tag. */
  | { readonly kind: "repository-tag"; readonly chart: ChartId; readonly repository: string; readonly tag: string }
  /** GPU Operator style: `<repository>` = registry/path prefix, `<image>` = last segment, `<version>` = tag. */
  | {
      readonly kind: "repository-image-version";
      readonly chart: ChartId;
      readonly repository: string;
      readonly image: string;
      readonly version: string;
    }
  /** One values key holding the whole reference. */
  | { readonly kind: "reference"; readonly chart: ChartId; readonly path: string }
  /** A container image inside a raw manifest. */
  | { readonly kind: "manifest"; readonly manifest: ManifestId; readonly container: string }
  /** A field of a custom resource the graph creates. */
  | { readonly kind: "resource"; readonly resource: string; readonly path: string };

export interface ImageEntry {
  readonly id: string;
  /** `registry/repository`, as upstream publishes it. */
  readonly repository: string;
  /**
   * A fixed tag, the version of a release (with an optional prefix such as
   * `v`), or a tag derived from the OpenHands version the stack names
   * (`openhands.kubernetesRuntime.version`; catalog/frameworks.ts).
   */
  readonly tag: string | { readonly release: ReleaseId; readonly prefix?: string } | { readonly openhands: "runtime" | "app" };
  readonly digest?: string;
  readonly when: Condition;
  readonly bindings: readonly ImageBinding[];
  /**
   * Pulled by pods that operators or the gateway start at run time, so it
   * never appears in a rendered chart: render-based image discovery misses it.
   */
  readonly runtimeOnly: boolean;
  /** The driver: the GPU Operator appends `-<node OS>` to the tag at run time. */
  readonly perNodeOs?: boolean;
  readonly why: string;
}

const GPU_CHART: ChartId = "gpuOperator";

/** A GPU Operator component image (`<key>.repository`/`.image`/`.version`). */
function gpuImage(
  id: string,
  key: string,
  repository: string,
  tag: ImageEntry["tag"],
  when: Condition,
  why: string,
  extra: Partial<ImageEntry> = {},
): ImageEntry {
  return {
    id,
    repository,
    tag,
    when,
    bindings: [
      {
        kind: "repository-image-version",
        chart: GPU_CHART,
        repository: `${key}.repository`,
        image: `${key}.image`,
        version: `${key}.version`,
      },
    ],
    runtimeOnly: true,
    why,
    ...extra,
  };
}

function nfsImage(id: string, key: string, repository: string, tag: ImageEntry["tag"], when: Condition, why: string): ImageEntry {
  return {
    id,
    repository,
    tag,
    when,
    bindings: [{ kind: "repository-tag", chart: "csiDriverNfs", repository: `image.${key}.repository`, tag: `image.${key}.tag` }],
    runtimeOnly: false,
    why,
  };
}

function cephImage(id: string, key: string, repository: string, tag: ImageEntry["tag"], why: string): ImageEntry {
  return {
    id,
    repository,
    tag,
    when: "cephfs",
    bindings: [{ kind: "repository-tag", chart: "cephCsiCephfs", repository: `${key}.image.repository`, tag: `${key}.image.tag` }],
    runtimeOnly: false,
    why,
  };
}

const GPU_REL = { release: "gpuOperator" } as const;

export const IMAGES: readonly ImageEntry[] = [
  // agent-sandbox
  {
    id: "agentSandbox.controller",
    repository: "registry.k8s.io/agent-sandbox/agent-sandbox-controller",
    tag: { release: "agentSandbox" },
    when: "always",
    bindings: [
      { kind: "manifest", manifest: "agent-sandbox", container: "agent-sandbox-controller" },
      { kind: "manifest", manifest: "agent-sandbox-with-extensions", container: "agent-sandbox-controller" },
    ],
    runtimeOnly: false,
    why: "agent-sandbox controller Deployment (manifest agent-sandbox-system/agent-sandbox-controller)",
  },
  // OpenShell
  {
    id: "openshell.gateway",
    repository: "ghcr.io/nvidia/openshell/gateway",
    tag: { release: "openshell" },
    when: "always",
    bindings: [{ kind: "repository-tag", chart: "openshell", repository: "image.repository", tag: "image.tag" }],
    runtimeOnly: false,
    why: "OpenShell gateway StatefulSet/Deployment (also the certgen hook image)",
  },
  {
    id: "openshell.supervisor",
    repository: "ghcr.io/nvidia/openshell/supervisor",
    tag: { release: "openshell" },
    when: "always",
    bindings: [
      { kind: "repository-tag", chart: "openshell", repository: "supervisor.image.repository", tag: "supervisor.image.tag" },
    ],
    runtimeOnly: true,
    why: "supervisor side-loaded into every sandbox pod (image volume or init container), started by the gateway; also in the sandbox `verify --probe` creates through the gateway",
  },
  {
    id: "openshell.sandboxBase",
    repository: "ghcr.io/nvidia/openshell-community/sandboxes/base",
    // Published only under the floating "latest" tag and the 7-character commit SHA of OpenShell-Community
    // (build-sandboxes.yml); 8f7d0da is the newest commit touching sandboxes/base that
    // we could date. Pin a digest with catalog.images once you have mirrored it.
    tag: "8f7d0da",
    when: "always",
    bindings: [{ kind: "reference", chart: "openshell", path: "server.sandboxImage" }],
    runtimeOnly: true,
    why: "default sandbox image for pods the gateway creates (chart default is the floating latest tag; pinned here); also the image of the sandbox `verify --probe` creates through the gateway with the OpenShell CLI (unless --probe-image)",
  },
  // CloudNativePG
  {
    id: "verify.probe",
    repository: "registry.k8s.io/pause",
    tag: "3.10",
    when: "always",
    bindings: [{ kind: "resource", resource: "agents.x-k8s.io/v1beta1/Sandbox", path: "spec.podTemplate.spec.containers[0].image" }],
    runtimeOnly: true,
    why: "`verify --probe`: the container of the probe Sandbox that verify creates and deletes (never pulumi up)",
  },
  {
    id: "cloudnativePg.operator",
    repository: "ghcr.io/cloudnative-pg/cloudnative-pg",
    tag: { release: "cloudnativePgOperator" },
    when: "postgres",
    bindings: [
      { kind: "repository-tag", chart: "cloudnativePg", repository: "image.repository", tag: "image.tag" },
      { kind: "reference", chart: "cloudnativePg", path: "config.data.OPERATOR_IMAGE_NAME" },
    ],
    runtimeOnly: false,
    why: "CloudNativePG operator Deployment; also the bootstrap-controller init container of every Postgres pod",
  },
  {
    id: "cloudnativePg.postgres",
    repository: "ghcr.io/cloudnative-pg/postgresql",
    tag: "18.4-system-trixie",
    when: "postgres",
    bindings: [
      { kind: "reference", chart: "cloudnativePg", path: "config.data.POSTGRES_IMAGE_NAME" },
      { kind: "resource", resource: "postgresql.cnpg.io/v1/Cluster", path: "spec.imageName" },
    ],
    runtimeOnly: true,
    why: "PostgreSQL instances of the gateway database Cluster, started by the operator",
  },
  // GPU Operator (every component the ClusterPolicy can start; all run-time only)
  gpuImage("gpuOperator.operator", "operator", "nvcr.io/nvidia/gpu-operator", GPU_REL, "gpu", "GPU Operator Deployment", {
    runtimeOnly: false,
  }),
  gpuImage("gpuOperator.validator", "validator", "nvcr.io/nvidia/gpu-operator", GPU_REL, "gpu", "operator-validator DaemonSet"),
  gpuImage("gpuOperator.driver", "driver", "nvcr.io/nvidia/driver", "595.91.07", "gpu", "driver DaemonSet; tag gets -<node OS>", {
    perNodeOs: true,
  }),
  gpuImage(
    "gpuOperator.driverManager",
    "driver.manager",
    "nvcr.io/nvidia/cloud-native/k8s-driver-manager",
    "v0.12.0",
    "gpu",
    "driver DaemonSet init container (k8s-driver-manager)",
  ),
  gpuImage("gpuOperator.toolkit", "toolkit", "nvcr.io/nvidia/k8s/container-toolkit", "v1.20.0", "gpu", "container-toolkit DaemonSet"),
  gpuImage("gpuOperator.devicePlugin", "devicePlugin", "nvcr.io/nvidia/k8s-device-plugin", "v0.20.0", "gpu", "device-plugin DaemonSet"),
  gpuImage("gpuOperator.gfd", "gfd", "nvcr.io/nvidia/k8s-device-plugin", "v0.20.0", "gpu", "gpu-feature-discovery DaemonSet"),
  gpuImage(
    "gpuOperator.dcgmExporter",
    "dcgmExporter",
    "nvcr.io/nvidia/k8s/dcgm-exporter",
    "4.6.0-4.8.3-distroless",
    "gpu",
    "dcgm-exporter DaemonSet (metrics)",
  ),
  gpuImage("gpuOperator.migManager", "migManager", "nvcr.io/nvidia/cloud-native/k8s-mig-manager", "v0.15.0", "gpu", "mig-manager DaemonSet"),
  gpuImage(
    "gpuOperator.vgpuDeviceManager",
    "vgpuDeviceManager",
    "nvcr.io/nvidia/cloud-native/vgpu-device-manager",
    "v0.5.0",
    "gpu",
    "vGPU device manager (sandbox workloads only)",
  ),
  gpuImage(
    "gpuOperator.vfioManager",
    "vfioManager",
    "nvcr.io/nvidia/cloud-native/k8s-driver-manager",
    "v0.12.0",
    "gpu",
    "VFIO manager (sandbox workloads only)",
  ),
  gpuImage(
    "gpuOperator.vfioManagerDriverManager",
    "vfioManager.driverManager",
    "nvcr.io/nvidia/cloud-native/k8s-driver-manager",
    "v0.12.0",
    "gpu",
    "VFIO manager init container (sandbox workloads only)",
  ),
  gpuImage(
    "gpuOperator.sandboxDevicePlugin",
    "sandboxDevicePlugin",
    "nvcr.io/nvidia/kubevirt-gpu-device-plugin",
    "v1.6.0",
    "gpu",
    "KubeVirt GPU device plugin (sandbox workloads only)",
  ),
  gpuImage(
    "gpuOperator.kataSandboxDevicePlugin",
    "kataSandboxDevicePlugin",
    "nvcr.io/nvidia/cloud-native/nvidia-sandbox-device-plugin",
    "v0.0.5",
    "gpu",
    "Kata sandbox device plugin (sandbox workloads only)",
  ),
  gpuImage("gpuOperator.ccManager", "ccManager", "nvcr.io/nvidia/cloud-native/k8s-cc-manager", "v0.4.3", "gpu", "confidential-computing manager"),
  gpuImage(
    "gpuOperator.vgpuManagerDriverManager",
    "vgpuManager.driverManager",
    "nvcr.io/nvidia/cloud-native/k8s-driver-manager",
    "v0.12.0",
    "gpu",
    "vGPU manager init container (vgpuManager is off by default)",
  ),
  gpuImage("gpuOperator.nodeStatusExporter", "nodeStatusExporter", "nvcr.io/nvidia/gpu-operator", GPU_REL, "gpu", "node-status-exporter (off by default)"),
  gpuImage("gpuOperator.dcgm", "dcgm", "nvcr.io/nvidia/cloud-native/dcgm", "4.6.0-1-ubuntu24.04", "gpu", "standalone DCGM (off by default)"),
  gpuImage("gpuOperator.gds", "gds", "nvcr.io/nvidia/cloud-native/nvidia-fs", "2.29.4", "gpu", "GPUDirect Storage (off by default)"),
  gpuImage("gpuOperator.gdrcopy", "gdrcopy", "nvcr.io/nvidia/cloud-native/gdrdrv", "v2.6", "gpu", "GDRCopy (off by default)"),
  gpuImage("gpuOperator.draDriver", "draDriver", "nvcr.io/nvidia/dra-driver-nvidia-gpu", "v0.5.0", "gpu", "DRA driver (only with gpuCluster.deployCR)"),
  {
    id: "gpuOperator.nfd",
    repository: "registry.k8s.io/nfd/node-feature-discovery",
    tag: "v0.19.0",
    when: "gpu",
    bindings: [
      {
        kind: "repository-tag",
        chart: GPU_CHART,
        repository: "node-feature-discovery.image.repository",
        tag: "node-feature-discovery.image.tag",
      },
    ],
    runtimeOnly: false,
    why: "node-feature-discovery subchart (master, worker, gc)",
  },
  // csi-driver-nfs
  nfsImage("csiDriverNfs.nfs", "nfs", "registry.k8s.io/sig-storage/nfsplugin", { release: "csiDriverNfs", prefix: "v" }, "nfs", "NFS CSI plugin"),
  nfsImage("csiDriverNfs.provisioner", "csiProvisioner", "registry.k8s.io/sig-storage/csi-provisioner", "v6.3.0", "nfs", "NFS CSI controller sidecar"),
  nfsImage("csiDriverNfs.resizer", "csiResizer", "registry.k8s.io/sig-storage/csi-resizer", "v2.2.0", "nfs", "NFS CSI controller sidecar"),
  nfsImage("csiDriverNfs.snapshotter", "csiSnapshotter", "registry.k8s.io/sig-storage/csi-snapshotter", "v8.6.0", "nfs", "NFS CSI controller sidecar"),
  nfsImage("csiDriverNfs.livenessProbe", "livenessProbe", "registry.k8s.io/sig-storage/livenessprobe", "v2.19.0", "nfs", "NFS CSI liveness sidecar"),
  nfsImage(
    "csiDriverNfs.nodeDriverRegistrar",
    "nodeDriverRegistrar",
    "registry.k8s.io/sig-storage/csi-node-driver-registrar",
    "v2.17.0",
    "nfs",
    "NFS CSI node sidecar",
  ),
  nfsImage(
    "csiDriverNfs.snapshotController",
    "externalSnapshotter",
    "registry.k8s.io/sig-storage/snapshot-controller",
    "v8.6.0",
    "nfs.snapshots",
    "snapshot-controller (externalSnapshotter, off by default)",
  ),
  // ceph-csi-cephfs
  cephImage("cephCsi.plugin", "nodeplugin.plugin", "quay.io/cephcsi/cephcsi", { release: "cephCsi", prefix: "v" }, "CephFS CSI node plugin"),
  cephImage("cephCsi.registrar", "nodeplugin.registrar", "registry.k8s.io/sig-storage/csi-node-driver-registrar", "v2.11.1", "CephFS node sidecar"),
  cephImage("cephCsi.provisioner", "provisioner.provisioner", "registry.k8s.io/sig-storage/csi-provisioner", "v5.0.1", "CephFS controller sidecar"),
  cephImage("cephCsi.resizer", "provisioner.resizer", "registry.k8s.io/sig-storage/csi-resizer", "v1.11.1", "CephFS controller sidecar"),
  cephImage("cephCsi.snapshotter", "provisioner.snapshotter", "registry.k8s.io/sig-storage/csi-snapshotter", "v8.2.0", "CephFS controller sidecar"),
  // OpenHands (catalog/frameworks.ts)
  {
    id: "openhands.agentServer",
    repository: "ghcr.io/openhands/agent-server",
    // The release tag OpenHands' own deployment chart pins (never the floating latest-python).
    tag: "1.41.0-python",
    when: "openhands.agentServer",
    bindings: [{ kind: "resource", resource: "extensions.agents.x-k8s.io/v1beta1/SandboxTemplate", path: "spec.podTemplate.spec.containers[agent-server].image" }],
    runtimeOnly: true,
    why: "OpenHands agent server in the warm-pool pods the agent-sandbox controller starts from the SandboxTemplate",
  },
  {
    id: "openhands.runtime",
    repository: "ghcr.io/openhands/runtime",
    tag: { openhands: "runtime" },
    when: "openhands.kubernetesRuntime",
    bindings: [{ kind: "resource", resource: "v1/ConfigMap openhands-config", path: "config.toml [sandbox] runtime_container_image" }],
    runtimeOnly: true,
    why: "OpenHands runtime pods the OpenHands app starts per conversation (prebuilt: no in-cluster image build)",
  },
  {
    id: "openhands.app",
    repository: "ghcr.io/openhands/openhands",
    tag: { openhands: "app" },
    when: "openhands.kubernetesRuntime",
    bindings: [{ kind: "resource", resource: "v1/ConfigMap openhands-config", path: "app-image" }],
    runtimeOnly: true,
    why: "the OpenHands app pod the team runs with the openhands ServiceAccount and config.toml",
  },
];

export const IMAGE_IDS: readonly string[] = IMAGES.map((i) => i.id);

/**
 * Node OS tags NVIDIA builds driver images for, per driver version: the
 * operator appends `-<tag>` to the driver tag, with the tag taken from the
 * node's os-release ID and VERSION_ID (the minor dropped for rhel, rocky
 * and ol; gpu-operator v26.7.0 controllers/state_manager.go
 * getGPUNodeOSInfo). The lists are gpu-driver-container's build matrix for
 * that driver branch (.common-ci.yml / .nvidia-ci.yml at 06a208c,
 * 2026-08-17). A driver tag not listed here is not checked.
 */
export const DRIVER_NODE_OS_TAGS: Readonly<Record<string, readonly string[]>> = {
  "595.91.07": ["rhel10", "rhel8", "rhel9", "rocky8", "rocky9", "ubuntu22.04", "ubuntu24.04", "ubuntu26.04"],
};
