import { describe, expect, it } from "vitest";
import {
  CHARTS,
  IMAGES,
  MANIFESTS,
  RELEASES,
  agentSandboxCoreAsset,
  checkReleaseVersion,
  manifestUrl,
  type ReleaseId,
} from "../../catalog/artifacts";
import { parseImageRef } from "../../registry/imageRef";

describe("pinned releases", () => {
  it("pins the versions the platform is tested with", () => {
    expect(Object.fromEntries(Object.entries(RELEASES).map(([k, r]) => [k, r.version]))).toEqual({
      agentSandbox: "v1.0.1",
      openshell: "0.0.111",
      gpuOperator: "v26.7.0",
      cloudnativePg: "0.29.0",
      cloudnativePgOperator: "1.30.0",
      csiDriverNfs: "4.13.4",
      cephCsi: "3.13.1",
    });
  });

  it.each(Object.keys(RELEASES) as ReleaseId[])("%s: the pinned version passes its own checks", (id) => {
    expect(checkReleaseVersion(id, RELEASES[id].version)).toBeUndefined();
  });

  it.each<[ReleaseId, string, string | undefined]>([
    ["agentSandbox", "v0.5.2", undefined],
    ["agentSandbox", "v0.5.1", "v0.5.1 is outside the supported range v0.5.2 <= version < v1.1.0"],
    ["agentSandbox", "v0.5.6", undefined],
    ["agentSandbox", "v1.0.0", undefined],
    ["agentSandbox", "v1.1.0", "v1.1.0 is outside the supported range v0.5.2 <= version < v1.1.0"],
    ["agentSandbox", "0.5.6", '"0.5.6" is not a version of the form vX.Y.Z (with the leading v)'],
    ["openshell", "0.0.99", "0.0.99 is outside the supported range 0.0.100 <= version < 0.1.0"],
    ["openshell", "0.1.0", "0.1.0 is outside the supported range 0.0.100 <= version < 0.1.0"],
    ["gpuOperator", "26.7.0", '"26.7.0" is not a version of the form vYY.M.P (with the leading v)'],
    ["gpuOperator", "v25.10.1", undefined],
  ])("%s %s", (id, version, reason) => {
    const got = checkReleaseVersion(id, version);
    if (reason === undefined) expect(got).toBeUndefined();
    else expect(got?.startsWith(reason)).toBe(true);
  });
});

describe("charts", () => {
  it("come from the upstream publishers", () => {
    expect(Object.values(CHARTS).map((c) => [c.id, c.source, c.namespace])).toEqual([
      ["openshell", { kind: "oci", url: "oci://ghcr.io/nvidia/openshell/helm-chart" }, "openshell"],
      ["gpuOperator", { kind: "http", repo: "https://helm.ngc.nvidia.com/nvidia", name: "gpu-operator" }, "gpu-operator"],
      ["cloudnativePg", { kind: "http", repo: "https://cloudnative-pg.github.io/charts", name: "cloudnative-pg" }, "cnpg-system"],
      ["csiDriverNfs", { kind: "http", repo: "https://kubernetes-csi.github.io/csi-driver-nfs", name: "csi-driver-nfs" }, "csi-nfs"],
      ["cephCsiCephfs", { kind: "http", repo: "https://ceph.github.io/csi-charts", name: "ceph-csi-cephfs" }, "ceph-csi-cephfs"],
    ]);
  });
});

