/**
 * agent-sandbox v0.5.6 → v1.0.1 on a real kube-apiserver: the stored-version migration
 * (migration/agentSandbox.ts through its real client, migration/kubeClient.ts), then the v1.0.1
 * CRDs applied the way the Kubernetes provider applies them (server-side apply, one field manager).
 *
 * How the cluster is set up as an upgraded one ends up (the API server itself records it):
 *  1. "v0.4.x": each CRD as v0.4.x shipped it, v1alpha1 only (v0.5.6's v1alpha1 schema, storage,
 *     no conversion). Sandboxes and a SandboxTemplate are created then, so etcd holds them as
 *     v1alpha1 and the API server sets status.storedVersions to [v1alpha1].
 *  2. "v0.5.6": the real v0.5.6 CRDs applied over them; the API server appends v1beta1 to
 *     storedVersions ([v1alpha1, v1beta1]) and leaves the stored objects as they are.
 *     No controller runs in this tier, so nothing serves the conversion webhook: for Sandbox and
 *     SandboxTemplate (the kinds with v1alpha1-stored objects) the CRDs are applied with conversion
 *     None, under which the API server relabels v1alpha1 objects as v1beta1 on read; the objects
 *     use only fields both versions share, so that is what the webhook would return too. For
 *     SandboxClaim and SandboxWarmPool the real Webhook conversion is kept, and the controller's
 *     caBundle patch is reproduced (a merge patch by its own field manager, as v0.5.6 tls.go does);
 *     their objects are created at v1beta1 (stored as such, so no conversion is ever called).
 * A v0.5.6-era Sandbox stored at v1beta1 sits next to the old ones.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_SANDBOX_CRDS, finish, inspect, prepare } from "../../migration/agentSandbox";
import { connectMigrationApi } from "../../migration/kubeClient";
import { ApiError, settled, type ApiClient, type K8sObject } from "./api";
import { planStackFile } from "../../plan/fromStackFile";
import { clusterPreflight } from "../../scripts/plan";
import { ROOT } from "../harness/stackConfig";
import { startControlPlane, type ControlPlane } from "./controlPlane";
import { agentSandboxCrds } from "./upstream";

/** The field manager the tier applies CRDs with, standing in for the Kubernetes provider's. */
const PROVIDER = { fieldManager: "pulumi-kubernetes" };

const crdsAt = (version: string): Map<string, K8sObject> => new Map(agentSandboxCrds(version, true).map((c) => [c.metadata.name, c]));

interface CrdSpec {
  group: string;
  names: { kind: string; plural: string };
  versions: { name: string; served: boolean; storage: boolean; deprecated?: boolean; deprecationWarning?: string }[];
  conversion?: Record<string, unknown>;
}
const specOf = (crd: K8sObject): CrdSpec => crd["spec"] as CrdSpec;

/** The CRD as v0.4.x had it: v1alpha1 only, stored, no conversion. */
function v04(crd: K8sObject): K8sObject {
  const spec = specOf(crd);
  const { conversion: _conversion, ...rest } = spec;
  const { deprecated: _d, deprecationWarning: _w, ...alpha } = spec.versions.find((v) => v.name === "v1alpha1")!;
  return { ...crd, spec: { ...rest, versions: [{ ...alpha, served: true, storage: true }] } };
}

/** The v0.5.6 CRD with its conversion replaced by None (no webhook server in this tier). */
function withoutWebhook(crd: K8sObject): K8sObject {
  return { ...crd, spec: { ...specOf(crd), conversion: { strategy: "None" } } };
}

const container = { name: "agent", image: "registry.example.internal/agent:1" };
const podTemplate = { spec: { containers: [container] } };

const obj = (apiVersion: string, kind: string, namespace: string, name: string, spec: Record<string, unknown>): K8sObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace },
  spec,
});

async function storedVersions(client: ApiClient, name: string): Promise<string[]> {
  const crd = await client.get<{ status: { storedVersions: string[] } }>("apiextensions.k8s.io/v1", "CustomResourceDefinition", name);
  return crd!.status.storedVersions;
}

async function applyError(client: ApiClient, o: K8sObject): Promise<string> {
  try {
    await client.apply(o, PROVIDER);
  } catch (err) {
    if (err instanceof ApiError) return err.message;
    throw err;
  }
  return "accepted";
}

