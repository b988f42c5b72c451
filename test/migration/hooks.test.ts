/** The migration's resource hooks: preview reports, up migrates, and a cluster that cannot be read or migrated is handled clearly. */
import { describe, expect, it } from "vitest";
import { migrationHooks, type HookEnv } from "../../migration/hooks";
import { FakeCluster, upgradedV05Cluster } from "./fakeCluster";

function env(cluster: FakeCluster | Error, dryRun: boolean): HookEnv & { infos: string[]; warns: string[] } {
  const infos: string[] = [];
  const warns: string[] = [];
  return {
    infos,
    warns,
    connect: async () => {
      if (cluster instanceof Error) throw cluster;
      return cluster;
    },
    dryRun: () => dryRun,
    info: (m) => void infos.push(m),
    warn: (m) => void warns.push(m),
  };
}

describe("prepare hook", () => {
  it("preview: one message naming the installed version and every change, and no write", async () => {
    const cluster = upgradedV05Cluster(false);
    const e = env(cluster, true);
    await migrationHooks(e).prepare();
    expect(e.infos).toEqual([
      "agent-sandbox v1.0 migration will run on agent-sandbox v0.5.6: " +
        'rewrite 3 Sandbox object(s) at v1beta1 (storedVersions ["v1alpha1","v1beta1"]); ' +
        'set sandboxes.agents.x-k8s.io status.storedVersions ["v1alpha1","v1beta1"] -> ["v1beta1"]; ' +
        "set sandboxes.agents.x-k8s.io spec.conversion Webhook -> None; " +
        "after the v1.0 CRDs and controller: delete Secret agent-sandbox-system/agent-sandbox-webhook-certs",
      "agent-sandbox v1.0 migration: preview shows the v1.0 CRD change from the program's inputs for sandboxes.agents.x-k8s.io " +
        "(spec.conversion is computed): the API server accepts it only after this migration, which pulumi up runs first",
    ]);
    expect(cluster.writes).toEqual([]);
  });

  it("preview of a fresh cluster: nothing to migrate", async () => {
    const e = env(new FakeCluster(), true);
    await migrationHooks(e).prepare();
    expect(e.infos).toEqual(["agent-sandbox v1.0 migration: nothing to migrate (agent-sandbox not installed)"]);
  });

  it("up: migrates and logs each step", async () => {
    const cluster = upgradedV05Cluster(false);
    const e = env(cluster, false);
    await migrationHooks(e).prepare();
    expect(cluster.crds.get("sandboxes.agents.x-k8s.io")!.storedVersions).toEqual(["v1beta1"]);
    expect(e.infos).toEqual([
      "agent-sandbox v1.0 migration: rewrote 3 Sandbox object(s) at v1beta1",
      'agent-sandbox v1.0 migration: sandboxes.agents.x-k8s.io: status.storedVersions ["v1alpha1","v1beta1"] -> ["v1beta1"]',
      "agent-sandbox v1.0 migration: sandboxes.agents.x-k8s.io: spec.conversion Webhook -> None",
    ]);
  });

  it("preview of an unreachable cluster warns (up reads it again); up fails with the reason", async () => {
    const e = env(new Error("connect ECONNREFUSED 10.0.0.1:6443"), true);
    await migrationHooks(e).prepare();
    expect(e.warns).toEqual([
      "agent-sandbox v1.0 migration: the cluster could not be read to plan it (connect ECONNREFUSED 10.0.0.1:6443); pulumi up reads it again and migrates what it finds",
    ]);
    await expect(migrationHooks(env(new Error("connect ECONNREFUSED 10.0.0.1:6443"), false)).prepare()).rejects.toThrow("connect ECONNREFUSED 10.0.0.1:6443");
  });

  it("a cluster that cannot be migrated fails the preview with the reason", async () => {
    const cluster = new FakeCluster().addCrd("sandboxes.agents.x-k8s.io", { versions: ["v1alpha1"], storageVersion: "v1alpha1", storedVersions: ["v1alpha1"], conversionStrategy: "None" });
    await expect(migrationHooks(env(cluster, true)).prepare()).rejects.toThrow(
      "agent-sandbox v1.0 migration cannot run: sandboxes.agents.x-k8s.io stores v1alpha1 (versions v1alpha1), not v1beta1: install the latest v0.5.x first",
    );
  });
});

