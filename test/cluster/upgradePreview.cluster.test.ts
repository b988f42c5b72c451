/**
 * Day 2, the way the engine meets the cluster (test/cluster/engine.ts): a platform installed at
 * agent-sandbox v0.5.6 by the program itself, holding user objects, moved to the pinned v1.0.1 with
 * `pulumi preview` and then `pulumi up`, both emulated over the real API server.
 *
 * Two v0.5 platforms, the two cases the migration meets:
 *  - prod (core manifest): the Sandbox CRD's status.storedVersions is [v1alpha1, v1beta1], as on a
 *    cluster that ran v0.4 (the scenario of the #23 report), and the v0.5.6 controller's caBundle;
 *  - dev-frameworks (extensions manifest, templates and warm pools): storedVersions [v1beta1] on
 *    every CRD, but each still on a Webhook conversion with the controller's caBundle.
 * What the preview must do: succeed, show the CRD change, run the migration's hooks in their
 * read-only mode and write nothing. The control: the same preview with every input known (what
 * main sent before #23) is refused with the API server's text. Then up migrates and applies,
 * keeps every object (uid and spec), recovers from an up interrupted inside the migration, and a
 * later preview is a no-op.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMigrationApi } from "../../migration/kubeClient";
import { migrationHooks, type HookEnv } from "../../migration/hooks";
import { inspect, type MigrationApi } from "../../migration/agentSandbox";
import { connectMigrationReads } from "../../migration/kubeRead";
import { FIXTURE_V05_SHA256 } from "../harness/examples";
import type { StackConfigMap } from "../harness/stackConfig";
import { settled, type ApiClient, type K8sObject } from "./api";
import { startControlPlane, type ControlPlane } from "./controlPlane";
import { previewGraph, upGraph, type Hook } from "./engine";
import { evaluateConfig, graphObjects, runConfig } from "./graph";
import { cloudnativePgCrds, gatewayApiCrds, monitorCrds } from "./upstream";

const SANDBOXES = "sandboxes.agents.x-k8s.io";
const CLAIMS = "sandboxclaims.extensions.agents.x-k8s.io";
const TEMPLATES = "sandboxtemplates.extensions.agents.x-k8s.io";
const WARMPOOLS = "sandboxwarmpools.extensions.agents.x-k8s.io";

/** A stack configuration with one JSON setting changed (`project:key`). */
function withSetting(c: StackConfigMap, key: string, change: (v: Record<string, unknown>) => Record<string, unknown>): StackConfigMap {
  const full = `${c.project}:${key}`;
  const raw = c.config[full];
  return { ...c, config: { ...c.config, [full]: JSON.stringify(change(raw !== undefined && raw !== "" ? (JSON.parse(raw) as Record<string, unknown>) : {})) } };
}

/** The stack as it was installed at v0.5.6 (the last landing that pinned it). */
function atV05(c: StackConfigMap): StackConfigMap {
  return withSetting(c, "catalog", (cat) => ({
    ...cat,
    versions: { ...(cat["versions"] as object | undefined), agentSandbox: "v0.5.6" },
    manifestSha256: { ...(cat["manifestSha256"] as object | undefined), "agent-sandbox": FIXTURE_V05_SHA256, "agent-sandbox-with-extensions": FIXTURE_V05_SHA256 },
  }));
}

/** The stack pointed at the tier's cluster, as a stack file's `cluster` setting does. */
function onCluster(c: StackConfigMap, cp: ControlPlane): StackConfigMap {
  return withSetting(c, "cluster", (cl) => ({ ...cl, kubeconfigPath: cp.kubeconfigPath, context: "envtest" }));
}

function hookEnv(cp: ControlPlane, dryRun: boolean, wrap: (api: MigrationApi) => MigrationApi = (a) => a): HookEnv & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    connect: async () => wrap(connectMigrationApi({ path: cp.kubeconfigPath, context: "envtest" })),
    // As components/fromPlan.ts: preview reads with plain GETs (migration/kubeRead.ts); the tier's kubeconfig is supported.
    connectForPreview: async () => wrap(previewReads(cp)),
    dryRun: () => dryRun,
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(`warning: ${m}`),
  };
}

function previewReads(cp: ControlPlane): MigrationApi {
  const r = connectMigrationReads({ path: cp.kubeconfigPath, context: "envtest" });
  if (!("api" in r)) throw new Error(`the tier's kubeconfig is not read by migration/kubeRead.ts: ${r.unsupported}`);
  return r.api;
}

