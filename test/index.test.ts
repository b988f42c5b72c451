/**
 * The whole program under the mock engine, once per example stack, with only
 * the stack's secret settings supplied (as a user would with
 * `pulumi config set --secret`).
 */
import { describe, expect, it, vi } from "vitest";
import { evaluate, find, inventoryOf, type Evaluation } from "./harness/mocks";
import { kubernetesObjects, validateAll } from "./harness/k8sSchema";
import { EXAMPLE_SECRETS, EXAMPLE_STACKS, exampleStackConfig } from "./harness/stackConfig";

async function run(stack: string): Promise<Evaluation> {
  vi.resetModules();
  return evaluate({
    stack: { ...exampleStackConfig(stack, EXAMPLE_SECRETS[stack]), stack },
    program: async () => ({ ...(await import("../index")) }),
  });
}

describe.each(EXAMPLE_STACKS)("example stack %s", (stack) => {
  it("registers exactly the stack and the explicit Kubernetes provider", async () => {
    const ev = await run(stack);
    expect(inventoryOf(ev)).toEqual([`pulumi:providers:kubernetes k8s`, `pulumi:pulumi:Stack agent-platform-${stack}`]);
  });

  it("gives every plain Kubernetes object a valid schema", async () => {
    const ev = await run(stack);
    const results = await validateAll(kubernetesObjects(ev));
    expect(results.filter((r) => r.status === "invalid")).toEqual([]);
  });

  it("is reproducible: two evaluations register byte-identical inputs and outputs", async () => {
    const a = await run(stack);
    const b = await run(stack);
    const shape = (ev: Evaluation) =>
      JSON.stringify({
        resources: ev.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, inputs: r.rawInputs, deps: r.dependsOn })),
        outputs: ev.outputs,
      });
    expect(shape(b)).toBe(shape(a));
  });
});

describe("provider inputs per example stack", () => {
  it("dev uses the ambient kubeconfig, server-side apply and the stack name as cluster identity", async () => {
    const ev = await run("dev");
    expect(find(ev, "pulumi:providers:kubernetes", "k8s").inputs).toEqual({
      clusterIdentifier: "dev",
      enableServerSideApply: "true",
    });
  });

  it("prod pins its context and a cluster identifier independent of the kubeconfig", async () => {
    const ev = await run("prod");
    expect(find(ev, "pulumi:providers:kubernetes", "k8s").inputs).toEqual({
      clusterIdentifier: "prod-cluster",
      context: "prod",
      enableServerSideApply: "true",
    });
  });
});

describe("stack outputs", () => {
  it("prod exports only mirror references for every image it pulls", async () => {
    const ev = await run("prod");
    const m = "harbor.example.internal/mirror";
    expect(ev.outputs["images"]).toEqual([
      `${m}/ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0`,
      `${m}/ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie`,
      `${m}/ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da`,
      `${m}/ghcr.io/nvidia/openshell/gateway:0.0.111`,
      `${m}/ghcr.io/nvidia/openshell/supervisor:0.0.111`,
      `${m}/nvcr.io/nvidia/cloud-native/k8s-driver-manager:v0.12.0`,
      `${m}/nvcr.io/nvidia/driver:595.91.07-ubuntu22.04`,
      `${m}/nvcr.io/nvidia/driver:595.91.07-ubuntu24.04`,
      `${m}/nvcr.io/nvidia/gpu-operator:v26.7.0`,
      `${m}/nvcr.io/nvidia/k8s-device-plugin:v0.20.0`,
      `${m}/nvcr.io/nvidia/k8s/container-toolkit:v1.20.0`,
      `${m}/nvcr.io/nvidia/k8s/dcgm-exporter:4.6.0-4.8.3-distroless`,
      `${m}/registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6`,
      `${m}/registry.k8s.io/nfd/node-feature-discovery:v0.19.0`,
    ]);
    expect(ev.outputs["registryMode"]).toBe("mirrored");
  });

  it("dev exports the public references", async () => {
    const ev = await run("dev");
    expect(ev.outputs["images"]).toEqual([
      "ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da",
      "ghcr.io/nvidia/openshell/gateway:0.0.111",
      "ghcr.io/nvidia/openshell/supervisor:0.0.111",
      "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6",
    ]);
  });
});

describe("secrets", () => {
  it("prod without its secret settings fails naming both", async () => {
    vi.resetModules();
    const failure = await evaluate({
      stack: { ...exampleStackConfig("prod"), stack: "prod" },
      program: async () => ({ ...(await import("../index")) }),
    }).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(failure?.message.split("\n").slice(0, 3)).toEqual([
      'stack "prod" has 2 configuration errors:',
      '  - inferenceApiKey: required when inference.provider is "nvidia-nim"; set it with `pulumi config set --secret inferenceApiKey <value>`',
      "  - registryPassword: required when registry.username is set; set it with `pulumi config set --secret registryPassword <value>`",
    ]);
  });

  it("no secret fixture value appears in any registered input or output of prod", async () => {
    const ev = await run("prod");
    const everything = JSON.stringify({ r: ev.resources.map((r) => r.rawInputs), o: ev.outputs });
    for (const value of Object.values(EXAMPLE_SECRETS["prod"]!)) expect(everything).not.toContain(value);
  });
});
