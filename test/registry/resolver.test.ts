import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatImageRef, parseImageRef } from "../../registry/imageRef";
import {
  MirrorMappingError,
  resolveChart,
  resolveImage,
  resolveImageRef,
  resolveManifest,
  type MirrorSettings,
  type RegistrySettings,
} from "../../registry/resolver";
import { digestArb, hostArb, imageRefArb } from "./arbitraries";

const D = `sha256:${"b".repeat(64)}`;

const prefix: MirrorSettings = {
  mode: "mirrored",
  host: "harbor.example.internal",
  layout: "prefix",
  pathPrefix: "mirror",
  registries: {},
  plainHttp: false,
  chartRepositories: {},
  manifestBaseUrl: "https://files.example.internal/manifests/",
};

const perRegistry: MirrorSettings = {
  ...prefix,
  layout: "perRegistry",
  registries: {
    "ghcr.io": "harbor.example.internal/ghcr-proxy",
    "nvcr.io": "harbor.example.internal/ngc-proxy",
    "docker.io": "harbor.example.internal:8443/hub",
    "helm.ngc.nvidia.com": "harbor.example.internal/ngc-charts",
  },
};

describe("resolveImage", () => {
  it.each<[string, RegistrySettings, string]>([
    ["ghcr.io/nvidia/openshell/gateway:0.0.111", { mode: "online" }, "ghcr.io/nvidia/openshell/gateway:0.0.111"],
    ["nginx", { mode: "online" }, "docker.io/library/nginx"],
    ["ghcr.io/nvidia/openshell/gateway:0.0.111", prefix, "harbor.example.internal/mirror/ghcr.io/nvidia/openshell/gateway:0.0.111"],
    ["nginx:1.27", prefix, "harbor.example.internal/mirror/docker.io/library/nginx:1.27"],
    [`nvcr.io/nvidia/driver:595.91.07@${D}`, prefix, `harbor.example.internal/mirror/nvcr.io/nvidia/driver:595.91.07@${D}`],
    ["ghcr.io/nvidia/openshell/gateway:0.0.111", { ...prefix, pathPrefix: "" }, "harbor.example.internal/ghcr.io/nvidia/openshell/gateway:0.0.111"],
    ["ghcr.io/nvidia/openshell/gateway:0.0.111", perRegistry, "harbor.example.internal/ghcr-proxy/nvidia/openshell/gateway:0.0.111"],
    ["nginx:1.27", perRegistry, "harbor.example.internal:8443/hub/library/nginx:1.27"],
    ["registry.lab:5000/team/app:2", prefix, "harbor.example.internal/mirror/registry.lab_5000/team/app:2"],
  ])("%s", (input, settings, expected) => {
    expect(resolveImage(input, settings)).toBe(expected);
  });

  it("names the unmapped registry and what is mapped", () => {
    expect(() => resolveImage("quay.io/cephcsi/cephcsi:v3.13.1", perRegistry)).toThrow(
      new MirrorMappingError('no mirror location for source registry "quay.io" (registry.registries maps: docker.io, ghcr.io, helm.ngc.nvidia.com, nvcr.io)'),
    );
  });
});

describe("resolveChart", () => {
  const oci = { kind: "oci", url: "oci://ghcr.io/nvidia/openshell/helm-chart" } as const;
  const http = { kind: "http", repo: "https://helm.ngc.nvidia.com/nvidia", name: "gpu-operator" } as const;

  it("online: OCI reference as is, HTTP as repo + name", () => {
    expect(resolveChart(oci, { mode: "online" })).toEqual({ chart: "oci://ghcr.io/nvidia/openshell/helm-chart", plainHttp: false });
    expect(resolveChart(http, { mode: "online" })).toEqual({ chart: "gpu-operator", repo: "https://helm.ngc.nvidia.com/nvidia", plainHttp: false });
  });

  it("prefix layout: both kinds become OCI artifacts under the mirror", () => {
    expect(resolveChart(oci, prefix)).toEqual({ chart: "oci://harbor.example.internal/mirror/ghcr.io/nvidia/openshell/helm-chart", plainHttp: false });
    expect(resolveChart(http, prefix)).toEqual({ chart: "oci://harbor.example.internal/mirror/helm.ngc.nvidia.com/nvidia/gpu-operator", plainHttp: false });
  });

  it("perRegistry layout maps the chart host like an image registry", () => {
    expect(resolveChart(oci, perRegistry)).toEqual({ chart: "oci://harbor.example.internal/ghcr-proxy/nvidia/openshell/helm-chart", plainHttp: false });
    expect(resolveChart(http, perRegistry)).toEqual({ chart: "oci://harbor.example.internal/ngc-charts/nvidia/gpu-operator", plainHttp: false });
  });

  it("explicit chartRepositories win: an HTTP mirror repository or an OCI base", () => {
    const s: MirrorSettings = {
      ...prefix,
      chartRepositories: {
        "https://helm.ngc.nvidia.com/nvidia/": "https://nexus.example.internal/repository/ngc-helm/",
        "oci://ghcr.io/nvidia/openshell": "oci://harbor.example.internal/openshell-charts",
      },
    };
    expect(resolveChart(http, s)).toEqual({ chart: "gpu-operator", repo: "https://nexus.example.internal/repository/ngc-helm", plainHttp: false });
    expect(resolveChart(oci, s)).toEqual({ chart: "oci://harbor.example.internal/openshell-charts/helm-chart", plainHttp: false });
  });

  it("a plain-HTTP mirror pulls OCI charts with plainHttp", () => {
    expect(resolveChart(oci, { ...prefix, plainHttp: true })).toEqual({
      chart: "oci://harbor.example.internal/mirror/ghcr.io/nvidia/openshell/helm-chart",
      plainHttp: true,
    });
  });
});

