/**
 * docs/installer-rbac.yaml on a real API server: bound to a test identity, it can create every
 * object of every example stack (impersonation, as `kubectl --as` does), including the RBAC the
 * graph creates, where Kubernetes' escalation check is real. Negative controls take one rule out
 * and show the server's refusal.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Identity, K8sObject } from "./api";
import { applyObjects, removeObjects } from "./apply";
import { startControlPlane, type ControlPlane } from "./controlPlane";
import { evaluateRun, graphObjects } from "./graph";
import { cloudnativePgCrds, monitorCrds } from "./upstream";
import { EXAMPLE_STACKS, ROOT } from "../harness/stackConfig";

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const docs = parseAllDocuments(readFileSync(join(ROOT, "docs", "installer-rbac.yaml"), "utf8")).map((d) => d.toJS() as K8sObject);
const role = docs.find((d) => d.kind === "ClusterRole") as K8sObject & { rules: Rule[] };
const binding = docs.find((d) => d.kind === "ClusterRoleBinding") as K8sObject & { subjects: { kind: string; name: string; namespace: string }[] };
const sa = binding.subjects[0]!;
/** The documented binding's ServiceAccount, impersonated the way `kubectl --as` does. */
const INSTALLER: Identity = { user: `system:serviceaccount:${sa.namespace}:${sa.name}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${sa.namespace}`, "system:authenticated"] };

let cp: ControlPlane;
beforeAll(async () => {
  cp = await startControlPlane();
  // The charts' CRDs: the installer creates those too, but through the charts this tier does not render.
  for (const crd of [...cloudnativePgCrds(), ...monitorCrds()]) await cp.client.installCrd(crd);
});
afterAll(async () => cp?.stop());

async function bind(rules: Rule[]): Promise<void> {
  await cp.client.apply({ ...role, rules } as K8sObject);
  await cp.client.apply(binding);
}

describe("the installer ClusterRole can run the whole graph", () => {
  for (const stack of EXAMPLE_STACKS) {
    it(`${stack}: every object is created as the installer`, async () => {
      await bind(role.rules);
      const report = await applyObjects(cp.client, graphObjects(await evaluateRun(stack)), INSTALLER);
      try {
        expect(report.failures).toEqual([]);
      } finally {
        await removeObjects(cp.client, report.applied);
      }
    });
  }

  it("negative control: without the NetworkPolicy rule, the server refuses the policies", async () => {
    await bind(role.rules.filter((r) => !r.resources.includes("networkpolicies")));
    const objects = graphObjects(await evaluateRun("dev"));
    const report = await applyObjects(cp.client, objects, INSTALLER);
    await removeObjects(cp.client, report.applied);
    const refused = report.failures.filter((f) => f.includes("NetworkPolicy"));
    expect(refused.length).toBe(objects.filter((o) => o.object.kind === "NetworkPolicy").length);
    expect(refused[0]).toMatch(/networkpolicies\.networking\.k8s\.io "[a-z0-9-]+" is forbidden: User "system:serviceaccount:kube-system:agent-platform-installer" cannot patch resource "networkpolicies" in API group "networking\.k8s\.io" in the namespace "[a-z-]+"/);
    expect(report.failures.length).toBe(refused.length);
  });

  it("negative control: without escalate, the agent-sandbox controller's ClusterRole is refused by the escalation check", async () => {
    await bind(role.rules.map((r) => ({ ...r, verbs: r.verbs.filter((v) => v !== "escalate") })));
    const objects = graphObjects(await evaluateRun("dev"));
    const report = await applyObjects(cp.client, objects, INSTALLER);
    await removeObjects(cp.client, report.applied);
    expect(report.failures.map((f) => f.replace(/:\n.*$/s, ""))).toEqual([
      expect.stringMatching(/^agent-sandbox-controller\[\d+\] ClusterRole agent-sandbox-controller: PATCH .*: 403 clusterroles\.rbac\.authorization\.k8s\.io "agent-sandbox-controller" is forbidden: user "system:serviceaccount:kube-system:agent-platform-installer" \(groups=\["system:serviceaccounts" "system:serviceaccounts:kube-system" "system:authenticated"\]\) is attempting to grant RBAC permissions not currently held/),
    ]);
  });
});
