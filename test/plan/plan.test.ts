import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NO_SECRETS } from "../../config/secrets";
import { provided } from "../harness/presence";
import { planFor } from "../harness/planFor";
import { parseImageRef } from "../../registry/imageRef";

const plan = planFor;

const mirror = {
  mode: "mirrored",
  host: "harbor.example.internal",
  pathPrefix: "mirror",
  username: "robot$pull",
  manifestBaseUrl: "https://files.example.internal/m",
};

describe("dev plan", () => {
  const p = plan({ tier: "dev", kubernetesVersion: "1.34" }, NO_SECRETS, "dev");

  it("installs agent-sandbox and OpenShell only", () => {
    expect(p.components).toEqual({
      agentSandbox: true,
      openshell: true,
      cloudnativePg: false,
      gpuOperator: false,
      csiDriverNfs: false,
      cephCsi: false,
    });
  });

  it("pulls the chart and manifest from upstream", () => {
    expect(p.charts).toEqual([
      {
        id: "openshell",
        version: "0.0.111",
        source: { kind: "oci", url: "oci://ghcr.io/nvidia/openshell/helm-chart" },
        location: { chart: "oci://ghcr.io/nvidia/openshell/helm-chart", plainHttp: false },
        namespace: "openshell",
      },
    ]);
    expect(p.manifests).toEqual([
      {
        id: "agent-sandbox",
        version: "v1.0.1",
        asset: "sandbox.yaml",
        sourceUrl: "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v1.0.1/sandbox.yaml",
        location: { kind: "url", url: "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v1.0.1/sandbox.yaml" },
        // The catalog's digest for the pinned version (how it was derived: catalog/artifacts.ts).
        sha256: "e30fa5017c6c39d85780ba94554e372da35b068e63a1c3d1a7d70137b349a9b0",
      },
    ]);
  });

  it("reads no secret and targets the ambient kubeconfig", () => {
    expect(p.secrets).toEqual([]);
    expect(p.provider).toEqual({ clusterIdentifier: "dev", kubeconfigFromSecret: false });
    expect(p.pullSecretName).toBeUndefined();
  });
});

describe("prod plan (mirrored, GPUs on two node OSes)", () => {
  const p = plan(
    {
      tier: "prod",
      kubernetesVersion: "1.34",
      registry: mirror,
      gpu: { enabled: true, nodeOperatingSystems: ["ubuntu24.04", "ubuntu22.04"] },
    },
    provided("registryPassword"),
    "prod",
  );

  it("pulls every chart from the mirror as an OCI artifact", () => {
    expect(p.charts.map((c) => [c.id, c.version, c.location])).toEqual([
      ["openshell", "0.0.111", { chart: "oci://harbor.example.internal/mirror/ghcr.io/nvidia/openshell/helm-chart", plainHttp: false }],
      ["gpuOperator", "v26.7.0", { chart: "oci://harbor.example.internal/mirror/helm.ngc.nvidia.com/nvidia/gpu-operator", plainHttp: false }],
      ["cloudnativePg", "0.29.0", { chart: "oci://harbor.example.internal/mirror/cloudnative-pg.github.io/charts/cloudnative-pg", plainHttp: false }],
    ]);
  });

  it("fetches the agent-sandbox manifest from the file server", () => {
    expect(p.manifests.map((m) => m.location)).toEqual([
      { kind: "url", url: "https://files.example.internal/m/agent-sandbox/v1.0.1/sandbox.yaml" },
    ]);
  });

  it("pulls one driver image per node OS, sorted, while values carry the bare version", () => {
    const driver = p.images.find((i) => i.id === "gpuOperator.driver")!;
    expect(driver.resolved).toEqual({ registry: "harbor.example.internal", repository: "mirror/nvcr.io/nvidia/driver", tag: "595.91.07" });
    expect(driver.pulls).toEqual([
      {
        source: "nvcr.io/nvidia/driver:595.91.07-ubuntu22.04",
        resolved: "harbor.example.internal/mirror/nvcr.io/nvidia/driver:595.91.07-ubuntu22.04",
        nodeOs: "ubuntu22.04",
      },
      {
        source: "nvcr.io/nvidia/driver:595.91.07-ubuntu24.04",
        resolved: "harbor.example.internal/mirror/nvcr.io/nvidia/driver:595.91.07-ubuntu24.04",
        nodeOs: "ubuntu24.04",
      },
    ]);
  });

  it("includes the run-time-only images (sandbox, supervisor, Postgres)", () => {
    expect(p.images.filter((i) => i.runtimeOnly && !i.id.startsWith("gpuOperator.")).map((i) => i.pulls[0]!.resolved)).toEqual([
      "harbor.example.internal/mirror/ghcr.io/nvidia/openshell/supervisor:0.0.111",
      "harbor.example.internal/mirror/ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da",
      "harbor.example.internal/mirror/registry.k8s.io/pause:3.10",
      "harbor.example.internal/mirror/ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie",
    ]);
  });

  it("names the pull secret and the secrets it reads", () => {
    expect(p.pullSecretName).toBe("platform-registry-credentials");
    expect(p.secrets).toEqual(["registryPassword"]);
  });
});