describe("agent-sandbox manifests", () => {
  it.each([
    ["v0.4.6", "manifest.yaml"],
    ["v0.5.1", "manifest.yaml"],
    ["v0.5.2", "sandbox.yaml"],
    ["v0.5.6", "sandbox.yaml"],
    ["v1.0.1", "sandbox.yaml"],
  ])("core asset of %s is %s (renamed at v0.5.2)", (version, asset) => {
    expect(agentSandboxCoreAsset(version)).toBe(asset);
  });

  it("digests for v0.5.6 and v1.0.1, rebuilt from the module trees with upstream's release method", () => {
    expect(MANIFESTS["agent-sandbox"].sha256).toEqual({
      "v0.5.6": "f1127ab655a07de5f65991339fc8cd5200f471652f61d7ceeaa8e7c6cc252581",
      "v1.0.1": "e30fa5017c6c39d85780ba94554e372da35b068e63a1c3d1a7d70137b349a9b0",
    });
    expect(MANIFESTS["agent-sandbox-with-extensions"].sha256).toEqual({
      "v0.5.6": "1696dbb6faded503149b3994badb599df5dcf24d5985466881784f442dd9c3e5",
      "v1.0.1": "460c1e0272c793c98de82482aed57db1bddb0afcb979c19325dc6cc52289c44c",
    });
  });

  it("release URLs for the pinned version", () => {
    expect(manifestUrl(MANIFESTS["agent-sandbox"], "v1.0.1")).toBe("https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v1.0.1/sandbox.yaml");
    expect(manifestUrl(MANIFESTS["agent-sandbox"], "v0.5.6")).toBe(
      "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v0.5.6/sandbox.yaml",
    );
    expect(manifestUrl(MANIFESTS["agent-sandbox-with-extensions"], "v0.5.6")).toBe(
      "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v0.5.6/sandbox-with-extensions.yaml",
    );
  });
});

describe("images", () => {
  it("have unique ids", () => {
    const ids = IMAGES.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(IMAGES.map((i) => [i.id, i] as const))("%s: fully qualified, tag pinned, never latest", (_id, img) => {
    const ref = parseImageRef(img.repository);
    expect(`${ref.registry}/${ref.repository}`).toBe(img.repository);
    expect(img.tag).not.toBe("latest");
    if (typeof img.tag === "string") expect(parseImageRef(`${img.repository}:${img.tag}`).tag).toBe(img.tag);
    expect(img.bindings.length).toBeGreaterThan(0);
  });

  it("bind only to charts and manifests the catalog knows", () => {
    for (const img of IMAGES) {
      for (const b of img.bindings) {
        if (b.kind === "manifest") expect(Object.keys(MANIFESTS)).toContain(b.manifest);
        else if (b.kind !== "resource") expect(Object.keys(CHARTS)).toContain(b.chart);
      }
    }
  });

  it("GPU Operator images use the chart's <component>.repository/.image/.version split", () => {
    const gpu = IMAGES.filter((i) => i.id.startsWith("gpuOperator.") && i.id !== "gpuOperator.nfd");
    expect(gpu).toHaveLength(21);
    for (const img of gpu) {
      const b = img.bindings[0]!;
      expect(b.kind).toBe("repository-image-version");
      if (b.kind !== "repository-image-version") continue;
      const key = b.repository.replace(/\.repository$/, "");
      expect([b.image, b.version]).toEqual([`${key}.image`, `${key}.version`]);
    }
  });

  it("record the images only pods started at run time pull", () => {
    expect(IMAGES.filter((i) => i.runtimeOnly && !i.id.startsWith("gpuOperator.")).map((i) => i.id)).toEqual([
      "openshell.supervisor",
      "openshell.sandboxBase",
      "verify.probe",
      "cloudnativePg.postgres",
      "openhands.agentServer",
      "openhands.runtime",
      "openhands.app",
    ]);
  });

  it("the OpenShell gateway and supervisor follow the chart version; the driver varies per node OS", () => {
    const byId = Object.fromEntries(IMAGES.map((i) => [i.id, i]));
    expect(byId["openshell.gateway"]!.tag).toEqual({ release: "openshell" });
    expect(byId["openshell.supervisor"]!.tag).toEqual({ release: "openshell" });
    expect(byId["gpuOperator.driver"]!.perNodeOs).toBe(true);
    expect(IMAGES.filter((i) => i.perNodeOs === true).map((i) => i.id)).toEqual(["gpuOperator.driver"]);
  });
});
