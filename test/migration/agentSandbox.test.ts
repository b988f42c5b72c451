/** The v0.5 → v1.0 stored-version migration against an in-memory API (the real API server tier is test/cluster/). */
import { describe as group, expect, it } from "vitest";
import {
  AGENT_SANDBOX_CRDS,
  MigrationError,
  describe,
  finish,
  imageTag,
  inspect,
  migratesTo,
  prepare,
  prepareNeeded,
  targetAppliesAsIs,
} from "../../migration/agentSandbox";
import { FakeCluster, upgradedV05Cluster } from "./fakeCluster";

const SANDBOXES = "sandboxes.agents.x-k8s.io";

group("inspect and describe", () => {
  it("a fresh cluster: nothing installed, nothing to do, the v1.0 target applies as is", async () => {
    const f = await inspect(new FakeCluster());
    expect(f.installedVersion).toBeUndefined();
    expect(f.crds.map((c) => [c.crd.name, c.present])).toEqual(AGENT_SANDBOX_CRDS.map((c) => [c.name, false]));
    expect(describe(f)).toEqual([]);
    expect(prepareNeeded(f)).toBe(false);
    expect(targetAppliesAsIs(f, 1)).toEqual({ ok: true, why: "every agent-sandbox CRD stores only v1beta1 and has no conversion webhook" });
  });

  it("an upgraded v0.5.6 cluster: every change named, in the order prepare makes them", async () => {
    const f = await inspect(upgradedV05Cluster());
    expect(f.installedVersion).toBe("v0.5.6");
    expect(f.crds.map((c) => [c.crd.kind, c.objects, c.storedVersions])).toEqual([
      ["Sandbox", 3, ["v1alpha1", "v1beta1"]],
      ["SandboxClaim", 0, ["v1alpha1", "v1beta1"]],
      ["SandboxTemplate", 1, ["v1alpha1", "v1beta1"]],
      ["SandboxWarmPool", 0, ["v1beta1"]],
    ]);
    expect(describe(f)).toEqual([
      'rewrite 3 Sandbox object(s) at v1beta1 (storedVersions ["v1alpha1","v1beta1"])',
      'set sandboxes.agents.x-k8s.io status.storedVersions ["v1alpha1","v1beta1"] -> ["v1beta1"]',
      "set sandboxes.agents.x-k8s.io spec.conversion Webhook -> None",
      'set sandboxclaims.extensions.agents.x-k8s.io status.storedVersions ["v1alpha1","v1beta1"] -> ["v1beta1"]',
      "set sandboxclaims.extensions.agents.x-k8s.io spec.conversion Webhook -> None",
      'rewrite 1 SandboxTemplate object(s) at v1beta1 (storedVersions ["v1alpha1","v1beta1"])',
      'set sandboxtemplates.extensions.agents.x-k8s.io status.storedVersions ["v1alpha1","v1beta1"] -> ["v1beta1"]',
      "set sandboxtemplates.extensions.agents.x-k8s.io spec.conversion Webhook -> None",
      "set sandboxwarmpools.extensions.agents.x-k8s.io spec.conversion Webhook -> None",
      "after the v1.0 CRDs and controller: delete Secret agent-sandbox-system/agent-sandbox-webhook-certs",
    ]);
    const verdict = targetAppliesAsIs(f, 1);
    expect(verdict.ok).toBe(false);
    expect(verdict.why).toMatch(/^the API server would reject the v1.0 CRDs until the migration runs \(pulumi up runs it first\): rewrite 3 Sandbox/);
    expect(targetAppliesAsIs(f, 0)).toEqual({ ok: true, why: "a v0.5.x target keeps v1alpha1 served; nothing to migrate" });
  });

  it.each([
    ["registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6", "v0.5.6"],
    ["harbor.example.internal:5443/mirror/registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1@sha256:abc", "v1.0.1"],
    ["localhost:5000/agent-sandbox-controller", undefined],
  ])("the installed version is the controller image's tag: %s", (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });

  it.each([
    ["v0.5.6", false],
    ["v0.9.0", false],
    ["v1.0.0", true],
    ["v1.0.1", true],
    ["v2.3.4", true],
  ])("migratesTo(%s) = %s", (version, expected) => {
    expect(migratesTo(version)).toBe(expected);
  });
});

