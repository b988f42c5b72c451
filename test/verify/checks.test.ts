/** verify's pure checks: expectations of each example stack against healthy and broken clusters. */
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../manifests/agentSandbox";
import { planStackFile } from "../../plan/fromStackFile";
import { checkPlatform, type KubeObject } from "../../verify/checks";
import { crdsOf, expectations, readsOf, refKey, type Expectation } from "../../verify/expectations";
import { rowReference, TROUBLESHOOTING } from "../../verify/troubleshooting";
import { FIXTURE_MANIFEST } from "../harness/examples";
import { planFor } from "../harness/planFor";
import { ROOT } from "../harness/stackConfig";
import { fixtureCert, healthyObjects, observe } from "./healthy";

const NOW = new Date("2026-12-04T12:00:00Z");
const AGENT_SANDBOX_CRDS = crdsOf(parseManifest("agent-sandbox", FIXTURE_MANIFEST));
const CA = fixtureCert("ca");

function setup(stack: string) {
  const { plan } = planStackFile(ROOT, stack);
  const list = expectations(plan, { agentSandboxCrds: AGENT_SANDBOX_CRDS, caPem: CA });
  return { plan, list, objects: healthyObjects(list) };
}

const run = (list: readonly Expectation[], objects: readonly KubeObject[], now = NOW) => checkPlatform(list, observe(readsOf(list), objects), now);

const without = (objects: readonly KubeObject[], kind: string, name: string, namespace?: string) =>
  objects.filter((o) => {
    const m = o["metadata"] as { name: string; namespace?: string };
    return !(o["kind"] === kind && m.name === name && m.namespace === namespace);
  });

const replace = (objects: readonly KubeObject[], kind: string, name: string, f: (o: KubeObject) => KubeObject) =>
  objects.map((o) => (o["kind"] === kind && (o["metadata"] as { name: string }).name === name ? f(o) : o));

describe("expectations per example stack", () => {
  it("dev: namespaces, agent-sandbox CRD, controller, StatefulSet gateway, certificate, policies; no mirror, no Postgres", () => {
    const { list } = setup("dev");
    const summary = list.map((e) => `${e.check} ${"ref" in e ? refKey(e.ref) : refKey(e.service)}`);
    expect(summary.filter((s) => !s.includes("NetworkPolicy"))).toEqual([
      "namespace v1/Namespace agent-sandbox-system",
      "namespace v1/Namespace openshell",
      "namespace v1/Namespace openshell-sandboxes",
      "crd apiextensions.k8s.io/v1/CustomResourceDefinition sandboxes.agents.x-k8s.io",
      "deploymentAvailable apps/v1/Deployment agent-sandbox-system/agent-sandbox-controller",
      "workloadReady apps/v1/StatefulSet openshell/openshell",
      "serviceEndpoints v1/Service openshell/openshell",
      "serverCertificate v1/Secret openshell/openshell-server-tls",
      "present v1/ResourceQuota openshell-sandboxes/sandboxes",
      "present v1/LimitRange openshell-sandboxes/sandbox-defaults",
    ]);
    expect(list.find((e) => e.check === "crd")).toMatchObject({ versions: ["v1beta1"] });
  });

  it("prod: pull Secret per namespace, CNPG and GPU Operator CRDs and Deployments, Deployment gateway with 3 replicas, Postgres 3 instances, classes", () => {
    const { list } = setup("prod");
    const keys = list.map((e) => `${e.check} ${"ref" in e ? refKey(e.ref) : refKey(e.service)}`);
    expect(keys.filter((k) => k.includes("platform-registry-credentials"))).toHaveLength(5);
    expect(keys).toContain("deploymentAvailable apps/v1/Deployment cnpg-system/cnpg-cloudnative-pg");
    expect(keys).toContain("deploymentAvailable apps/v1/Deployment gpu-operator/gpu-operator");
    expect(keys).toContain("crd apiextensions.k8s.io/v1/CustomResourceDefinition clusters.postgresql.cnpg.io");
    expect(keys).toContain("crd apiextensions.k8s.io/v1/CustomResourceDefinition clusterpolicies.nvidia.com");
    expect(keys).toContain("present storage.k8s.io/v1/StorageClass cephfs");
    expect(keys).toContain("present storage.k8s.io/v1/StorageClass ceph-block");
    expect(list.find((e) => e.check === "workloadReady")).toMatchObject({ ref: { kind: "Deployment", name: "openshell", namespace: "openshell" }, replicas: 3 });
    expect(list.find((e) => e.check === "postgres")).toMatchObject({ ref: { name: "openshell-db", namespace: "openshell" }, instances: 3 });
  });

  it("gateway.clients: the client Secret and ConfigMap in each client namespace", () => {
    const plan = planFor({ tier: "dev", kubernetesVersion: "1.34", gateway: { clients: { namespaces: ["ci", "runners"] } } });
    const list = expectations(plan, { agentSandboxCrds: AGENT_SANDBOX_CRDS });
    expect(list.filter((e) => e.row === "clients").map((e) => ("ref" in e ? refKey(e.ref) : ""))).toEqual([
      "v1/Secret ci/openshell-client",
      "v1/ConfigMap ci/openshell-client",
      "v1/Secret runners/openshell-client",
      "v1/ConfigMap runners/openshell-client",
    ]);
    expect(list.filter((e) => e.check === "present" && e.ref.name === "gateway-clients").map((e) => ("ref" in e ? e.ref.namespace : ""))).toEqual(["openshell"]);
  });
});

