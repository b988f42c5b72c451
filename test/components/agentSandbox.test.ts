/** agent-sandbox through the program under mocks: CRDs, controller objects, image and pull secret, ordering. */
import { describe, expect, it } from "vitest";
import { find, type Evaluation } from "../harness/mocks";
import { UPSTREAM_V05_MANIFEST_URL, buildConfigMap, exampleConfig, runExample, runProgram } from "../harness/program";
import { EXAMPLE_STACKS } from "../harness/stackConfig";

const controllerObjs = (ev: Evaluation) => find(ev, "kubernetes:yaml/v2:ConfigGroup", "agent-sandbox-controller").inputs["objs"] as Record<string, unknown>[];
const deployment = (ev: Evaluation) => controllerObjs(ev).find((o) => o["kind"] === "Deployment") as { spec: { template: { spec: Record<string, unknown> } } };

describe("agent-sandbox", () => {
  it("the Sandbox CRD is its own resource; v1.0 declares no conversion, so no caBundle to ignore", async () => {
    const crd = find(await runExample("dev"), "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "agent-sandbox-crd-sandboxes.agents.x-k8s.io");
    expect(crd.ignoreChanges).toEqual([]);
    expect((crd.inputs["spec"] as { conversion?: unknown }).conversion).toBeUndefined();
    expect((crd.inputs["spec"] as { versions: { name: string }[] }).versions.map((v) => v.name)).toEqual(["v1beta1"]);
  });

  it("the ConfigGroup holds everything but the Namespace and CRDs, which the graph creates first", async () => {
    const ev = await runExample("dev");
    expect(controllerObjs(ev).map((o) => `${String(o["kind"])}/${String((o["metadata"] as { name: string }).name)}`)).toEqual([
      "ServiceAccount/agent-sandbox-controller",
      "ClusterRoleBinding/agent-sandbox-controller",
      "Service/agent-sandbox-controller",
      "Deployment/agent-sandbox-controller",
      "ClusterRole/agent-sandbox-controller",
    ]);
    const deps = find(ev, "kubernetes:yaml/v2:ConfigGroup", "agent-sandbox-controller").dependsOn;
    expect(deps).toContain(find(ev, "kubernetes:core/v1:Namespace", "namespaces-agent-sandbox-system").urn);
    expect(deps).toContain(find(ev, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "agent-sandbox-crd-sandboxes.agents.x-k8s.io").urn);
  });

  it.each(EXAMPLE_STACKS)("%s: the v1.0 migration runs before the CRDs, its cleanup after the controller, and the gateway waits for both", async (stack) => {
    const ev = await runExample(stack);
    const prepared = find(ev, "kubernetes:core/v1:ConfigMap", "agent-sandbox-migration");
    const done = find(ev, "kubernetes:core/v1:ConfigMap", "agent-sandbox-migration-done");
    const crd = find(ev, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "agent-sandbox-crd-sandboxes.agents.x-k8s.io");
    const controller = find(ev, "kubernetes:yaml/v2:ConfigGroup", "agent-sandbox-controller");
    expect(prepared.inputs["data"]).toEqual({
      target: "v1.0.1",
      storageVersion: "v1beta1",
      crds: "sandboxes.agents.x-k8s.io,sandboxclaims.extensions.agents.x-k8s.io,sandboxtemplates.extensions.agents.x-k8s.io,sandboxwarmpools.extensions.agents.x-k8s.io",
      before:
        'per CRD whose status.storedVersions is not ["v1beta1"]: rewrite every object at v1beta1, then prune storedVersions; set a Webhook conversion to None',
      after: "delete Secret agent-sandbox-system/agent-sandbox-webhook-certs (the v0.5.x webhook certificate)",
    });
    expect(prepared.dependsOn).toContain(find(ev, "kubernetes:core/v1:Namespace", "namespaces-agent-sandbox-system").urn);
    expect(prepared.hooks).toEqual({ beforeCreate: ["agent-sandbox-migration-prepare"], beforeUpdate: ["agent-sandbox-migration-prepare"] });
    expect(done.hooks).toEqual({ beforeCreate: ["agent-sandbox-migration-finish"], beforeUpdate: ["agent-sandbox-migration-finish"] });
    expect(ev.hooks).toEqual([
      { name: "agent-sandbox-migration-prepare", onDryRun: true },
      { name: "agent-sandbox-migration-finish", onDryRun: true },
    ]);
    expect(crd.dependsOn).toEqual([prepared.urn]);
    expect(done.dependsOn).toEqual([crd.urn, controller.urn]);
    expect(find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").dependsOn).toEqual(expect.arrayContaining([crd.urn, controller.urn, prepared.urn, done.urn]));
    // The gateway rolls once when agent-sandbox moves to v1.0 (its driver discovers the API at start).
    const values = find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").inputs["values"] as { podAnnotations?: Record<string, string> };
    expect(values.podAnnotations).toEqual({ "agent-platform/agent-sandbox-version": "v1.0.1" });
  });

  it.each(EXAMPLE_STACKS)("%s: moving from v0.5.6 to v1.0.1 keeps every URN, parent and CRD name (nothing is replaced); it only adds the migration's ConfigMaps", async (stack) => {
    const base = exampleConfig(stack);
    const key = `${base.project}:catalog`;
    const catalog = JSON.parse(base.config[key] ?? "{}") as Record<string, unknown>;
    const v05 = { ...base, config: { ...base.config, [key]: JSON.stringify({ ...catalog, versions: { agentSandbox: "v0.5.6" }, manifestSha256: {} }) } };
    const before = await runProgram(stack, v05);
    const after = await runExample(stack);
    const shape = (ev: Evaluation) => new Map(ev.resources.map((r) => [r.urn, r.parent]));
    const [b, a] = [shape(before), shape(after)];
    expect([...b].filter(([urn, parent]) => a.get(urn) !== parent)).toEqual([]);
    expect([...a.keys()].filter((u) => !b.has(u)).map((u) => u.split("::").at(-1))).toEqual(["agent-sandbox-migration", "agent-sandbox-migration-done"]);
    const crdName = (ev: Evaluation) => (find(ev, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "agent-sandbox-crd-sandboxes.agents.x-k8s.io").inputs["metadata"] as { name: string }).name;
    expect([crdName(before), crdName(after)]).toEqual(["sandboxes.agents.x-k8s.io", "sandboxes.agents.x-k8s.io"]);
  });

  it("a stack that keeps v0.5.6 keeps its manifest, webhook CRD and gateway pod template, with no migration", async () => {
    const ev = await runProgram("dev", buildConfigMap({ tier: "dev", kubernetesVersion: "1.34", catalog: { versions: { agentSandbox: "v0.5.6" } } }));
    expect(ev.fetched).toEqual([UPSTREAM_V05_MANIFEST_URL]);
    const crd = find(ev, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "agent-sandbox-crd-sandboxes.agents.x-k8s.io");
    expect(crd.ignoreChanges).toEqual(["spec.conversion.webhook.clientConfig.caBundle"]);
    expect(crd.dependsOn).toEqual([]);
    expect((crd.inputs["spec"] as { conversion: unknown }).conversion).toEqual({
      strategy: "Webhook",
      webhook: {
        conversionReviewVersions: ["v1", "v1beta1"],
        clientConfig: { service: { name: "agent-sandbox-webhook-service", namespace: "agent-sandbox-system", path: "/convert" } },
      },
    });
    expect(controllerObjs(ev).map((o) => `${String(o["kind"])}/${String((o["metadata"] as { name: string }).name)}`)).toContain("Service/agent-sandbox-webhook-service");
    expect((deployment(ev).spec.template.spec["containers"] as { image: string }[]).map((c) => c.image)).toEqual([
      "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6",
    ]);
    expect(ev.resources.filter((r) => r.name.startsWith("agent-sandbox-migration"))).toEqual([]);
    expect(ev.hooks).toEqual([]);
    expect((find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").inputs["values"] as Record<string, unknown>)["podAnnotations"]).toBeUndefined();
  });

  it("dev: the upstream controller image, no pull secret", async () => {
    const pod = deployment(await runExample("dev")).spec.template.spec;
    expect((pod["containers"] as { image: string }[]).map((c) => c.image)).toEqual(["registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1"]);
    expect(pod["imagePullSecrets"]).toBeUndefined();
  });

  it("prod: the mirrored controller image and the pull secret, which exists before the controller", async () => {
    const ev = await runExample("prod");
    const pod = deployment(ev).spec.template.spec;
    expect((pod["containers"] as { image: string }[]).map((c) => c.image)).toEqual([
      "harbor.example.internal/mirror/registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1",
    ]);
    expect(pod["imagePullSecrets"]).toEqual([{ name: "platform-registry-credentials" }]);
    const pull = find(ev, "kubernetes:core/v1:Secret", "namespaces-agent-sandbox-system-pull");
    expect(find(ev, "kubernetes:yaml/v2:ConfigGroup", "agent-sandbox-controller").dependsOn).toContain(pull.urn);
    expect(pull.inputs["type"]).toBe("kubernetes.io/dockerconfigjson");
    expect(JSON.parse((pull.inputs["stringData"] as Record<string, string>)[".dockerconfigjson"]!)).toEqual({
      auths: {
        "harbor.example.internal": {
          username: "robot$platform-pull",
          password: "fixture-registry-password-3f9a",
          auth: Buffer.from("robot$platform-pull:fixture-registry-password-3f9a").toString("base64"),
        },
      },
    });
  });

  it.each(["dev", "staging", "prod"])("%s: the controller the ConfigGroup applies has both probes on its healthz port, and waits for its account and RBAC", async (stack) => {
    const d = deployment(await runExample(stack)) as unknown as { metadata: { annotations: Record<string, string> }; spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const c = d.spec.template.spec.containers[0]!;
    expect([c["readinessProbe"], c["livenessProbe"]]).toEqual([
      { httpGet: { path: "/readyz", port: "healthz" }, initialDelaySeconds: 5, periodSeconds: 10 },
      { httpGet: { path: "/healthz", port: "healthz" }, initialDelaySeconds: 15, periodSeconds: 20 },
    ]);
    expect(d.metadata.annotations["config.kubernetes.io/depends-on"]!.split(",")).toEqual([
      "/namespaces/agent-sandbox-system/ServiceAccount/agent-sandbox-controller",
      "rbac.authorization.k8s.io/ClusterRole/agent-sandbox-controller",
      "rbac.authorization.k8s.io/ClusterRoleBinding/agent-sandbox-controller",
    ]);
  });
});