describe("resolveManifest", () => {
  const src = {
    id: "agent-sandbox",
    version: "v0.5.6",
    asset: "sandbox.yaml",
    url: "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v0.5.6/sandbox.yaml",
  };
  it("online: the release URL", () => {
    expect(resolveManifest(src, { mode: "online" })).toEqual({ kind: "url", url: src.url });
  });
  it("mirrored: <base>/<id>/<version>/<asset> on the file server", () => {
    expect(resolveManifest(src, prefix)).toEqual({
      kind: "url",
      url: "https://files.example.internal/manifests/agent-sandbox/v0.5.6/sandbox.yaml",
    });
  });
  it("mirrored without a file server: a local path", () => {
    const { manifestBaseUrl: _unused, ...noServer } = prefix;
    expect(resolveManifest(src, { ...noServer, manifestDir: "/srv/bundle/manifests/" })).toEqual({
      kind: "file",
      path: "/srv/bundle/manifests/agent-sandbox/v0.5.6/sandbox.yaml",
    });
  });
  it("mirrored with neither is an error naming both settings", () => {
    const { manifestBaseUrl: _unused, ...noServer } = prefix;
    expect(() => resolveManifest(src, noServer)).toThrow(
      'manifest "agent-sandbox" has no mirror location: set registry.manifestBaseUrl or registry.manifestDir',
    );
  });
});

// ------------------------------------------------------------ properties

const mirrorArb: fc.Arbitrary<MirrorSettings> = fc
  .record({ host: hostArb, pathPrefix: fc.constantFrom("", "mirror", "team/mirror") })
  .map(({ host, pathPrefix }) => ({ ...prefix, host, pathPrefix }));

describe("resolver properties", () => {
  it("online mode is the identity", () => {
    fc.assert(
      fc.property(imageRefArb, (ref) => {
        expect(resolveImageRef(ref, { mode: "online" })).toEqual(ref);
      }),
    );
  });

  it("prefix layout: the pull host is always the mirror, never the source registry", () => {
    fc.assert(
      fc.property(imageRefArb, mirrorArb, (ref, m) => {
        fc.pre(ref.registry !== m.host);
        const out = resolveImageRef(ref, m);
        expect(out.registry).toBe(m.host);
        expect(parseImageRef(formatImageRef(out)).registry).toBe(m.host);
      }),
    );
  });

  it("perRegistry layout: the pull host is the mapped location's host", () => {
    fc.assert(
      fc.property(imageRefArb, hostArb, (ref, target) => {
        fc.pre(ref.registry !== target);
        const m: MirrorSettings = { ...perRegistry, registries: { [ref.registry]: `${target}/proxy` } };
        const out = resolveImageRef(ref, m);
        expect(out.registry).toBe(target);
        expect(out.repository).toBe(`proxy/${ref.repository}`);
      }),
    );
  });

  it("tag and digest survive every rewrite", () => {
    fc.assert(
      fc.property(imageRefArb, digestArb, mirrorArb, (ref, digest, m) => {
        const pinned = { ...ref, digest };
        const out = resolveImageRef(pinned, m);
        expect(out.digest).toBe(digest);
        expect(out.tag).toBe(pinned.tag);
      }),
    );
  });

  it("mirrored charts never pull from the source host", () => {
    fc.assert(
      fc.property(hostArb, mirrorArb, (source, m) => {
        fc.pre(source !== m.host);
        const oci = resolveChart({ kind: "oci", url: `oci://${source}/charts/app` }, m);
        const http = resolveChart({ kind: "http", repo: `https://${source}/charts`, name: "app" }, m);
        expect(oci.chart.startsWith(`oci://${m.host}/`)).toBe(true);
        expect(http.chart.startsWith(`oci://${m.host}/`)).toBe(true);
        expect(http.repo).toBeUndefined();
      }),
    );
  });
});
