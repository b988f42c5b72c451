/**
 * `platform recover` against a real kube-apiserver (#24): what a SIGKILLed prod `up` leaves — a lock
 * file in a file:// backend whose holder is gone, and a checkpoint (the file backend's own layout and
 * format: `.pulumi/stacks/<project>/<stack>.json` holding `{version, checkpoint: {stack, latest}}`,
 * `latest` being what `pulumi stack export` prints as `deployment`) holding pending creates of the CNPG
 * webhook Service, the CNPG `clusters` CRD and the agent-sandbox `sandboxes` CRD, which the cluster
 * already has, plus a ConfigMap it does not and a tls key. The lookups are the real ones
 * (automation/deps.ts clusterLookup over verify/cluster.ts), against the real CRDs from upstream.
 *
 * Proof limits: the workspace is injected (its export and import read and write the checkpoint file
 * as `pulumi stack export/import` do); the refresh that follows in the real engine reads each imported
 * object by its ID, shown here by reading each ID back from the API server. docs/many-clusters.md
 * records the same recovery with the real Pulumi CLI.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterLookup } from "../../automation/deps";
import type { StackOperations } from "../../automation/engine";
import { run } from "../../automation/orchestrate";
import { fileBackendLocks } from "../../automation/workspace";
import { connectCluster } from "../../verify/cluster";
import { fakeDeps, fakeStack, fakeWorkspace } from "../automation/fakes";
import { startControlPlane, type ControlPlane } from "./controlPlane";
import { agentSandboxCrds, cloudnativePgCrds } from "./upstream";

const ROOT = join(__dirname, "..", "..");
const FIXTURE = join(ROOT, "test", "fixtures", "state", "pending-creates.json");

let cp: ControlPlane;
beforeAll(async () => {
  cp = await startControlPlane();
  const wanted = new Set(["sandboxes.agents.x-k8s.io", "clusters.postgresql.cnpg.io"]);
  for (const crd of [...agentSandboxCrds(), ...cloudnativePgCrds()].filter((c) => wanted.has(c.metadata.name))) await cp.client.installCrd(crd);
  await cp.client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "cnpg-system" } });
  await cp.client.apply({ apiVersion: "v1", kind: "Service", metadata: { name: "cnpg-webhook-service", namespace: "cnpg-system" }, spec: { ports: [{ port: 443, targetPort: 9443 }], selector: { "app.kubernetes.io/name": "cloudnative-pg" } } });
});
afterAll(async () => cp?.stop());

type Deployment = { resources: { urn: string; id?: string; type: string }[]; pending_operations?: { resource: { urn: string; id?: string }; type: string }[] };
type Exported = { version: number; deployment: Deployment };
type FileCheckpoint = { version: number; checkpoint: { stack: string; latest: Deployment } };

/** A file:// backend holding the prod stack's checkpoint and the lock of a process that is gone. */
function backend(): { url: string; checkpoint: string; lockDir: string } {
  const dir = mkdtempSync(join(tmpdir(), "file-backend-"));
  const checkpoint = join(dir, ".pulumi", "stacks", "agent-platform", "prod.json");
  mkdirSync(join(checkpoint, ".."), { recursive: true });
  const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as Exported;
  writeFileSync(checkpoint, JSON.stringify({ version: 3, checkpoint: { stack: "organization/agent-platform/prod", latest: fixture.deployment } } satisfies FileCheckpoint));
  const lockDir = join(dir, ".pulumi", "locks", "organization", "agent-platform", "prod");
  mkdirSync(lockDir, { recursive: true });
  // A PID that is provably gone: a child that has exited.
  const pid = Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }));
  writeFileSync(join(lockDir, "5b1f0a1e-7c0e-4d57-9d0b-6f0f0e0c9a11.json"), JSON.stringify({ pid, username: "runner", hostname: hostname(), timestamp: new Date(Date.now() - 95_000).toISOString() }));
  return { url: pathToFileURL(dir).href, checkpoint, lockDir };
}

function workspace(b: ReturnType<typeof backend>, imports: Exported[]) {
  const file = () => JSON.parse(readFileSync(b.checkpoint, "utf8")) as FileCheckpoint;
  const exported = (): Exported => ({ version: 3, deployment: file().checkpoint.latest });
  const stack: StackOperations = fakeStack({
    locks: async () => fileBackendLocks(b.url, "agent-platform", "prod"),
    cancel: async () => {
      for (const f of readdirSync(b.lockDir)) rmSync(join(b.lockDir, f));
    },
    exportState: async () => exported(),
    importState: async (state) => {
      imports.push(state as Exported);
      writeFileSync(b.checkpoint, JSON.stringify({ ...file(), checkpoint: { ...file().checkpoint, latest: (state as Exported).deployment } }));
    },
    refresh: async () => ({ same: exported().deployment.resources.length }),
    preview: async () => ({ same: exported().deployment.resources.length, create: 59 }),
    up: async () => ({ same: 62 }),
  });
  return fakeWorkspace(() => stack);
}

