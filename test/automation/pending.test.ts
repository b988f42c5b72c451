/** Pending operations and locks: reading the engine's checkpoint, the provider's IDs, the decisions, the lock verdicts. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decide, formatAge, lockVerdict, objectRef, parseLockMessage, pendingOperations, providerId, recoveredState } from "../../automation/pending";

const STATE = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "state", "pending-creates.json"), "utf8")) as unknown;

describe("pendingOperations", () => {
  it("reads pending_operations from an exported deployment (version 3) or a bare one", () => {
    const ops = pendingOperations(STATE);
    expect(ops.map((o) => [o.operation, o.resourceType])).toEqual([
      ["creating", "kubernetes:core/v1:Service"],
      ["creating", "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"],
      ["creating", "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"],
      ["creating", "kubernetes:core/v1:ConfigMap"],
      ["creating", "tls:index/privateKey:PrivateKey"],
    ]);
    expect(pendingOperations((STATE as { deployment: unknown }).deployment)).toEqual(ops);
    expect(pendingOperations({ version: 3, deployment: { resources: [] } })).toEqual([]);
    expect(pendingOperations(undefined)).toEqual([]);
    expect(() => pendingOperations({ deployment: { pending_operations: [{ type: "creating" }] } })).toThrow("pending operation 0 has no resource urn and type");
  });
});

describe("objectRef and providerId", () => {
  const op = (resourceType: string, metadata: Record<string, unknown> | undefined, custom = true) => ({ resourceType, custom, inputs: metadata === undefined ? {} : { metadata } });
  it.each([
    [op("kubernetes:core/v1:Service", { name: "s", namespace: "ns" }), { apiVersion: "v1", kind: "Service", name: "s", namespace: "ns" }],
    [op("kubernetes:apps/v1:Deployment", { name: "d" }), { apiVersion: "apps/v1", kind: "Deployment", name: "d" }],
    [op("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", { name: "sandboxes.agents.x-k8s.io" }), { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "sandboxes.agents.x-k8s.io" }],
    [op("kubernetes:postgresql.cnpg.io/v1:Cluster", { name: "db", namespace: "openshell" }), { apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", name: "db", namespace: "openshell" }],
    // A server-side-apply patch's object is the one it patches.
    [op("kubernetes:core/v1:ServiceAccountPatch", { name: "default", namespace: "openshell" }), { apiVersion: "v1", kind: "ServiceAccount", name: "default", namespace: "openshell" }],
    [op("kubernetes:helm.sh/v4:Chart", undefined, false), { reason: "kubernetes:helm.sh/v4:Chart is not a Kubernetes object" }],
    [op("kubernetes:helm.sh/v3:Release", { name: "r" }), { reason: "kubernetes:helm.sh/v3:Release is not a single Kubernetes object" }],
    [op("kubernetes:core/v1:Secret", {}), { reason: "its inputs carry no metadata.name" }],
    [op("tls:index/privateKey:PrivateKey", undefined), { reason: "tls:index/privateKey:PrivateKey is not a Kubernetes object" }],
  ])("%j → %j", (o, ref) => expect(objectRef(o)).toEqual(ref));

  it("the kubernetes provider's ID: namespace/name, or name when cluster-scoped (the live object's namespace)", () => {
    expect(providerId("s", "ns")).toBe("ns/s");
    expect(providerId("crd", undefined)).toBe("crd");
    expect(providerId("s", "default")).toBe("default/s");
  });
});

describe("decide and recoveredState", () => {
  const ops = pendingOperations(STATE);
  const lookups = new Map([
    [ops[0]!.urn, { exists: true as const, namespace: "cnpg-system" }],
    [ops[1]!.urn, { exists: true as const }],
    [ops[2]!.urn, { exists: false as const }],
    [ops[3]!.urn, { exists: false as const }],
  ]);

  it("imports what exists, clears what does not or lives only in the state, leaves other operations", () => {
    const updating = { ...ops[3]!, urn: "urn:x", operation: "updating" };
    const d = decide([...ops, updating], lookups);
    expect(d.map((x) => [x.action, "id" in x ? x.id : undefined])).toEqual([
      ["import", "cnpg-system/cnpg-webhook-service"],
      ["import", "clusters.postgresql.cnpg.io"],
      ["clear", undefined],
      ["clear", undefined],
      ["clear", undefined],
      ["leave", undefined],
    ]);
  });

  it("the checkpoint for stack import: imports appended with their ID (inputs as outputs until the refresh), creates dropped, the rest untouched", () => {
    type Doc = { version: number; deployment: { manifest: unknown; resources: { urn: string; id?: string; outputs?: unknown; inputs?: unknown }[]; pending_operations: { resource: { urn: string }; type: string }[] } };
    const extra = { resource: { urn: "urn:x", type: "kubernetes:core/v1:ConfigMap", custom: true, inputs: {} }, type: "updating" };
    const input = structuredClone(STATE) as Doc;
    input.deployment.pending_operations.push(extra);
    const decisions = decide(pendingOperations(input), lookups);
    const out = recoveredState(input, decisions) as Doc;
    const before = (STATE as Doc).deployment;
    expect(out.version).toBe(3);
    expect(out.deployment.manifest).toEqual(before.manifest);
    expect(out.deployment.resources.slice(0, before.resources.length)).toEqual(before.resources);
    expect(out.deployment.resources.slice(before.resources.length).map((r) => [r.urn, r.id])).toEqual([
      [ops[0]!.urn, "cnpg-system/cnpg-webhook-service"],
      [ops[1]!.urn, "clusters.postgresql.cnpg.io"],
    ]);
    const imported = out.deployment.resources.at(-1)!;
    expect(imported.outputs).toEqual(imported.inputs);
    expect(out.deployment.pending_operations).toEqual([extra]);
    // The input is not modified.
    expect(input.deployment.pending_operations).toHaveLength(6);
  });

  it("an object not looked up is refused, never guessed", () => {
    expect(decide([ops[0]!], new Map())[0]!.action).toBe("refuse");
  });
});

describe("locks", () => {
  it("parses the engine's lock refusal", () => {
    const message =
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  file:///state/.pulumi/locks/organization/agent-platform/prod/8c1f.json: created by runner@gh-runner-12 (pid 285) at 2026-12-04T11:47:30Z";
    expect(parseLockMessage(message)).toEqual([{ path: "file:///state/.pulumi/locks/organization/agent-platform/prod/8c1f.json", username: "runner", hostname: "gh-runner-12", pid: 285, timestamp: "2026-12-04T11:47:30Z" }]);
    expect(parseLockMessage("error: something else")).toEqual([]);
    // Pulumi CLI 3.274.1, file backend, after a SIGKILLed up (docs/many-clusters.md).
    const real =
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  file:///tmp/state/.pulumi/locks/organization/agent-platform/prod/257e57e7-74ca-4c38-96f0-6c53e86f3151.json?no_tmp_dir=true: created by root@vm (pid 29879) at 2026-12-07T23:09:46Z";
    expect(parseLockMessage(real)).toEqual([{ path: "file:///tmp/state/.pulumi/locks/organization/agent-platform/prod/257e57e7-74ca-4c38-96f0-6c53e86f3151.json?no_tmp_dir=true", username: "root", hostname: "vm", pid: 29879, timestamp: "2026-12-07T23:09:46Z" }]);
  });

  it.each([
    ["same host, process gone", "runner-1", false, true, "its process is gone"],
    ["same host, process alive", "runner-1", true, false, "its process is still running"],
    ["another host", "gh-runner-12", false, false, "held from another host: cannot tell whether it is still running"],
  ])("%s", (_what, host, alive, gone, state) => {
    const v = lockVerdict({ path: "p", pid: 7, username: "ci", hostname: host, timestamp: "2026-12-04T10:00:00Z" }, { hostname: "runner-1", now: new Date("2026-12-04T12:05:00Z"), alive: () => alive });
    expect(v.holderGone).toBe(gone);
    expect(v.holder).toBe(`locked by ci@${host} (pid 7), taken 2026-12-04T10:00:00Z, 2h 5m ago; ${state}`);
  });

  it("formatAge", () => {
    expect([formatAge(5_000), formatAge(750_000), formatAge(7_500_000), formatAge(90_000_000), formatAge(-1)]).toEqual(["5s", "12m 30s", "2h 5m", "1d 1h", "0s"]);
  });
});
