/**
 * The framework objects against a real API server with the real agent-sandbox extension CRDs, at
 * the pinned release (v0.5.6) and at v1.0.1 (the next pin): the rendered SandboxTemplates and
 * SandboxWarmPools are accepted with strict field validation at both, the warm pool's reference
 * field is `sandboxTemplateRef` (`templateRef` is refused), and a pod built from each template is
 * admitted by Pod Security in the template namespace without a warning at restricted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal, type K8sObject } from "./api";
import { startControlPlane, type ControlPlane } from "./controlPlane";
import { agentSandboxCrds } from "./upstream";
import { resolvedTemplates, sandboxTemplateObject, sandboxWarmPoolObjects } from "../../manifests/sandboxTemplates";
import { namespaceSpecs } from "../../security/podSecurity";
import { FRAMEWORKS_DEV_VALUES } from "../harness/frameworks";
import { planFor } from "../harness/planFor";

// The strict profile enforces restricted in the template namespace (dev's relaxed profile only warns at it).
const plan = planFor({ ...FRAMEWORKS_DEV_VALUES, policies: { profile: "strict" } });
const templates = resolvedTemplates(plan).map((t) => sandboxTemplateObject(plan, t) as unknown as K8sObject);
const pools = sandboxWarmPoolObjects(plan) as unknown as K8sObject[];

describe.each(["v0.5.6", "v1.0.1"])("agent-sandbox %s extension CRDs", (version) => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
    for (const crd of agentSandboxCrds(version, true)) await cp.client.installCrd(crd);
    for (const ns of namespaceSpecs(plan)) await cp.client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns.name, labels: ns.labels } });
  });
  afterAll(async () => cp?.stop());

  it("accepts every rendered SandboxTemplate and SandboxWarmPool, with no warning", async () => {
    expect(templates.map((t) => t.metadata.name)).toEqual(["openhands-agent-server", "python-tools"]);
    for (const o of [...templates, ...pools]) expect((await cp.client.apply(o)).warnings).toEqual([]);
    expect((await cp.client.list("extensions.agents.x-k8s.io/v1beta1", "SandboxWarmPool", "agent-sandboxes")).map((p) => (p["spec"] as { sandboxTemplateRef: unknown }).sandboxTemplateRef)).toEqual([
      { name: "openhands-agent-server" },
      { name: "python-tools" },
    ]);
  });

  it("refuses templateRef: the warm pool's field is sandboxTemplateRef", async () => {
    const pool = pools[0]!;
    const spec = pool["spec"] as { replicas: number; sandboxTemplateRef: { name: string } };
    const wrong = { ...pool, metadata: { ...pool.metadata, name: "wrong-field" }, spec: { replicas: spec.replicas, templateRef: spec.sandboxTemplateRef } };
    expect(await refusal(cp.client.apply(wrong, { dryRun: true }))).toContain(".spec.templateRef: field not declared in schema");
  });

  it("admits each template's pod at Pod Security restricted, and refuses a root pod there", async () => {
    for (const t of templates) {
      const spec = t["spec"] as { podTemplate: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> }; volumeClaimTemplates?: { metadata: { name: string } }[] };
      // As the controller runs it: each volumeClaimTemplate becomes a PVC volume of the pod.
      const volumes = (spec.volumeClaimTemplates ?? []).map((v) => ({ name: v.metadata.name, persistentVolumeClaim: { claimName: `${v.metadata.name}-probe` } }));
      const pod: K8sObject = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `${t.metadata.name}-probe`, namespace: "agent-sandboxes", labels: spec.podTemplate.metadata.labels },
        spec: { ...spec.podTemplate.spec, ...(volumes.length > 0 ? { volumes } : {}) },
      };
      expect((await cp.client.apply(pod, { dryRun: true })).warnings).toEqual([]);
    }
    const root: K8sObject = { apiVersion: "v1", kind: "Pod", metadata: { name: "root-probe", namespace: "agent-sandboxes" }, spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10", securityContext: { runAsUser: 0 } }] } };
    expect(await refusal(cp.client.apply(root, { dryRun: true }))).toContain('violates PodSecurity "restricted:v1.34"');
  });
});