describe("a healthy cluster passes", () => {
  it.each(["dev", "staging", "prod"])("%s: no finding", (stack) => {
    const { list, objects } = setup(stack);
    expect(run(list, objects)).toEqual([]);
  });
});

describe("each broken variant gives exactly its finding", () => {
  const row = (r: keyof typeof TROUBLESHOOTING) => rowReference(r);
  it.each([
    [
      "a CRD missing",
      "dev",
      (o: readonly KubeObject[]) => without(o, "CustomResourceDefinition", "sandboxes.agents.x-k8s.io"),
      { check: "crd", object: "CustomResourceDefinition sandboxes.agents.x-k8s.io", expected: "the CRD, Established, serving v1beta1", found: "not found", troubleshooting: row("crd") },
    ],
    [
      "a CRD not Established",
      "dev",
      (o: readonly KubeObject[]) =>
        replace(o, "CustomResourceDefinition", "sandboxes.agents.x-k8s.io", (x) => ({
          ...x,
          status: { ...(x["status"] as object), conditions: [{ type: "Established", status: "False", reason: "Installing", message: "the initial names have not been accepted" }] },
        })),
      {
        check: "crd",
        object: "CustomResourceDefinition sandboxes.agents.x-k8s.io",
        expected: "Established=True",
        found: "Established=False (Installing: the initial names have not been accepted)",
        troubleshooting: row("crd"),
      },
    ],
    [
      "a CRD that still lists v1alpha1 as stored (the agent-sandbox v1.0 migration did not run)",
      "dev",
      (o: readonly KubeObject[]) =>
        replace(o, "CustomResourceDefinition", "sandboxes.agents.x-k8s.io", (x) => ({ ...x, status: { ...(x["status"] as object), storedVersions: ["v1alpha1", "v1beta1"] } })),
      {
        check: "crd",
        object: "CustomResourceDefinition sandboxes.agents.x-k8s.io",
        expected: 'status.storedVersions ["v1beta1"] (the agent-sandbox v1.0 migration ran)',
        found: 'status.storedVersions ["v1alpha1","v1beta1"]',
        troubleshooting: row("crd"),
      },
    ],
    [
      "a Deployment not Available",
      "dev",
      (o: readonly KubeObject[]) =>
        replace(o, "Deployment", "agent-sandbox-controller", (x) => ({ ...x, status: { replicas: 1, conditions: [{ type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." }] } })),
      {
        check: "deploymentAvailable",
        object: "Deployment agent-sandbox-system/agent-sandbox-controller",
        expected: "Available=True",
        found: "Available=False (MinimumReplicasUnavailable: Deployment does not have minimum availability.)",
        troubleshooting: row("operator"),
      },
    ],
    [
      "a wrong PSA label",
      "staging",
      (o: readonly KubeObject[]) =>
        replace(o, "Namespace", "openshell", (x) => ({ ...x, metadata: { name: "openshell", labels: { ...((x["metadata"] as { labels: Record<string, string> }).labels), "pod-security.kubernetes.io/enforce": "privileged" } } })),
      { check: "namespace", object: "Namespace openshell", expected: "pod-security.kubernetes.io/enforce=restricted", found: "pod-security.kubernetes.io/enforce=privileged", troubleshooting: row("namespace") },
    ],
    [
      "a server certificate from another CA",
      "dev",
      (o: readonly KubeObject[]) =>
        replace(o, "Secret", "openshell-server-tls", (x) => ({ ...x, data: { "tls.crt": Buffer.from(fixtureCert("server-other-ca")).toString("base64") } })),
      {
        check: "serverCertificate",
        object: "Secret openshell/openshell-server-tls",
        expected: expect.stringMatching(/^issued and signed by the stack's CA \(O=openshell, CN=openshell-ca, serial [0-9A-F]+\)$/),
        found: "issued by O=openshell, CN=openshell-ca, not signed by the stack's CA",
        troubleshooting: row("certificate"),
      },
    ],
    [
      "a missing pull Secret",
      "prod",
      (o: readonly KubeObject[]) => without(o, "Secret", "platform-registry-credentials", "openshell-sandboxes"),
      { check: "present", object: "Secret openshell-sandboxes/platform-registry-credentials", expected: "the Secret", found: "not found", troubleshooting: row("pullSecret") },
    ],
    [
      "a server certificate missing the in-cluster names",
      "dev",
      (o: readonly KubeObject[]) => replace(o, "Secret", "openshell-server-tls", (x) => ({ ...x, data: { "tls.crt": Buffer.from(fixtureCert("server-few-sans")).toString("base64") } })),
      {
        check: "serverCertificate",
        object: "Secret openshell/openshell-server-tls",
        expected: "SANs covering openshell, openshell.openshell, openshell.openshell.svc, openshell.openshell.svc.cluster.local, localhost, 127.0.0.1, ::1",
        found: "missing openshell.openshell, openshell.openshell.svc, openshell.openshell.svc.cluster.local, ::1",
        troubleshooting: row("certificate"),
      },
    ],
    [
      "the gateway without ready replicas",
      "prod",
      (o: readonly KubeObject[]) => replace(o, "Deployment", "openshell", (x) => ({ ...x, status: { replicas: 3, readyReplicas: 1 } })),
      { check: "workloadReady", object: "Deployment openshell/openshell", expected: "3 ready replica(s)", found: "1 ready of 3", troubleshooting: row("gateway") },
    ],
    [
      "the gateway Service without ready endpoints",
      "dev",
      (o: readonly KubeObject[]) => replace(o, "EndpointSlice", "openshell-verify", (x) => ({ ...x, endpoints: [{ addresses: ["10.244.0.10"], conditions: { ready: false } }] })),
      { check: "serviceEndpoints", object: "Service openshell/openshell (EndpointSlices)", expected: "at least one ready endpoint for port 8080", found: "1 EndpointSlice(s), no ready endpoint", troubleshooting: row("gateway") },
    ],
    [
      "Postgres with fewer ready instances",
      "staging",
      (o: readonly KubeObject[]) => replace(o, "Cluster", "openshell-db", (x) => ({ ...x, status: { readyInstances: 1, phase: "Waiting for the instances to become active" } })),
      { check: "postgres", object: "Cluster openshell/openshell-db", expected: "2 ready instance(s)", found: '1 ready (phase "Waiting for the instances to become active")', troubleshooting: row("postgres") },
    ],
    [
      "a NetworkPolicy missing",
      "dev",
      (o: readonly KubeObject[]) => without(o, "NetworkPolicy", "default-deny", "openshell"),
      { check: "present", object: "NetworkPolicy openshell/default-deny", expected: "the NetworkPolicy", found: "not found", troubleshooting: row("policy") },
    ],
  ])("%s (%s)", (_name, stack, breakIt, finding) => {
    const { list, objects } = setup(stack);
    expect(run(list, breakIt(objects))).toEqual([finding]);
  });

  it("a server certificate within pki.earlyRenewalHours of expiry", () => {
    const { plan, list, objects } = setup("dev");
    const expiry = new Date("2126-11-10T12:46:09Z");
    const now = new Date(expiry.getTime() - (plan.config.pki.earlyRenewalHours - 1) * 3_600_000);
    expect(run(list, objects, now)).toEqual([
      {
        check: "serverCertificate",
        object: "Secret openshell/openshell-server-tls",
        expected: `valid for more than pki.earlyRenewalHours (${plan.config.pki.earlyRenewalHours} h)`,
        found: expect.stringMatching(/^expires 2126-11-10T12:\d\d:\d\d\.000Z$/),
        troubleshooting: row("certificate"),
      },
    ]);
  });

  it("a class the plan makes the default that is not", () => {
    const plan = planFor({ tier: "staging", kubernetesVersion: "1.34", storage: { workspaceClass: "nfs", nfs: { enabled: true, default: true, server: "nfs.example.internal", share: "/exports" } } });
    const list = expectations(plan, { agentSandboxCrds: AGENT_SANDBOX_CRDS, caPem: CA });
    const objects = replace(healthyObjects(list), "StorageClass", "nfs", (x) => ({ ...x, metadata: { name: "nfs" } }));
    expect(run(list, objects)).toEqual([
      { check: "defaultStorageClass", object: "StorageClass nfs", expected: "storageclass.kubernetes.io/is-default-class=true", found: "not the default class", troubleshooting: row("storage") },
    ]);
  });
});