describe("overrides", () => {
  const D = `sha256:${"c".repeat(64)}`;

  it("one OpenShell version moves the chart, gateway and supervisor together", () => {
    const p = plan({ tier: "dev", kubernetesVersion: "1.34", catalog: { versions: { openshell: "0.0.112" } } });
    expect(p.charts[0]!.version).toBe("0.0.112");
    expect(p.images.filter((i) => i.id === "openshell.gateway" || i.id === "openshell.supervisor").map((i) => i.pulls[0]!.source)).toEqual([
      "ghcr.io/nvidia/openshell/gateway:0.0.112",
      "ghcr.io/nvidia/openshell/supervisor:0.0.112",
    ]);
  });

  it("an image digest survives mirroring", () => {
    const p = plan(
      { tier: "prod", kubernetesVersion: "1.34", registry: mirror, catalog: { images: { "openshell.sandboxBase": { digest: D } } } },
      provided("registryPassword"),
    );
    expect(p.images.find((i) => i.id === "openshell.sandboxBase")!.pulls[0]!.resolved).toBe(
      `harbor.example.internal/mirror/ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da@${D}`,
    );
  });

  it("a CloudNativePG chart override brings its released operator version", () => {
    const p = plan({ tier: "staging", kubernetesVersion: "1.34", catalog: { versions: { cloudnativePg: "0.28.3" } } });
    expect([p.versions.cloudnativePg, p.versions.cloudnativePgOperator]).toEqual(["0.28.3", "1.29.1"]);
    expect(p.images.find((i) => i.id === "cloudnativePg.operator")!.pulls[0]!.source).toBe("ghcr.io/cloudnative-pg/cloudnative-pg:1.29.1");
  });

  it("a manifest digest from the stack is carried to the plan", () => {
    const sha = "d".repeat(64);
    const p = plan({ tier: "dev", kubernetesVersion: "1.34", catalog: { manifestSha256: { "agent-sandbox": sha } } });
    expect(p.manifests[0]!.sha256).toBe(sha);
  });

  it("extensions switch to the all-in-one asset", () => {
    const p = plan({ tier: "dev", kubernetesVersion: "1.34", agentSandbox: { extensions: true } });
    expect(p.manifests.map((m) => [m.id, m.asset])).toEqual([["agent-sandbox-with-extensions", "sandbox-with-extensions.yaml"]]);
  });
});

describe("mirrored plans never pull from a source registry", () => {
  const switches = fc.record({
    gpu: fc.record({ enabled: fc.boolean(), driver: fc.boolean(), toolkit: fc.boolean(), nfd: fc.boolean(), mig: fc.boolean(), sandboxWorkloads: fc.boolean() }),
    storage: fc.record({
      nfs: fc.record({ enabled: fc.boolean(), snapshots: fc.boolean() }),
      cephfs: fc.record({ mode: fc.constantFrom("none", "rook", "standalone") }),
    }),
    database: fc.record({ engine: fc.constantFrom("sqlite", "postgres") }),
    agentSandbox: fc.record({ extensions: fc.boolean() }),
    layout: fc.constantFrom("prefix", "perRegistry"),
  });

  it("every image pull, chart and manifest resolves to the mirror for every switch combination", () => {
    fc.assert(
      fc.property(switches, (s) => {
        const registries =
          s.layout === "perRegistry"
            ? Object.fromEntries(
                ["ghcr.io", "nvcr.io", "registry.k8s.io", "quay.io", "helm.ngc.nvidia.com", "cloudnative-pg.github.io", "kubernetes-csi.github.io", "ceph.github.io"].map(
                  (h) => [h, `harbor.example.internal/${h.split(".")[0]}-proxy`],
                ),
              )
            : {};
        const secrets = s.storage.cephfs.mode === "standalone" ? provided("registryPassword", "cephUserKey") : provided("registryPassword");
        const p = plan(
          {
            tier: "prod",
            kubernetesVersion: "1.34",
            registry: { ...mirror, layout: s.layout, pathPrefix: s.layout === "prefix" ? "mirror" : "", registries },
            gpu: s.gpu,
            storage: {
              nfs: s.storage.nfs.enabled ? { ...s.storage.nfs, server: "nfs.example.internal", share: "/exports" } : s.storage.nfs,
              cephfs:
                s.storage.cephfs.mode === "standalone"
                  ? { mode: "standalone", clusterID: "fsid", fsName: "fs", monitors: ["10.0.0.1:6789"] }
                  : s.storage.cephfs.mode === "rook"
                    ? { mode: "rook", fsName: "fs" }
                    : { mode: "none" },
            },
            database: s.database,
            gateway: { replicas: s.database.engine === "postgres" ? 3 : 1 },
            agentSandbox: s.agentSandbox,
          },
          secrets,
        );
        for (const img of p.images) {
          for (const pull of img.pulls) expect(parseImageRef(pull.resolved).registry).toBe("harbor.example.internal");
        }
        for (const c of p.charts) expect(c.location.chart.startsWith("oci://harbor.example.internal/")).toBe(true);
        for (const m of p.manifests) expect(m.location).toEqual({ kind: "url", url: expect.stringMatching(/^https:\/\/files\.example\.internal\/m\//) });
      }),
      { numRuns: 200 },
    );
  });
});
