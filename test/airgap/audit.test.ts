/**
 * Mirrored stacks reach nothing outside the mirror: every string of every
 * registered input (chart values and manifest objects included), every
 * stack output and every fetched URL, for the example prod stack and a
 * matrix of component toggles; with negative controls.
 */
import { describe, expect, it } from "vitest";
import { type Evaluation, type Registered } from "../harness/mocks";
import { FIXTURE_SHA256, buildConfigMap, runExample, runProgram } from "../harness/program";
import { audit, leadingHost } from "./audit";

const D = `sha256:${"f".repeat(64)}`;
const MIRRORED = {
  tier: "prod",
  kubernetesVersion: "1.34",
  registry: { mode: "mirrored", host: "harbor.example.internal", pathPrefix: "mirror", username: "robot", manifestBaseUrl: "https://files.example.internal/platform-manifests" },
  catalog: { manifestSha256: { "agent-sandbox": FIXTURE_SHA256 } },
  gateway: { oidc: { issuer: "https://login.example.internal" } },
  policies: { apiServer: { cidrs: ["10.0.0.1/32"] } },
};

function variant(extra: Record<string, unknown>): Record<string, unknown> {
  const v = JSON.parse(JSON.stringify(MIRRORED)) as Record<string, Record<string, unknown>>;
  for (const [k, x] of Object.entries(extra)) v[k] = { ...(v[k] ?? {}), ...(x as object) };
  return v;
}

describe("leadingHost", () => {
  it.each([
    ["ghcr.io/nvidia/openshell/gateway:0.0.111", "ghcr.io"],
    ["oci://ghcr.io/nvidia/openshell/helm-chart", "ghcr.io"],
    ["https://helm.ngc.nvidia.com/nvidia", "helm.ngc.nvidia.com"],
    ["harbor.example.internal/mirror/ghcr.io/x:1", "harbor.example.internal"],
    ["nvidia.com/gpu", "nvidia.com"],
    ["app.kubernetes.io/name", "app.kubernetes.io"],
    ["openshell", undefined],
  ])("%s → %s", (s, host) => {
    expect(leadingHost(s)).toBe(host);
  });
});

describe("mirrored audit", () => {
  it("the example prod stack", async () => {
    expect(audit(await runExample("prod"))).toEqual([]);
  });

  const matrix: [string, Record<string, unknown>, Record<string, string>][] = [
    ["GPUs with every operand, NFS with snapshots", { gpu: { enabled: true, mig: true, sandboxWorkloads: true, timeSlicingReplicas: 2 }, storage: { nfs: { enabled: true, snapshots: true, server: "nfs.example.internal", share: "/e" } } }, {}],
    ["GPUs on nodes with drivers and NFD", { gpu: { enabled: true, driver: false, nfd: false } }, {}],
    ["standalone CephFS, extensions, a private CA", { storage: { cephfs: { mode: "standalone", clusterID: "fsid", fsName: "fs", monitors: ["10.0.0.1:6789"] } }, agentSandbox: { extensions: true }, registry: { caBundle: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" } }, { cephUserKey: "k" }],
    [
      "every framework section: OpenHands on agent-sandbox and its KubernetesRuntime, a stack template, NemoClaw",
      {
        agentSandbox: { extensions: true, templates: { tools: { image: "ghcr.io/example/tools:1.2.3", port: 8080 } }, warmPools: { tools: { template: "tools", replicas: 1 } } },
        openhands: { agentSandbox: { enabled: true }, kubernetesRuntime: { enabled: true, ingressDomain: "oh.example.internal" } },
        nemoclaw: { enabled: true },
        catalog: { versions: { openshell: "0.0.116" } },
      },
      {},
    ],
    ["SQLite, one replica", { database: { engine: "sqlite" }, gateway: { replicas: 1 } }, {}],
    ["per-registry layout (Harbor proxy caches)", { registry: { layout: "perRegistry", pathPrefix: "", registries: { "ghcr.io": "harbor.example.internal/ghcr-proxy", "registry.k8s.io": "harbor.example.internal/k8s-proxy", "helm.ngc.nvidia.com": "harbor.example.internal/ngc-charts", "nvcr.io": "harbor.example.internal/ngc-proxy", "cloudnative-pg.github.io": "harbor.example.internal/cnpg-charts" } }, gpu: { enabled: true } }, {}],
  ];

  it.each(matrix)("%s", async (_name, extra, secrets) => {
    const values = variant(extra);
    if ((values["agentSandbox"] as { extensions?: boolean } | undefined)?.extensions === true) {
      (values["catalog"] as Record<string, unknown>)["manifestSha256"] = { "agent-sandbox-with-extensions": FIXTURE_SHA256 };
    }
    const ev = await runProgram(
      "prod",
      buildConfigMap(values, { registryPassword: "pw", ...secrets }),
      {
        "https://files.example.internal/platform-manifests/agent-sandbox/v1.0.1/sandbox.yaml": (await import("../harness/examples")).FIXTURE_MANIFEST,
        "https://files.example.internal/platform-manifests/agent-sandbox-with-extensions/v1.0.1/sandbox-with-extensions.yaml": (await import("../harness/examples")).FIXTURE_MANIFEST,
      },
    );
    expect(ev.resources.length).toBeGreaterThan(30);
    expect(audit(ev)).toEqual([]);
  });

  it("digests survive mirroring into chart values and the inventory of pulls", async () => {
    const ev = await runProgram(
      "prod",
      buildConfigMap(variant({ catalog: { images: { "openshell.gateway": { digest: D } } } }), { registryPassword: "pw" }),
    );
    const chart = ev.resources.find((r) => r.name === "gateway-chart")!;
    expect((chart.inputs["values"] as { image: unknown }).image).toEqual({
      pullPolicy: "IfNotPresent",
      repository: "harbor.example.internal/mirror/ghcr.io/nvidia/openshell/gateway",
      tag: `0.0.111@${D}`,
    });
    expect(ev.outputs["images"]).toContain(`harbor.example.internal/mirror/ghcr.io/nvidia/openshell/gateway:0.0.111@${D}`);
  });
});

describe("negative controls", () => {
  it("a public reference injected anywhere in the inputs is caught", async () => {
    const ev = await runExample("prod");
    const victim = ev.resources.find((r) => r.name === "agent-sandbox-controller")!;
    const objs = JSON.parse(JSON.stringify(victim.inputs["objs"])) as { kind: string; spec: { template: { spec: { containers: { image: string }[] } } } }[];
    objs.find((o) => o.kind === "Deployment")!.spec.template.spec.containers[0]!.image = "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1";
    const tampered: Evaluation = { ...ev, resources: ev.resources.map((r): Registered => (r === victim ? { ...r, inputs: { ...r.inputs, objs } } : r)) };
    expect(audit(tampered)).toEqual([
      "kubernetes:yaml/v2:ConfigGroup agent-sandbox-controller.objs[3].spec.template.spec.containers[0].image = registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1",
    ]);
  });

  it("an online stack is full of public references", async () => {
    const hits = audit(await runExample("dev"));
    expect(hits).toContain("kubernetes:helm.sh/v4:Chart gateway-chart.chart = oci://ghcr.io/nvidia/openshell/helm-chart");
    expect(hits).toContain("fetched = https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v1.0.1/sandbox.yaml");
  });
});
