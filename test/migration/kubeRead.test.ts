/**
 * migration/kubeRead.ts: the preview's reads over plain GETs answer as migration/kubeClient.ts does
 * (the real API server tier compares both on one cluster); writes are refused.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_SANDBOX_CRDS } from "../../migration/agentSandbox";
import { KubeReadError, connectMigrationReads, restMigrationReads } from "../../migration/kubeRead";
import type { RestResponse } from "../../lib/kubeRest";

const SANDBOXES = AGENT_SANDBOX_CRDS[0]!;

/** A GET function answering from a table (path -> responses in order; the last repeats); records the paths. */
function fakeGet(table: Record<string, (RestResponse | object)[]>) {
  const paths: string[] = [];
  const next = new Map<string, number>();
  const get = async (path: string): Promise<RestResponse> => {
    paths.push(path);
    const answers = table[path];
    if (answers === undefined) return { status: 404, body: JSON.stringify({ kind: "Status", message: `${path} not found` }) };
    const i = next.get(path) ?? 0;
    next.set(path, i + 1);
    const a = answers[Math.min(i, answers.length - 1)]!;
    return "status" in a && "body" in a ? (a as RestResponse) : { status: 200, body: JSON.stringify(a) };
  };
  return { get, paths };
}

const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/sandboxes.agents.x-k8s.io";