group("prepare and finish", () => {
  it("rewrite every object, then prune, then drop the webhook, CRD by CRD; the Secret only in finish; nothing deleted", async () => {
    const cluster = upgradedV05Cluster();
    const lines: string[] = [];
    const result = await prepare(cluster, AGENT_SANDBOX_CRDS, (l) => lines.push(l));
    expect(cluster.writes).toEqual([
      "rewrite Sandbox team-a/alpha at v1beta1",
      "rewrite Sandbox team-a/beta at v1beta1",
      "rewrite Sandbox team-b/gamma at v1beta1",
      `storedVersions ${SANDBOXES} ["v1beta1"]`,
      `conversion None ${SANDBOXES}`,
      'storedVersions sandboxclaims.extensions.agents.x-k8s.io ["v1beta1"]',
      "conversion None sandboxclaims.extensions.agents.x-k8s.io",
      "rewrite SandboxTemplate team-a/python at v1beta1",
      'storedVersions sandboxtemplates.extensions.agents.x-k8s.io ["v1beta1"]',
      "conversion None sandboxtemplates.extensions.agents.x-k8s.io",
      "conversion None sandboxwarmpools.extensions.agents.x-k8s.io",
    ]);
    expect(result.rewritten).toEqual({ Sandbox: 3, SandboxClaim: 0, SandboxTemplate: 1 });
    expect(lines[0]).toBe("rewrote 3 Sandbox object(s) at v1beta1");
    for (const [, crd] of cluster.crds) {
      expect(crd.storedVersions).toEqual(["v1beta1"]);
      expect([...crd.objects.values()].every((v) => v === "v1beta1")).toBe(true);
    }
    expect([...cluster.crds.get(SANDBOXES)!.objects.keys()]).toEqual(["team-a/alpha", "team-a/beta", "team-b/gamma"]);
    expect(cluster.secrets.size).toBe(1);

    expect(await finish(cluster)).toBe(true);
    expect(cluster.writes.at(-1)).toBe("delete Secret agent-sandbox-system/agent-sandbox-webhook-certs");
    expect(cluster.writes.filter((w) => w.startsWith("delete"))).toHaveLength(1);
  });

  it("idempotent: a second run changes nothing, and the v1.0 target then applies as is", async () => {
    const cluster = upgradedV05Cluster();
    await prepare(cluster);
    await finish(cluster);
    const before = cluster.writes.length;
    expect(await prepare(cluster)).toEqual({ rewritten: {}, pruned: [], webhooksDropped: [] });
    expect(await finish(cluster)).toBe(false);
    expect(cluster.writes.length).toBe(before);
    expect(targetAppliesAsIs(await inspect(cluster), 1).ok).toBe(true);
  });

  it("interrupted mid-rewrite: storedVersions untouched (the server still knows v1alpha1 may be stored); the next run finishes", async () => {
    const cluster = upgradedV05Cluster();
    cluster.failRewriteAt = 2;
    await expect(prepare(cluster)).rejects.toThrow("connection reset by peer");
    expect(cluster.crds.get(SANDBOXES)!.storedVersions).toEqual(["v1alpha1", "v1beta1"]);
    expect(cluster.writes).toEqual(["rewrite Sandbox team-a/alpha at v1beta1"]);
    await prepare(cluster);
    expect(cluster.crds.get(SANDBOXES)!.storedVersions).toEqual(["v1beta1"]);
    expect([...cluster.crds.get(SANDBOXES)!.objects.values()]).toEqual(["v1beta1", "v1beta1", "v1beta1"]);
  });

  it("an object deleted by its owner between the list and the rewrite is skipped, not recreated", async () => {
    const cluster = upgradedV05Cluster(false);
    cluster.vanishing.add("team-b/gamma");
    expect((await prepare(cluster)).rewritten).toEqual({ Sandbox: 2 });
    expect([...cluster.crds.get(SANDBOXES)!.objects.keys()]).toEqual(["team-a/alpha", "team-a/beta"]);
  });

  it("refuses, changing nothing, when a CRD does not store v1beta1 yet (v0.4.x installed)", async () => {
    const cluster = new FakeCluster().addCrd(SANDBOXES, {
      versions: ["v1alpha1"],
      storageVersion: "v1alpha1",
      storedVersions: ["v1alpha1"],
      conversionStrategy: "None",
      objects: new Map([["team-a/alpha", "v1alpha1"]]),
    });
    const message =
      "agent-sandbox migration to v1.0 cannot run: sandboxes.agents.x-k8s.io stores v1alpha1 (versions v1alpha1), not v1beta1: install the latest v0.5.x first (catalog.versions.agentSandbox v0.5.6, pulumi up), then move to v1.0";
    await expect(prepare(cluster)).rejects.toThrow(new MigrationError(message));
    expect(cluster.writes).toEqual([]);
    expect(targetAppliesAsIs(await inspect(cluster), 1)).toEqual({ ok: false, why: message.replace("agent-sandbox migration to v1.0 cannot run: ", "") });
  });

  it("a fresh v0.5.6 install (storedVersions already [v1beta1]) only loses its conversion webhook", async () => {
    const cluster = new FakeCluster().addCrd(SANDBOXES, { objects: new Map([["a/x", "v1beta1"]]) });
    await prepare(cluster);
    expect(cluster.writes).toEqual([`conversion None ${SANDBOXES}`]);
  });
});