describe("finish hook", () => {
  it("deletes the webhook Secret under up only", async () => {
    const cluster = upgradedV05Cluster(false);
    await migrationHooks(env(cluster, true)).finish();
    expect(cluster.secrets.size).toBe(1);
    const e = env(cluster, false);
    await migrationHooks(e).finish();
    expect(cluster.secrets.size).toBe(0);
    expect(e.infos).toEqual(["agent-sandbox v1.0 migration: deleted Secret agent-sandbox-system/agent-sandbox-webhook-certs"]);
  });
});

describe("awaitingMigration (what the CRDs' preview inputs mark as computed)", () => {
  const counted = (cluster: FakeCluster | Error, dryRun: boolean) => {
    const e = env(cluster, dryRun);
    let connects = 0;
    const connect = e.connect;
    return Object.assign(e, { connect: () => (connects++, connect()), connects: () => connects });
  };

  it("preview of an upgraded v0.5 cluster: the CRDs prepare changes; the hook and the CRDs share one read and nothing is written", async () => {
    const cluster = upgradedV05Cluster(false);
    const e = counted(cluster, true);
    const hooks = migrationHooks(e);
    expect([...(await hooks.awaitingMigration())]).toEqual(["sandboxes.agents.x-k8s.io"]);
    await hooks.prepare();
    expect([...(await hooks.awaitingMigration())]).toEqual(["sandboxes.agents.x-k8s.io"]);
    expect(e.connects()).toBe(1);
    expect(cluster.writes).toEqual([]);
  });

  it("preview of a migrated or fresh cluster: none", async () => {
    const cluster = upgradedV05Cluster(false);
    await migrationHooks(env(cluster, false)).prepare();
    expect([...(await migrationHooks(env(cluster, true)).awaitingMigration())]).toEqual([]);
    expect([...(await migrationHooks(env(new FakeCluster(), true)).awaitingMigration())]).toEqual([]);
  });

  it("under up: none, and the cluster is not read for it", async () => {
    const e = counted(upgradedV05Cluster(false), false);
    expect([...(await migrationHooks(e).awaitingMigration())]).toEqual([]);
    expect(e.connects()).toBe(0);
  });

  it("preview of an unreachable or unmigratable cluster: none (the prepare hook warns or fails the preview)", async () => {
    expect([...(await migrationHooks(env(new Error("connect ECONNREFUSED 10.0.0.1:6443"), true)).awaitingMigration())]).toEqual([]);
    const blocked = new FakeCluster().addCrd("sandboxes.agents.x-k8s.io", { versions: ["v1alpha1"], storageVersion: "v1alpha1", storedVersions: ["v1alpha1"], conversionStrategy: "None" });
    expect([...(await migrationHooks(env(blocked, true)).awaitingMigration())]).toEqual([]);
  });
});

describe("which client reads", () => {
  it("preview reads through connectForPreview when the env has one (the report and the CRDs' inputs alike); up migrates through connect", async () => {
    const cluster = upgradedV05Cluster(false);
    const calls: string[] = [];
    const withPreview = (dryRun: boolean): HookEnv => ({
      ...env(cluster, dryRun),
      connect: async () => (calls.push("connect"), cluster),
      connectForPreview: async () => (calls.push("connectForPreview"), cluster),
    });
    const preview = migrationHooks(withPreview(true));
    expect([...(await preview.awaitingMigration())]).toEqual(["sandboxes.agents.x-k8s.io"]);
    await preview.prepare();
    expect(calls).toEqual(["connectForPreview"]);
    await migrationHooks(withPreview(false)).prepare();
    expect(calls).toEqual(["connectForPreview", "connect"]);
    expect(cluster.crds.get("sandboxes.agents.x-k8s.io")!.storedVersions).toEqual(["v1beta1"]);
  });
});

describe("docs/upgrades.md shows what the preview of a v0.5 cluster logs", () => {
  it("quotes both of the prepare hook's preview lines as the hook writes them", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { ROOT } = await import("../harness/stackConfig");
    const page = readFileSync(join(ROOT, "docs", "upgrades.md"), "utf8");
    const e = env(upgradedV05Cluster(false), true);
    await migrationHooks(e).prepare();
    expect(e.infos).toHaveLength(2);
    for (const line of e.infos) expect(page).toContain(`pulumi:pulumi:Stack agent-platform-prod running ${line}\n`);
  });
});
