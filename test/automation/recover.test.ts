/**
 * `platform recover`, driven through a fake Workspace and a fake cluster lookup: the state is the
 * engine's checkpoint format (test/fixtures/state/pending-creates.json: what a SIGKILLed prod `up`
 * leaves). Proof limits: the engine is a fake; the real-API tier (test/cluster/recover.cluster.test.ts)
 * does the lookups against a kube-apiserver, and docs/many-clusters.md records a run of the same
 * export-edit-import-refresh with the real Pulumi CLI.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StackOperations } from "../../automation/engine";
import { run } from "../../automation/orchestrate";
import type { Lookup, ObjectRef } from "../../automation/pending";
import { RECOVER_USAGE } from "../../automation/usage";
import { ROOT } from "../harness/stackConfig";
import { fakeDeps, fakeStack, fakeWorkspace } from "./fakes";

const STATE = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "state", "pending-creates.json"), "utf8")) as { deployment: { pending_operations: { resource: { urn: string } }[] } };
const URNS = STATE.deployment.pending_operations.map((o) => o.resource.urn);
const VARS = { PULUMI_BACKEND_URL: "s3://state-bucket/platform", PULUMI_CONFIG_PASSPHRASE: "pass" };
const IN_CLUSTER: Record<string, Lookup> = {
  "Service cnpg-system/cnpg-webhook-service": { exists: true, namespace: "cnpg-system" },
  "CustomResourceDefinition clusters.postgresql.cnpg.io": { exists: true },
  "CustomResourceDefinition sandboxes.agents.x-k8s.io": { exists: true },
};
const key = (r: ObjectRef) => `${r.kind} ${r.namespace !== undefined ? `${r.namespace}/` : ""}${r.name}`;

function setup(opts: { state?: unknown; locks?: Awaited<ReturnType<StackOperations["locks"]>>; alive?: boolean } = {}) {
  const calls: string[] = [];
  const imported: unknown[] = [];
  const looked: string[] = [];
  const ws = fakeWorkspace(() =>
    fakeStack({
      locks: async () => opts.locks ?? [],
      cancel: async () => void calls.push("cancel"),
      exportState: async () => (calls.push("export"), opts.state ?? STATE),
      importState: async (state) => void (calls.push("import"), imported.push(state)),
      refresh: async () => (calls.push("refresh"), { same: 62 }),
      preview: async () => (calls.push("preview"), { same: 62 }),
    }),
  );
  const deps = fakeDeps({
    recover: {
      here: () => ({ hostname: "runner-1", now: new Date("2026-12-04T12:00:00Z"), alive: () => opts.alive ?? true }),
      cluster: async (stack) => {
        calls.push(`connect ${stack.name} ${stack.context}`);
        return async (ref) => (looked.push(key(ref)), IN_CLUSTER[key(ref)] ?? { exists: false });
      },
    },
  });
  return { ws, deps, calls, imported, looked };
}

describe("platform recover", () => {
  it("imports the pending creates the cluster has (by the provider's ID), clears the rest (stack import of the edited checkpoint, then refresh); then previews", async () => {
    const s = setup();
    const out = await run(["recover", "--stack", "prod"], s.ws, VARS, ROOT, s.deps);
    expect(out.code).toBe(0);
    expect(s.calls).toEqual(["export", "connect prod prod", "import", "refresh", "preview"]);
    expect(s.looked).toEqual(["Service cnpg-system/cnpg-webhook-service", "CustomResourceDefinition clusters.postgresql.cnpg.io", "CustomResourceDefinition sandboxes.agents.x-k8s.io", "ConfigMap openshell/openshell-gateway-config"]);
    // Exactly the checkpoint the engine gets back: the fixture's resources, then the three live objects with the provider's IDs; no pending operation.
    type Doc = { version: number; deployment: { resources: { urn: string; id?: string }[]; pending_operations: unknown[] } };
    const fixture = STATE as unknown as Doc;
    const sent = s.imported[0] as Doc;
    expect(s.imported).toHaveLength(1);
    expect(sent.deployment.resources.slice(0, fixture.deployment.resources.length)).toEqual(fixture.deployment.resources);
    expect(sent.deployment.resources.slice(fixture.deployment.resources.length).map((r) => [r.urn, r.id])).toEqual([
      [URNS[0], "cnpg-system/cnpg-webhook-service"],
      [URNS[1], "clusters.postgresql.cnpg.io"],
      [URNS[2], "sandboxes.agents.x-k8s.io"],
    ]);
    expect(sent.deployment.pending_operations).toEqual([]);
    expect(out.text.split("\n").slice(-3)).toEqual([
      "ran: pulumi stack import --stack prod (3 imported, 2 cleared), then pulumi refresh --stack prod --yes --skip-preview",
      "preview: =62",
      "recover prod: recovered: 0 lock(s) removed, 3 pending create(s) imported, 2 cleared; next: npm run -s platform -- up --stack prod",
    ]);
    expect(out.text).toContain(`clear  ${URNS[3]}: ConfigMap openshell/openshell-gateway-config is not in the cluster; the next up creates it`);
    expect(out.text).toContain(`clear  ${URNS[4]}: tls:index/privateKey:PrivateKey makes nothing outside the state; the next up creates it`);
  });

  it("--json: the decisions, the steps and the preview as one document", async () => {
    const s = setup();
    const doc = JSON.parse((await run(["recover", "--stack", "prod", "--json"], s.ws, VARS, ROOT, s.deps)).text);
    expect(doc.decisions.map((d: { action: string; id?: string }) => [d.action, d.id])).toEqual([
      ["import", "cnpg-system/cnpg-webhook-service"],
      ["import", "clusters.postgresql.cnpg.io"],
      ["import", "sandboxes.agents.x-k8s.io"],
      ["clear", undefined],
      ["clear", undefined],
    ]);
    expect(doc).toMatchObject({ stack: "prod", ok: true, preview: { same: 62 }, locks: [] });
    expect(doc.steps).toEqual(["pulumi stack import --stack prod (3 imported, 2 cleared)", "pulumi refresh --stack prod --yes --skip-preview"]);
  });

  it("a lock held from another host: says whose and how old, and leaves it (and the state) alone without --cancel", async () => {
    const locks = [{ path: "s3://state-bucket/.pulumi/locks/organization/agent-platform/prod/7f.json", pid: 285, username: "runner", hostname: "gh-runner-12", timestamp: "2026-12-04T11:47:30Z" }];
    const s = setup({ locks });
    const out = await run(["recover", "--stack", "prod"], s.ws, VARS, ROOT, s.deps);
    expect(out.code).toBe(1);
    expect(s.calls).toEqual([]);
    expect(out.text).toBe(
      [
        "lock: locked by runner@gh-runner-12 (pid 285), taken 2026-12-04T11:47:30Z, 12m 30s ago; held from another host: cannot tell whether it is still running",
        "recover prod: left the lock in place: if that run is over (a killed CI job), run again with --cancel: npm run -s platform -- recover --stack prod --cancel",
      ].join("\n"),
    );
    const told = setup({ locks });
    const cancelled = await run(["recover", "--stack", "prod", "--cancel"], told.ws, VARS, ROOT, told.deps);
    expect(cancelled.code).toBe(0);
    expect(told.calls.slice(0, 2)).toEqual(["cancel", "export"]);
    expect(cancelled.text.split("\n")[0]).toBe(`${out.text.split("\n")[0]} — removed`);
  });

  it("a lock taken on this host by a process that is gone is removed without being told; a live one is not", async () => {
    const locks = [{ path: "/state/.pulumi/locks/organization/agent-platform/prod/1.json", pid: 4242, username: "ci", hostname: "runner-1", timestamp: "2026-12-04T11:59:00Z" }];
    const gone = setup({ locks, alive: false });
    expect((await run(["recover", "--stack", "prod"], gone.ws, VARS, ROOT, gone.deps)).code).toBe(0);
    expect(gone.calls[0]).toBe("cancel");
    const live = setup({ locks, alive: true });
    const out = await run(["recover", "--stack", "prod"], live.ws, VARS, ROOT, live.deps);
    expect(out.code).toBe(1);
    expect(out.text).toContain("its process is still running");
    expect(live.calls).toEqual([]);
  });

  it("a pending create that cannot be checked stops the recovery before anything changes", async () => {
    const state = { version: 3, deployment: { pending_operations: [{ resource: { urn: "urn:pulumi:prod::agent-platform::kubernetes:helm.sh/v4:Chart::gpu-operator", type: "kubernetes:helm.sh/v4:Chart", custom: false }, type: "creating" }] } };
    const s = setup({ state });
    const out = await run(["recover", "--stack", "prod"], s.ws, VARS, ROOT, s.deps);
    expect(out.code).toBe(1);
    expect(s.calls).toEqual(["export"]);
    expect(out.text).toContain("refuse urn:pulumi:prod::agent-platform::kubernetes:helm.sh/v4:Chart::gpu-operator: cannot check it: kubernetes:helm.sh/v4:Chart is not a Kubernetes object");
    expect(s.imported).toEqual([]);
  });

  it("--cancel where no lock is readable (s3, gs, azblob backends): pulumi cancel is still called", async () => {
    const s = setup();
    await run(["recover", "--stack", "prod", "--cancel"], s.ws, VARS, ROOT, s.deps);
    expect(s.calls[0]).toBe("cancel");
  });

  it("nothing to recover: no refresh, just the preview", async () => {
    const s = setup({ state: { version: 3, deployment: { resources: [] } } });
    const out = await run(["recover", "--stack", "prod"], s.ws, VARS, ROOT, s.deps);
    expect([out.code, s.calls]).toEqual([0, ["export", "preview"]]);
    expect(out.text).toBe("preview: =62\nrecover prod: nothing to recover: no lock, no pending operations");
  });

  it.each([
    [[], "--stack is required"],
    [["--stack", "prod-*"], "--stack takes one stack name here"],
    [["--stack", "qa"], 'unknown stack "qa": no Pulumi.qa.yaml; stacks: dev, staging, prod'],
    [["--stack", "prod", "--force"], 'unknown argument "--force"'],
  ])("%j: exit 2 with the usage", async (argv, message) => {
    const s = setup();
    expect(await run(["recover", ...argv], s.ws, VARS, ROOT, s.deps)).toEqual({ code: 2, results: [], text: `${message}\n${RECOVER_USAGE}`, stream: "stderr" });
  });
});