describe("restMigrationReads", () => {
  it("readCrd: versions, storage version, storedVersions, conversion strategy; undefined when absent", async () => {
    const { get } = fakeGet({
      [CRD_PATH]: [{ spec: { versions: [{ name: "v1alpha1", storage: false }, { name: "v1beta1", storage: true }], conversion: { strategy: "Webhook" } }, status: { storedVersions: ["v1alpha1", "v1beta1"] } }],
    });
    const api = restMigrationReads(get);
    expect(await api.readCrd("sandboxes.agents.x-k8s.io")).toEqual({
      name: "sandboxes.agents.x-k8s.io",
      versions: ["v1alpha1", "v1beta1"],
      storageVersion: "v1beta1",
      storedVersions: ["v1alpha1", "v1beta1"],
      conversionStrategy: "Webhook",
    });
    expect(await api.readCrd("sandboxclaims.extensions.agents.x-k8s.io")).toBeUndefined();
  });

  it("readCrd without conversion or status: None and no stored versions", async () => {
    const { get } = fakeGet({ [CRD_PATH]: [{ spec: { versions: [{ name: "v1beta1", storage: true }] } }] });
    expect(await restMigrationReads(get).readCrd("sandboxes.agents.x-k8s.io")).toEqual({
      name: "sandboxes.agents.x-k8s.io",
      versions: ["v1beta1"],
      storageVersion: "v1beta1",
      storedVersions: [],
      conversionStrategy: "None",
    });
  });

  it("listObjects: every page, following continue (encoded), 500 per page", async () => {
    const base = "/apis/agents.x-k8s.io/v1beta1/sandboxes?limit=500";
    const { get, paths } = fakeGet({
      [base]: [{ items: [{ metadata: { namespace: "a", name: "s1" } }], metadata: { continue: "tok/=1" } }],
      [`${base}&continue=tok%2F%3D1`]: [{ items: [{ metadata: { namespace: "b", name: "s2" } }], metadata: { continue: "" } }],
    });
    expect(await restMigrationReads(get).listObjects(SANDBOXES, "v1beta1")).toEqual([
      { namespace: "a", name: "s1" },
      { namespace: "b", name: "s2" },
    ]);
    expect(paths).toEqual([base, `${base}&continue=tok%2F%3D1`]);
  });

  it("listObjects of a version not served fails, as the client-node list does", async () => {
    const { get } = fakeGet({});
    await expect(restMigrationReads(get).listObjects(SANDBOXES, "v1alpha1")).rejects.toThrow(
      "GET /apis/agents.x-k8s.io/v1alpha1/sandboxes?limit=500: HTTP 404: the API server does not serve sandboxes.agents.x-k8s.io/v1alpha1",
    );
  });

  it("secretExists and deploymentImage", async () => {
    const { get } = fakeGet({
      "/api/v1/namespaces/agent-sandbox-system/secrets/agent-sandbox-webhook-certs": [{ kind: "Secret" }],
      "/apis/apps/v1/namespaces/agent-sandbox-system/deployments/agent-sandbox-controller": [{ spec: { template: { spec: { containers: [{ image: "r/agent-sandbox-controller:v0.5.6" }] } } } }],
    });
    const api = restMigrationReads(get);
    expect(await api.secretExists("agent-sandbox-system", "agent-sandbox-webhook-certs")).toBe(true);
    expect(await api.secretExists("agent-sandbox-system", "other")).toBe(false);
    expect(await api.deploymentImage("agent-sandbox-system", "agent-sandbox-controller")).toBe("r/agent-sandbox-controller:v0.5.6");
    expect(await api.deploymentImage("agent-sandbox-system", "gone")).toBeUndefined();
  });

  it("429 is retried while the API server re-initializes a CRD; other statuses fail with the server's message", async () => {
    const busy = { status: 429, body: JSON.stringify({ message: "storage is (re)initializing" }) };
    const { get, paths } = fakeGet({ [CRD_PATH]: [busy, busy, { spec: { versions: [{ name: "v1beta1", storage: true }] } }] });
    expect((await restMigrationReads(get).readCrd("sandboxes.agents.x-k8s.io"))?.storageVersion).toBe("v1beta1");
    expect(paths.length).toBe(3);

    const forbidden = fakeGet({ [CRD_PATH]: [{ status: 403, body: JSON.stringify({ kind: "Status", message: 'customresourcedefinitions.apiextensions.k8s.io "sandboxes.agents.x-k8s.io" is forbidden: User "ci" cannot get resource' }) }] });
    const err = await restMigrationReads(forbidden.get).readCrd("sandboxes.agents.x-k8s.io").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeReadError);
    expect((err as KubeReadError).status).toBe(403);
    expect((err as Error).message).toBe(
      `GET ${CRD_PATH}: HTTP 403: customresourcedefinitions.apiextensions.k8s.io "sandboxes.agents.x-k8s.io" is forbidden: User "ci" cannot get resource`,
    );
    const stillBusy = fakeGet({ [CRD_PATH]: [busy] });
    await expect(restMigrationReads(stillBusy.get, 0).readCrd("sandboxes.agents.x-k8s.io")).rejects.toThrow(`GET ${CRD_PATH}: HTTP 429: storage is (re)initializing`);
  });

  it("writes are refused, naming the client that makes them", async () => {
    const api = restMigrationReads(fakeGet({}).get);
    await expect(api.setStoredVersions("x", ["v1beta1"])).rejects.toThrow("migration/kubeRead.ts is read-only: setStoredVersions runs under pulumi up through migration/kubeClient.ts");
    await expect(api.rewriteObject(SANDBOXES, "v1beta1", { namespace: "a", name: "b" })).rejects.toThrow("read-only: rewriteObject");
    await expect(api.dropConversionWebhook("x")).rejects.toThrow("read-only: dropConversionWebhook");
    await expect(api.deleteSecret("a", "b")).rejects.toThrow("read-only: deleteSecret");
  });
});

describe("connectMigrationReads", () => {
  const dir = mkdtempSync(join(tmpdir(), "kuberead-"));
  const kc = join(dir, "config");
  writeFileSync(
    kc,
    JSON.stringify({
      "current-context": "a",
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443" } }],
      users: [
        { name: "t", user: { token: "x" } },
        { name: "oidc", user: { "auth-provider": { name: "oidc" } } },
      ],
      contexts: [
        { name: "a", context: { cluster: "c", user: "t" } },
        { name: "b", context: { cluster: "c", user: "oidc" } },
      ],
    }),
  );

  it("a supported kubeconfig gives the reads; otherwise the reason (the hooks then read through client-node)", () => {
    expect("api" in connectMigrationReads({ path: kc }, {})).toBe(true);
    expect(connectMigrationReads({ path: kc, context: "b" }, {})).toEqual({ unsupported: "user auth-provider" });
    expect(connectMigrationReads({}, { KUBECONFIG: join(dir, "none") })).toEqual({ unsupported: "no kubeconfig file (in-cluster or missing)" });
  });
});