/**
 * Waits (bounded) until the API server's handler for a kind no longer serves `version`: a CRD
 * update swaps the handler (and its storage) asynchronously, and until then the old one answers.
 */
async function waitUnserved(client: ApiClient, group: string, plural: string, version: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await client.request("GET", `/apis/${group}/${version}/${plural}`)).status !== 404) {
    if (Date.now() > deadline) throw new Error(`${plural}.${group}/${version} still served 20 s after the v1.0.1 CRDs were applied`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every agent-sandbox object, by kind, read at v1beta1: name → spec and uid. */
async function snapshot(client: ApiClient): Promise<Record<string, Record<string, { spec: unknown; uid: unknown }>>> {
  const out: Record<string, Record<string, { spec: unknown; uid: unknown }>> = {};
  for (const c of AGENT_SANDBOX_CRDS) {
    const items = await settled(() => client.list(`${c.group}/v1beta1`, c.kind));
    out[c.kind] = Object.fromEntries(
      items.map((i) => [`${i.metadata.namespace}/${i.metadata.name}`, { spec: i["spec"], uid: (i.metadata as { uid?: string }).uid }]),
    );
  }
  return out;
}

describe("agent-sandbox v0.5.6 → v1.0.1 on a real API server", () => {
  let cp: ControlPlane;
  const v056 = crdsAt("v0.5.6");
  const v101 = crdsAt("v1.0.1");
  const SANDBOXES = "sandboxes.agents.x-k8s.io";
  const TEMPLATES = "sandboxtemplates.extensions.agents.x-k8s.io";
  const CLAIMS = "sandboxclaims.extensions.agents.x-k8s.io";
  const WARMPOOLS = "sandboxwarmpools.extensions.agents.x-k8s.io";

  beforeAll(async () => {
    cp = await startControlPlane();
    const c = cp.client;
    for (const ns of ["agent-sandbox-system", "team-a", "team-b"]) await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    // 1. v0.4.x: v1alpha1 only; objects stored as v1alpha1.
    for (const name of [SANDBOXES, TEMPLATES, CLAIMS, WARMPOOLS]) {
      await c.apply(v04(v056.get(name)!), PROVIDER);
      await c.waitEstablished(v04(v056.get(name)!));
    }
    for (const [ns, name] of [["team-a", "alpha"], ["team-a", "beta"], ["team-b", "gamma"]] as const) {
      await c.apply(obj("agents.x-k8s.io/v1alpha1", "Sandbox", ns, name, { podTemplate }));
    }
    await c.apply(obj("extensions.agents.x-k8s.io/v1alpha1", "SandboxTemplate", "team-a", "python", { podTemplate }));
    // 2. v0.5.6 over it, as the Kubernetes provider applies it.
    for (const name of [SANDBOXES, TEMPLATES]) {
      await c.apply(withoutWebhook(v056.get(name)!), PROVIDER);
      await c.waitEstablished(v056.get(name)!);
    }
    for (const name of [CLAIMS, WARMPOOLS]) {
      await c.apply(v056.get(name)!, PROVIDER);
      await c.waitEstablished(v056.get(name)!);
      // The v0.5.6 controller's caBundle patch (tls.go: a merge patch by its own manager).
      await c.ok(
        "PATCH",
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}?fieldManager=agent-sandbox-controller`,
        { spec: { conversion: { webhook: { clientConfig: { caBundle: Buffer.from(cp.caPem).toString("base64") } } } } },
        { "Content-Type": "application/merge-patch+json" },
      );
    }
    // What the v0.5.6 release and its controller left in agent-sandbox-system (no kubelet runs the Deployment here).
    await c.apply({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "agent-sandbox-controller", namespace: "agent-sandbox-system" },
      spec: {
        selector: { matchLabels: { app: "agent-sandbox-controller" } },
        template: { metadata: { labels: { app: "agent-sandbox-controller" } }, spec: { containers: [{ name: "agent-sandbox-controller", image: "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6" }] } },
      },
    });
    for (const name of ["agent-sandbox-webhook-certs", "unrelated"]) {
      await c.apply({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "agent-sandbox-system" }, stringData: { k: "v" } });
    }
    // Objects written under v0.5.6 are stored at v1beta1.
    await c.apply(obj("agents.x-k8s.io/v1beta1", "Sandbox", "team-b", "delta", { podTemplate }));
    await c.apply(obj("extensions.agents.x-k8s.io/v1beta1", "SandboxWarmPool", "team-a", "python-pool", { sandboxTemplateRef: { name: "python" }, replicas: 2 }));
  });
  afterAll(async () => cp?.stop());

  it("is set up as an upgraded cluster ends up: storedVersions lists v1alpha1 and v1beta1", async () => {
    for (const name of [SANDBOXES, TEMPLATES, CLAIMS, WARMPOOLS]) expect([name, await storedVersions(cp.client, name)]).toEqual([name, ["v1alpha1", "v1beta1"]]);
  });

  it("npm run plan's preflight reads it through the stack's kubeconfig: v0.5.6, stored versions, counts, v1.0.1 does not apply as is", async () => {
    const { plan } = planStackFile(ROOT, "dev");
    const pre = await clusterPreflight({ ...plan, provider: { ...plan.provider, kubeconfigPath: cp.kubeconfigPath, context: "envtest" } });
    if (!pre.reachable) throw new Error(pre.reason);
    expect([pre.installedVersion, pre.appliesAsIs]).toEqual(["v0.5.6", false]);
    expect(pre.crds.map((c) => [c.kind, c.storedVersions, c.objects])).toEqual([
      ["Sandbox", ["v1alpha1", "v1beta1"], 4],
      ["SandboxClaim", ["v1alpha1", "v1beta1"], 0],
      ["SandboxTemplate", ["v1alpha1", "v1beta1"], 1],
      ["SandboxWarmPool", ["v1alpha1", "v1beta1"], 1],
    ]);
  });

  it("without the migration, the API server rejects the v1.0.1 CRDs (negative control)", async () => {
    expect(await applyError(cp.client, v101.get(SANDBOXES)!)).toBe(
      `PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/${SANDBOXES}?fieldManager=pulumi-kubernetes&fieldValidation=Strict&force=true: 422 ` +
        `CustomResourceDefinition.apiextensions.k8s.io "${SANDBOXES}" is invalid: status.storedVersions[0]: Invalid value: "v1alpha1": missing from spec.versions; v1alpha1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1alpha1 and removes v1alpha1 from status.storedVersions`,
    );
    // Pruning storedVersions alone is not enough where the v0.5.6 controller patched the caBundle:
    // server-side apply keeps the field it owns, and a webhook without a Webhook strategy is invalid.
    await cp.client.patchStatus({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: WARMPOOLS } }, { storedVersions: ["v1beta1"] });
    expect(await applyError(cp.client, v101.get(WARMPOOLS)!)).toBe(
      `PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/${WARMPOOLS}?fieldManager=pulumi-kubernetes&fieldValidation=Strict&force=true: 422 ` +
        `CustomResourceDefinition.apiextensions.k8s.io "${WARMPOOLS}" is invalid: [spec.conversion.strategy: Required value, spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook]`,
    );
  });

  it("after the migration, the v1.0.1 CRDs apply; every object is still there with its fields and uid, stored at v1beta1 only", async () => {
    const before = await snapshot(cp.client);
    expect(Object.fromEntries(Object.entries(before).map(([k, v]) => [k, Object.keys(v).sort()]))).toEqual({
      Sandbox: ["team-a/alpha", "team-a/beta", "team-b/delta", "team-b/gamma"],
      SandboxClaim: [],
      SandboxTemplate: ["team-a/python"],
      SandboxWarmPool: ["team-a/python-pool"],
    });
    const api = connectMigrationApi({ path: cp.kubeconfigPath });
    const found = await inspect(api);
    expect([found.installedVersion, found.webhookSecretPresent, found.blocked]).toEqual(["v0.5.6", true, undefined]);

    const result = await prepare(api);
    expect(result).toEqual({
      rewritten: { Sandbox: 4, SandboxClaim: 0, SandboxTemplate: 1 },
      pruned: [SANDBOXES, CLAIMS, TEMPLATES],
      webhooksDropped: [CLAIMS, WARMPOOLS],
    });
    for (const name of [SANDBOXES, TEMPLATES, CLAIMS, WARMPOOLS]) expect([name, await storedVersions(cp.client, name)]).toEqual([name, ["v1beta1"]]);

    for (const crd of v101.values()) {
      expect(await applyError(cp.client, crd)).toBe("accepted");
      await cp.client.waitEstablished(crd);
    }
    for (const name of [SANDBOXES, TEMPLATES, CLAIMS, WARMPOOLS]) {
      const crd = await cp.client.get<{ spec: CrdSpec; status: { storedVersions: string[] } }>("apiextensions.k8s.io/v1", "CustomResourceDefinition", name);
      expect([name, crd!.spec.versions.map((v) => v.name), crd!.spec.conversion, crd!.status.storedVersions]).toEqual([name, ["v1beta1"], { strategy: "None" }, ["v1beta1"]]);
    }
    // v1alpha1 is gone from every CRD: an object still stored as v1alpha1 could no longer be read.
    for (const c of AGENT_SANDBOX_CRDS) await waitUnserved(cp.client, c.group, c.plural, "v1alpha1");
    // Every field is unchanged. The objects that were stored as v1alpha1 gain the v1beta1 schema's
    // defaults: the API server defaults a write with the request version's schema, and a read from
    // etcd with the stored version's (v1alpha1 has none of them), so the rewrite materializes what
    // any write at v1beta1 (and every read once they are stored as v1beta1) would.
    const v1beta1Defaults: Record<string, Record<string, unknown>> = { Sandbox: { operatingMode: "Running" }, SandboxTemplate: { volumeClaimTemplatesPolicy: "Disallowed" } };
    const storedAsV1alpha1 = ["Sandbox team-a/alpha", "Sandbox team-a/beta", "Sandbox team-b/gamma", "SandboxTemplate team-a/python"];
    const expected = Object.fromEntries(
      Object.entries(before).map(([kind, objects]) => [
        kind,
        Object.fromEntries(
          Object.entries(objects).map(([key, o]) => [
            key,
            storedAsV1alpha1.includes(`${kind} ${key}`) ? { ...o, spec: { ...(o.spec as object), ...v1beta1Defaults[kind] } } : o,
          ]),
        ),
      ]),
    );
    expect(await snapshot(cp.client)).toEqual(expected);
    // After the CRDs and controller: the leftover webhook Secret goes, and nothing else.
    expect(await finish(api)).toBe(true);
    expect((await cp.client.list("v1", "Secret", "agent-sandbox-system")).map((x) => x.metadata.name)).toEqual(["unrelated"]);
    // Idempotent: a re-run finds nothing to do.
    expect(await prepare(api)).toEqual({ rewritten: {}, pruned: [], webhooksDropped: [] });
    expect(await finish(api)).toBe(false);
  });
});

describe("the rewrite is what keeps objects readable (a control for the migration's first step)", () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => cp?.stop());

  it("pruning storedVersions without rewriting lets v1.0.1 apply, and the v1alpha1-stored Sandbox can no longer be read", async () => {
    const c = cp.client;
    const name = "sandboxes.agents.x-k8s.io";
    const v056 = crdsAt("v0.5.6").get(name)!;
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } });
    await c.apply(v04(v056), PROVIDER);
    await c.waitEstablished(v04(v056));
    await c.apply(obj("agents.x-k8s.io/v1alpha1", "Sandbox", "team-a", "alpha", { podTemplate }));
    await c.apply(withoutWebhook(v056), PROVIDER);
    await c.waitEstablished(v056);
    await c.patchStatus({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name } }, { storedVersions: ["v1beta1"] });
    const v101 = crdsAt("v1.0.1").get(name)!;
    expect(await applyError(c, v101)).toBe("accepted");
    await c.waitEstablished(v101);
    await waitUnserved(c, "agents.x-k8s.io", "sandboxes", "v1alpha1");
    // The new handler may lag discovery by a moment; the read fails once it serves (bounded).
    const deadline = Date.now() + 20_000;
    let res = await c.request("GET", "/apis/agents.x-k8s.io/v1beta1/namespaces/team-a/sandboxes/alpha");
    while (res.status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      res = await c.request("GET", "/apis/agents.x-k8s.io/v1beta1/namespaces/team-a/sandboxes/alpha");
    }
    expect([res.status, (res.body as { message: string }).message]).toEqual([500, "request to convert CR from an invalid group/version: agents.x-k8s.io/v1alpha1"]);
  });
});