function hooksFor(env: HookEnv): Record<string, Hook> {
  const h = migrationHooks(env);
  return { "agent-sandbox-migration-prepare": h.prepare, "agent-sandbox-migration-finish": h.finish };
}

interface CrdView {
  storedVersions: string[];
  versions: string[];
  conversion: unknown;
  resourceVersion: string;
}

/** What a preview must not change: each agent-sandbox CRD, every object of its kinds (uid, spec, resourceVersion), the Secrets. */
async function clusterState(client: ApiClient): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, group, kind] of [
    [SANDBOXES, "agents.x-k8s.io", "Sandbox"],
    [CLAIMS, "extensions.agents.x-k8s.io", "SandboxClaim"],
    [TEMPLATES, "extensions.agents.x-k8s.io", "SandboxTemplate"],
    [WARMPOOLS, "extensions.agents.x-k8s.io", "SandboxWarmPool"],
  ] as const) {
    const crd = await client.get<{ metadata: { resourceVersion: string }; spec: { versions: { name: string }[]; conversion?: unknown }; status: { storedVersions: string[] } }>(
      "apiextensions.k8s.io/v1",
      "CustomResourceDefinition",
      name,
    );
    if (crd === undefined) continue;
    out[name] = { storedVersions: crd.status.storedVersions, versions: crd.spec.versions.map((v) => v.name), conversion: crd.spec.conversion, resourceVersion: crd.metadata.resourceVersion } satisfies CrdView;
    out[kind] = (await settled(() => client.list(`${group}/v1beta1`, kind))).map((o) => ({
      key: `${o.metadata.namespace}/${o.metadata.name}`,
      uid: o.metadata["uid"],
      spec: o["spec"],
    }));
  }
  out["secrets"] = (await client.list("v1", "Secret", "agent-sandbox-system")).map((s) => s.metadata.name).sort();
  return out;
}

const crdNames = (state: Record<string, unknown>, name: string) => state[name] as CrdView;

