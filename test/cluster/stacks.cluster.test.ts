/**
 * Every example stack and every variant of `npm run graph`, applied to a real kube-apiserver:
 * each object the program registers (not chart renders), in dependency order, dry run then for
 * real, with strict field validation. Accepted means no refusal and no warning (a Pod Security
 * warning names the namespace's level and the offending field in the server's own words).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyObjects, removeObjects } from "./apply";
import { startControlPlane, type ControlPlane } from "./controlPlane";
import { STACK_RUNS, evaluateRun, graphObjects } from "./graph";
import { cloudnativePgCrds, gatewayApiCrds, monitorCrds } from "./upstream";

let cp: ControlPlane;
/** Kinds applied across all runs, to show which custom resources met a real CRD schema. */
const appliedKinds = new Set<string>();

beforeAll(async () => {
  cp = await startControlPlane();
  // What the charts install before the program's own custom resources exist.
  for (const crd of [...cloudnativePgCrds(), ...monitorCrds(), ...gatewayApiCrds()]) await cp.client.installCrd(crd);
});
afterAll(async () => cp?.stop());

describe("the real API server accepts every object the program registers", () => {
  for (const run of STACK_RUNS) {
    it(run, async () => {
      const objects = graphObjects(await evaluateRun(run));
      expect(objects.length).toBeGreaterThan(10);
      const report = await applyObjects(cp.client, objects);
      try {
        expect(report.failures).toEqual([]);
        expect(report.applied.length).toBe(objects.length);
        for (const o of report.applied) appliedKinds.add(`${o.apiVersion} ${o.kind}`);
      } finally {
        await removeObjects(cp.client, report.applied);
      }
    });
  }

  it("staging: what the server stored carries the Postgres wait (pulumi.com/waitFor) and the controller's probes", async () => {
    const objects = graphObjects(await evaluateRun("staging"));
    const report = await applyObjects(cp.client, objects);
    try {
      expect(report.failures).toEqual([]);
      const cluster = await cp.client.get<{ metadata: { annotations?: Record<string, string> } }>("postgresql.cnpg.io/v1", "Cluster", "openshell-db", "openshell");
      expect(cluster?.metadata.annotations).toMatchObject({ "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "1200" });
      type Probe = { httpGet: { path: string; port: string | number } };
      const deployment = await cp.client.get<{ spec: { template: { spec: { containers: { readinessProbe?: Probe; livenessProbe?: Probe }[] } } } }>("apps/v1", "Deployment", "agent-sandbox-controller", "agent-sandbox-system");
      const c = deployment!.spec.template.spec.containers[0]!;
      expect([c.readinessProbe?.httpGet, c.livenessProbe?.httpGet]).toEqual([
        { path: "/readyz", port: "healthz", scheme: "HTTP" },
        { path: "/healthz", port: "healthz", scheme: "HTTP" },
      ]);
    } finally {
      await removeObjects(cp.client, report.applied);
    }
  });

  it("covered every custom resource kind the program creates, against the real CRDs", () => {
    const custom = [...appliedKinds].filter((k) => /\.(cnpg\.io|coreos\.com|x-k8s\.io|networking\.k8s\.io\/v1 GRPCRoute)/.test(k)).sort();
    expect(custom).toEqual([
      // dev-frameworks: agentSandbox.templates/warmPools and the OpenHands preset, against the extension CRDs the program installs.
      "extensions.agents.x-k8s.io/v1beta1 SandboxTemplate",
      "extensions.agents.x-k8s.io/v1beta1 SandboxWarmPool",
      "monitoring.coreos.com/v1 PodMonitor", "monitoring.coreos.com/v1 ServiceMonitor", "postgresql.cnpg.io/v1 Cluster", "postgresql.cnpg.io/v1 ScheduledBackup"]);
  });
});
