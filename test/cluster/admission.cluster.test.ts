/**
 * What the API server decides about workloads in the namespaces the graph labels, and negative
 * controls proving the tier sees a refusal: Pod Security per namespace level (the server's own
 * words), and CRD schemas refusing an invalid custom resource.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal, type K8sObject } from "./api";
import { applyObjects } from "./apply";
import { startControlPlane, type ControlPlane } from "./controlPlane";
import { evaluateRun, graphObjects } from "./graph";
import { cloudnativePgCrds } from "./upstream";
import { EXAMPLE_STACKS } from "../harness/stackConfig";

let cp: ControlPlane;
beforeAll(async () => {
  cp = await startControlPlane();
  for (const crd of cloudnativePgCrds()) await cp.client.installCrd(crd);
});
afterAll(async () => cp?.stop());

/** A sandbox pod as OpenShell's Kubernetes driver runs it: root, with the supervisor's capabilities. */
function sandboxPod(namespace: string): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "sandbox-probe", namespace },
    spec: {
      containers: [
        {
          name: "agent",
          image: "ghcr.io/nvidia/openshell/supervisor:0.0.111",
          securityContext: { runAsUser: 0, capabilities: { add: ["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYSLOG"] } },
        },
      ],
    },
  };
}

function privilegedDeployment(namespace: string): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "privileged-probe", namespace },
    spec: {
      selector: { matchLabels: { app: "privileged-probe" } },
      template: {
        metadata: { labels: { app: "privileged-probe" } },
        spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10", securityContext: { privileged: true } }] },
      },
    },
  };
}

async function namespacesOf(stack: string): Promise<Map<string, Record<string, string>>> {
  const objects = graphObjects(await evaluateRun(stack)).filter((o) => o.object.kind === "Namespace");
  const report = await applyObjects(cp.client, objects);
  expect(report.failures).toEqual([]);
  return new Map(objects.map((o) => [o.object.metadata.name, (o.object.metadata["labels"] ?? {}) as Record<string, string>]));
}

const level = (labels: Record<string, string> | undefined, mode: string): string | undefined => labels?.[`pod-security.kubernetes.io/${mode}`];

describe("Pod Security: the levels the graph labels are the ones the server enforces", () => {
  for (const stack of EXAMPLE_STACKS) {
    it(`${stack}: a sandbox pod is admitted in the sandbox namespace (warned at baseline) and refused in the gateway's`, async () => {
      const ns = await namespacesOf(stack);
      const sandboxNs = "openshell-sandboxes";
      // The server decides: a label the pod breaks fails here with its refusal.
      const admitted = await cp.client.apply(sandboxPod(sandboxNs), { dryRun: true });
      expect(level(ns.get(sandboxNs), "enforce")).toBe("privileged");
      expect(admitted.warnings.join("\n")).toContain('would violate PodSecurity "baseline:v1.34": non-default capabilities');

      const gatewayLevel = level(ns.get("openshell"), "enforce");
      expect(gatewayLevel).toBe(stack === "dev" ? "baseline" : "restricted");
      expect(await refusal(cp.client.apply(sandboxPod("openshell"), { dryRun: true }))).toContain(`violates PodSecurity "${gatewayLevel}:v1.34"`);
    });
  }

  it("negative control: a privileged Deployment in a restricted namespace is reported with the server's warning", async () => {
    await namespacesOf("prod");
    const report = await applyObjects(cp.client, [{ resource: "probe", object: privilegedDeployment("openshell") }]);
    expect(report.failures).toEqual([
      'probe Deployment openshell/privileged-probe (dry run): warning: would violate PodSecurity "restricted:v1.34": privileged (container "c" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      'probe Deployment openshell/privileged-probe: warning: would violate PodSecurity "restricted:v1.34": privileged (container "c" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]);
    await cp.client.delete(privilegedDeployment("openshell"));
  });
});

describe("CRD schemas: the real CloudNativePG CRD refuses what it should", () => {
  it("accepts the staging Cluster and refuses it with 0 instances or an unknown field, in the server's words", async () => {
    const objects = graphObjects(await evaluateRun("staging"));
    const cluster = objects.find((o) => o.object.kind === "Cluster")!.object;
    await namespacesOf("staging");
    await cp.client.apply(cluster, { dryRun: true });
    const spec = cluster["spec"] as Record<string, unknown>;
    expect(await refusal(cp.client.apply({ ...cluster, spec: { ...spec, instances: 0 } }, { dryRun: true }))).toContain("spec.instances: Invalid value: 0: spec.instances in body should be greater than or equal to 1");
    expect(await refusal(cp.client.apply({ ...cluster, spec: { ...spec, instance: 2 } }, { dryRun: true }))).toContain(".spec.instance: field not declared in schema");
  });
});