describe("recover on a real API server", () => {
  const deps = () =>
    fakeDeps({
      recover: {
        here: () => ({ hostname: hostname(), now: new Date(), alive: (pid) => existsSync(`/proc/${pid}`) }),
        cluster: async () => clusterLookup(connectCluster({ path: cp.kubeconfigPath }, 10_000)),
      },
    });

  it("up stops at the lock and names recover; recover removes the dead holder's lock, imports what the cluster has, clears the rest", async () => {
    const b = backend();
    const imports: Exported[] = [];
    const ws = workspace(b, imports);
    const vars = { PULUMI_BACKEND_URL: b.url, PULUMI_CONFIG_PASSPHRASE: "test" };

    const blocked = await run(["up", "--stack", "prod"], ws, vars, ROOT, deps());
    expect(blocked.code).toBe(1);
    expect(blocked.results[0]!.error).toMatch(/^the stack is locked \(locked by runner@.* \(pid \d+\), taken .*, 1m 3\ds ago; its process is gone\): run `npm run -s platform -- recover --stack prod`$/);

    const out = await run(["recover", "--stack", "prod", "--json"], ws, vars, ROOT, deps());
    expect(out.code).toBe(0);
    const report = JSON.parse(out.text) as { locks: { removed: boolean }[]; decisions: { urn: string; action: string; id?: string }[]; steps: string[] };
    expect(report.locks.map((l) => l.removed)).toEqual([true]);
    expect(readdirSync(b.lockDir)).toEqual([]);
    expect(report.decisions.map((d) => [d.action, d.id])).toEqual([
      ["import", "cnpg-system/cnpg-webhook-service"],
      ["import", "clusters.postgresql.cnpg.io"],
      ["import", "sandboxes.agents.x-k8s.io"],
      ["clear", undefined],
      ["clear", undefined],
    ]);
    expect(report.steps).toEqual(["pulumi stack import --stack prod (3 imported, 2 cleared)", "pulumi refresh --stack prod --yes --skip-preview"]);
    expect(imports).toHaveLength(1);

    // Each imported ID names a live object: namespace/name, or name when cluster-scoped.
    const after = (JSON.parse(readFileSync(b.checkpoint, "utf8")) as FileCheckpoint).checkpoint.latest;
    expect(after.pending_operations).toEqual([]);
    const imported = after.resources.filter((r) => r.id !== undefined && r.type.startsWith("kubernetes:"));
    expect(imported.map((r) => r.id)).toEqual(["cnpg-system/cnpg-webhook-service", "clusters.postgresql.cnpg.io", "sandboxes.agents.x-k8s.io"]);
    for (const r of imported) {
      const [ns, name] = r.id!.includes("/") ? r.id!.split("/") : [undefined, r.id!];
      const apiVersion = r.type.includes("apiextensions") ? "apiextensions.k8s.io/v1" : "v1";
      const kind = r.type.split(":").at(-1)!;
      const live = await cp.client.get<{ metadata: { uid: string } }>(apiVersion, kind, name!, ns);
      expect([r.id, typeof live?.metadata.uid]).toEqual([r.id, "string"]);
    }
    // Nothing was deleted: the CRDs (and so every sandbox) are still there.
    expect(await cp.client.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", "sandboxes.agents.x-k8s.io")).toBeDefined();

    // The next up is no longer blocked.
    const up = await run(["up", "--stack", "prod"], ws, vars, ROOT, deps());
    expect([up.code, up.results[0]!.result]).toEqual([0, "ok"]);
  });

  it("a live holder's lock is left alone without --cancel, and the state is untouched", async () => {
    const b = backend();
    const lock = readdirSync(b.lockDir)[0]!;
    writeFileSync(join(b.lockDir, lock), JSON.stringify({ pid: process.pid, username: "runner", hostname: hostname(), timestamp: new Date().toISOString() }));
    const imports: Exported[] = [];
    const before = readFileSync(b.checkpoint, "utf8");
    const out = await run(["recover", "--stack", "prod"], workspace(b, imports), { PULUMI_BACKEND_URL: b.url, PULUMI_CONFIG_PASSPHRASE: "test" }, ROOT, deps());
    expect(out.code).toBe(1);
    expect(out.text).toContain("its process is still running");
    expect(readdirSync(b.lockDir)).toEqual([lock]);
    expect(imports).toEqual([]);
    expect(readFileSync(b.checkpoint, "utf8")).toBe(before);
  });
});