/** Installs the stack at v0.5.6 the way up does, then leaves what the v0.5.6 controller and users leave. */
async function installV05(cp: ControlPlane, config: StackConfigMap, stack: string, storedV1alpha1: readonly string[]): Promise<void> {
  const objects = graphObjects(await evaluateConfig(stack, atV05(config)));
  const up = await upGraph(cp.client, objects, {});
  expect(up.failures).toEqual([]);
  const c = cp.client;
  const crds = (await c.list("apiextensions.k8s.io/v1", "CustomResourceDefinition")).map((x) => x.metadata.name).filter((n) => n.endsWith("agents.x-k8s.io"));
  for (const name of crds) {
    // The v0.5.6 controller's caBundle patch (tls.go: a merge patch by its own field manager).
    await c.ok(
      "PATCH",
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}?fieldManager=agent-sandbox-controller`,
      { spec: { conversion: { webhook: { clientConfig: { caBundle: Buffer.from(cp.caPem).toString("base64") } } } } },
      { "Content-Type": "application/merge-patch+json" },
    );
  }
  // A cluster that came from v0.4 keeps v1alpha1 in storedVersions (the API server never drops one).
  for (const name of storedV1alpha1) {
    await c.patchStatus({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name } }, { storedVersions: ["v1alpha1", "v1beta1"] });
  }
  await c.apply({ apiVersion: "v1", kind: "Secret", metadata: { name: "agent-sandbox-webhook-certs", namespace: "agent-sandbox-system" }, stringData: { "tls.crt": "x" } });
  for (const ns of ["team-a", "team-b"]) await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  const podTemplate = { spec: { containers: [{ name: "agent", image: "registry.example.internal/agent:1" }] } };
  for (const [ns, name] of [["team-a", "alpha"], ["team-a", "beta"], ["team-b", "gamma"]] as const) {
    await c.apply({ apiVersion: "agents.x-k8s.io/v1beta1", kind: "Sandbox", metadata: { name, namespace: ns }, spec: { podTemplate } } as K8sObject);
  }
  if (crds.includes(CLAIMS)) {
    await c.apply({ apiVersion: "extensions.agents.x-k8s.io/v1beta1", kind: "SandboxTemplate", metadata: { name: "user-python", namespace: "team-a" }, spec: { podTemplate } } as K8sObject);
    await c.apply({ apiVersion: "extensions.agents.x-k8s.io/v1beta1", kind: "SandboxClaim", metadata: { name: "claim-1", namespace: "team-a" }, spec: { warmPoolRef: { name: "user-pool" } } } as K8sObject);
  }
}

/** A migration client that fails after its first object rewrite (the connection drops mid-migration). */
function failingAfterFirstRewrite(api: MigrationApi): MigrationApi {
  let rewrites = 0;
  // Both clients are plain objects of closures, so the spread keeps every other method.
  return {
    ...api,
    rewriteObject: async (crd, v, key) => {
      if (rewrites++ >= 1) throw new Error("connection reset by peer");
      return api.rewriteObject(crd, v, key);
    },
  };
}

const CASES = [
  { run: "prod", storedV1alpha1: [SANDBOXES], crds: [SANDBOXES] },
  // In the order the extensions manifest lists them (the order the graph registers them).
  { run: "dev-frameworks", storedV1alpha1: [], crds: [WARMPOOLS, CLAIMS, SANDBOXES, TEMPLATES] },
] as const;

for (const tc of CASES) {
  describe(`${tc.run}: agent-sandbox v0.5.6 → v1.0.1 through preview and up`, () => {
    let cp: ControlPlane;
    let target: StackConfigMap;
    let stack: string;
    beforeAll(async () => {
      cp = await startControlPlane();
      for (const crd of [...cloudnativePgCrds(), ...monitorCrds(), ...gatewayApiCrds()]) await cp.client.installCrd(crd);
      const r = runConfig(tc.run);
      stack = r.stack;
      target = onCluster(r.config, cp);
      await installV05(cp, r.config, stack, tc.storedV1alpha1);
    });
    afterAll(async () => cp?.stop());

    it("control: previewed with every input known (main before #23), the v1.0.1 CRD's dry run is refused and nothing is written", async () => {
      const before = await clusterState(cp.client);
      const objects = graphObjects(await evaluateConfig(stack, target, false));
      const run = await previewGraph(cp.client, objects, hooksFor(hookEnv(cp, true)));
      const invalid = [
        // The controller's caBundle, kept by server-side apply (both cases).
        "spec.conversion.strategy: Required value, spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook",
        // The #23 report's refusal (a cluster that came from v0.4).
        ...(tc.storedV1alpha1.length > 0
          ? ['status.storedVersions[0]: Invalid value: "v1alpha1": missing from spec.versions; v1alpha1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1alpha1 and removes v1alpha1 from status.storedVersions']
          : []),
      ];
      // The first CRD the graph registers is the first refused; the engine stops there.
      const first = tc.crds[0];
      expect(run.failures).toEqual([
        `agent-sandbox-crd-${first} CustomResourceDefinition ${first}: ` +
          `PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/${first}?fieldManager=pulumi-kubernetes&fieldValidation=Strict&dryRun=All&force=true: 422 ` +
          `CustomResourceDefinition.apiextensions.k8s.io "${first}" is invalid: [${invalid.join(", ")}]`,
      ]);
      expect(await clusterState(cp.client)).toEqual(before);
    });

    it("the preview's plain GETs (migration/kubeRead.ts) find exactly what client-node (migration/kubeClient.ts) finds", async () => {
      const light = await inspect(previewReads(cp));
      const full = await inspect(connectMigrationApi({ path: cp.kubeconfigPath, context: "envtest" }));
      expect(light).toEqual(full);
      expect(light.installedVersion).toBe("v0.5.6");
      expect(light.crds.filter((c) => c.present).map((c) => c.crd.name).sort()).toEqual([...tc.crds].sort());
    });

    it("preview succeeds: the migration reports its plan, the awaiting CRDs are shown from their inputs, everything else is dry-run, nothing is written", async () => {
      const before = await clusterState(cp.client);
      const ev = await evaluateConfig(stack, target, true);
      const objects = graphObjects(ev, { allowComputed: true });
      expect(objects.filter((o) => o.computed === true).map((o) => o.resource)).toEqual(tc.crds.map((n) => `agent-sandbox-crd-${n}`));
      const env = hookEnv(cp, true);
      const run = await previewGraph(cp.client, objects, hooksFor(env));
      expect(run.failures).toEqual([]);
      expect(run.hooksRun).toEqual(["agent-sandbox-migration-prepare", "agent-sandbox-migration-finish"]);
      expect(run.steps.filter((s) => s.includes("from inputs"))).toEqual(tc.crds.map((n) => `agent-sandbox-crd-${n}: from inputs (an input is computed)`));
      expect(env.lines[0]).toMatch(/^agent-sandbox v1\.0 migration will run on agent-sandbox v0\.5\.6: /);
      expect(env.lines[0]).toContain(`set ${SANDBOXES} spec.conversion Webhook -> None`);
      if (tc.storedV1alpha1.length > 0) expect(env.lines[0]).toContain(`rewrite 3 Sandbox object(s) at v1beta1 (storedVersions ["v1alpha1","v1beta1"])`);
      expect(await clusterState(cp.client)).toEqual(before);
    });

    it(`an up interrupted ${tc.storedV1alpha1.length > 0 ? "inside the migration leaves storedVersions as they were" : "after the migration's first step leaves a preview with nothing awaiting"}; the next preview and up finish it, keeping every object`, async () => {
      const before = await clusterState(cp.client);
      const known = graphObjects(await evaluateConfig(stack, target, false));
      if (tc.storedV1alpha1.length > 0) {
        await expect(upGraph(cp.client, known, hooksFor(hookEnv(cp, false, failingAfterFirstRewrite)))).rejects.toThrow("connection reset by peer");
        const mid = await clusterState(cp.client);
        expect(crdNames(mid, SANDBOXES).storedVersions).toEqual(["v1alpha1", "v1beta1"]);
        expect(await cp.client.get("v1", "ConfigMap", "agent-platform-migration-v1", "agent-sandbox-system")).toBeUndefined();
        // The next preview still succeeds.
        const again = await previewGraph(cp.client, graphObjects(await evaluateConfig(stack, target, true), { allowComputed: true }), hooksFor(hookEnv(cp, true)));
        expect(again.failures).toEqual([]);
      } else {
        // Interrupted right after the migration's first step: its ConfigMap exists, no CRD moved yet.
        const upTo = known.findIndex((o) => o.resource === "agent-sandbox-migration") + 1;
        const partial = await upGraph(cp.client, known.slice(0, upTo), hooksFor(hookEnv(cp, false)));
        expect([partial.failures, partial.hooksRun]).toEqual([[], ["agent-sandbox-migration-prepare"]]);
        // The next preview: nothing awaits (the cluster is migrated), so every CRD is dry-run, and accepted.
        const previewObjects = graphObjects(await evaluateConfig(stack, target, true), { allowComputed: true });
        expect(previewObjects.filter((o) => o.computed === true)).toEqual([]);
        const again = await previewGraph(cp.client, previewObjects, hooksFor(hookEnv(cp, true)));
        expect([again.failures, again.hooksRun]).toEqual([[], ["agent-sandbox-migration-finish"]]);
      }
      const env = hookEnv(cp, false);
      const up = await upGraph(cp.client, known, hooksFor(env));
      expect(up.failures).toEqual([]);
      // After an interruption past the first step, its ConfigMap is unchanged and its hook does not run again.
      expect(up.hooksRun).toEqual(tc.storedV1alpha1.length > 0 ? ["agent-sandbox-migration-prepare", "agent-sandbox-migration-finish"] : ["agent-sandbox-migration-finish"]);
      const after = await clusterState(cp.client);
      for (const name of tc.crds) {
        expect([name, crdNames(after, name).storedVersions, crdNames(after, name).versions, crdNames(after, name).conversion]).toEqual([name, ["v1beta1"], ["v1beta1"], { strategy: "None" }]);
      }
      // Every user object is still there with its uid and spec (v1beta1 objects gain no defaults).
      for (const kind of ["Sandbox", "SandboxClaim", "SandboxTemplate", "SandboxWarmPool"]) {
        if (before[kind] === undefined) continue;
        expect([kind, after[kind]]).toEqual([kind, before[kind]]);
      }
      expect((before["Sandbox"] as unknown[]).length).toBe(3);
      expect(after["secrets"]).not.toContain("agent-sandbox-webhook-certs");
    });

    it("after up, a preview has nothing awaiting: no computed input, no hook, every dry run accepted", async () => {
      const objects = graphObjects(await evaluateConfig(stack, target, true), { allowComputed: true });
      expect(objects.filter((o) => o.computed === true)).toEqual([]);
      const run = await previewGraph(cp.client, objects, hooksFor(hookEnv(cp, true)));
      expect([run.failures, run.hooksRun]).toEqual([[], []]);
    });
  });
}
