/**
 * The explicit Kubernetes provider, through the whole program under mocks.
 * Proof limit: mocks show the provider's inputs, not the engine's replace
 * decision; `clusterIdentifier` is what the provider documents as the only
 * input whose change replaces it.
 */
import { describe, expect, it } from "vitest";
import { letRegistrationsOut } from "../../components/provider";
import { EvaluationError, find, type Evaluation } from "../harness/mocks";
import { runProgram } from "../harness/program";
import { buildConfigMap } from "../harness/stackConfig";

const run = (values: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<Evaluation> =>
  runProgram("dev", buildConfigMap(values, secrets));

const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\n# fixture-kubeconfig-7d1e\n";

describe("Kubernetes provider", () => {
  it("takes kubeconfig contents from the secret setting and keeps them secret", async () => {
    const ev = await run({ tier: "dev", kubernetesVersion: "1.34", cluster: { identifier: "lab-1" } }, { kubeconfig: KUBECONFIG });
    const provider = find(ev, "pulumi:providers:kubernetes", "k8s");
    expect(provider.inputs).toEqual({ clusterIdentifier: "lab-1", enableServerSideApply: "true", kubeconfig: KUBECONFIG });
    expect(provider.secretPaths).toEqual(["kubeconfig"]);
  });

  it("passes a kubeconfig path and context through as plain settings", async () => {
    const ev = await run({ tier: "dev", kubernetesVersion: "1.34", cluster: { kubeconfigPath: "/home/ops/.kube/lab", context: "kind-lab" } });
    expect(find(ev, "pulumi:providers:kubernetes", "k8s").inputs).toEqual({
      clusterIdentifier: "dev",
      context: "kind-lab",
      enableServerSideApply: "true",
      kubeconfig: "/home/ops/.kube/lab",
    });
  });

  it("keeps the same identity when only the kubeconfig changes", async () => {
    const a = await run({ tier: "dev", kubernetesVersion: "1.34", cluster: { identifier: "lab-1", kubeconfigPath: "/a" } });
    const b = await run({ tier: "dev", kubernetesVersion: "1.34", cluster: { identifier: "lab-1", context: "other" } });
    const id = (ev: Evaluation) => find(ev, "pulumi:providers:kubernetes", "k8s").inputs["clusterIdentifier"];
    expect(id(b)).toBe(id(a));
  });

  it("fails before registering anything but the stack when the configuration is bad", async () => {
    const failure = await run({ tier: "dev", kubernetesVersion: "1.34", gateway: { replicas: 2 } }).then(
      () => undefined,
      (err: unknown) => err as EvaluationError,
    );
    expect(failure).toBeInstanceOf(EvaluationError);
    expect(failure!.message).toBe(
      [
        'stack "dev" has 1 configuration error:',
        '  - gateway.replicas: 2 replicas need database.engine "postgres"; with "sqlite" the gateway runs exactly 1 replica',
        'Fix them with `pulumi config set --path <key> <value>` (secrets with --secret); docs/configuration.md lists every key.',
      ].join("\n"),
    );
    expect(failure!.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});

describe("letRegistrationsOut", () => {
  it("resolves only after a full event-loop turn (the SDK's queued work, microtasks and immediates, runs first)", async () => {
    const order: string[] = [];
    setImmediate(() => order.push("immediate queued before"));
    void Promise.resolve().then(() => order.push("microtask"));
    await letRegistrationsOut();
    order.push("after");
    expect(order).toEqual(["microtask", "immediate queued before", "after"]);
  });
});
