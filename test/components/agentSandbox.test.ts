/** agent-sandbox through the program under mocks: CRDs, controller objects, image and pull secret, ordering. */
import { describe, expect, it } from "vitest";
import { find, type Evaluation } from "../harness/mocks";
import { runExample } from "../harness/program";

const controllerObjs = (ev: Evaluation) => find(ev, "kubernetes:yaml/v2:ConfigGroup", "agent-sandbox-controller").inputs["objs"] as Record<string, unknown>[];
const deployment = (ev: Evaluation) => controllerObjs(ev).find((o) => o["kind"] === "Deployment") as { spec: { template: { spec: Record<string, unknown> } } };

describe("agent-sandbox", () => {
  it("the Sandbox CRD is its own resource and ignores the caBundle the controller patches in", async () => {
    const crd = find(await runExample("dev"), "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "agent-sandbox-crd-sandboxes.agents.x-k8s.io");
    expect(crd.ignoreChanges).toEqual(["spec.conversion.webhook.clientConfig.caBundle"]);
    expect((crd.inputs["spec"] as { conversion: unknown }).conversion).toEqual({
      strategy: "Webhook",
      webhook: {
        conversionReviewVersions: ["v1", "v1beta1"],
        clientConfig: { service: { name: "agent-sandbox-webhook-service", namespace: "agent-sandbox-system", path: "/convert" } },
      },
    });
  });

  it("the ConfigGroup holds everything but the Namespace and CRDs, which the graph creates first", async () => {
    const ev = await runExample("dev");
    expect(controllerObjs(ev).map((o) => `${String(o["kind"])}/${String((o["metadata"] as { name: string }).name)}`)).toEqual([
      "ServiceAccount/agent-sandbox-controller",
      "ClusterRoleBinding/agent-sandbox-controller",
      "Role/agent-sandbox-controller",
      "RoleBinding/agent-sandbox-controller",
      "Service/agent-sandbox-controller",
      "Deployment/agent-sandbox-controller",
      "Service/agent-sandbox-webhook-service",
      "ClusterRole/agent-sandbox-controller",
    ]);
    const deps = find(ev, "kubernetes:yaml/v2:ConfigGroup", "agent-sandbox-controller").dependsOn;
    expect(deps).toContain(find(ev, "kubernetes:core/v1:Namespace", "namespaces-agent-sandbox-system").urn);
    expect(deps).toContain(find(ev, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "agent-sandbox-crd-sandboxes.agents.x-k8s.io").urn);
  });

  it("dev: the upstream controller image, no pull secret", async () => {
    const pod = deployment(await runExample("dev")).spec.template.spec;
    expect((pod["containers"] as { image: string }[]).map((c) => c.image)).toEqual(["registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6"]);
    expect(pod["imagePullSecrets"]).toBeUndefined();
  });

  it("prod: the mirrored controller image and the pull secret, which exists before the controller", async () => {
    const ev = await runExample("prod");
    const pod = deployment(ev).spec.template.spec;
    expect((pod["containers"] as { image: string }[]).map((c) => c.image)).toEqual([
      "harbor.example.internal/mirror/registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6",
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
      "rbac.authorization.k8s.io/namespaces/agent-sandbox-system/Role/agent-sandbox-controller",
      "rbac.authorization.k8s.io/namespaces/agent-sandbox-system/RoleBinding/agent-sandbox-controller",
    ]);
  });
});
