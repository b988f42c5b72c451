/**
 * What an interrupted `pulumi up` leaves behind, and what to do about it
 * (#24, `platform recover`). Pure: the exported state, the lock files and
 * the cluster's answers come in as data.
 *
 * - The engine's checkpoint (`pulumi stack export`, version 3) records each
 *   step it started but did not finish in `deployment.pending_operations`:
 *   `{ resource: <resource state: urn, type, custom, inputs, …>, type:
 *   "creating" | "updating" | "deleting" | "reading" | "importing" }`.
 * - A self-managed backend's lock is a file `.pulumi/locks/…/<stack>/<id>.json`
 *   holding `{ pid, username, hostname, timestamp }`; the engine reports it as
 *   `<path>: created by <user>@<host> (pid <n>) at <time>`.
 * - The kubernetes provider's ID of an object is `namespace/name`, or `name`
 *   for a cluster-scoped one; with it in the state, a refresh reads the live
 *   object (what `pulumi import` does).
 */
import { objectKindOf } from "../lib/kubeTypes";

export interface PendingOperation {
  readonly urn: string;
  /** The resource type token, e.g. `kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition`. */
  readonly resourceType: string;
  /** creating, updating, deleting, reading, importing. */
  readonly operation: string;
  readonly custom: boolean;
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** The pending operations of an exported deployment (`{version, deployment}`) or of a bare deployment. */
export function pendingOperations(exported: unknown): PendingOperation[] {
  const obj = (exported ?? {}) as { deployment?: unknown; pending_operations?: unknown };
  const deployment = (obj.deployment ?? obj) as { pending_operations?: unknown };
  const ops = deployment.pending_operations;
  if (ops === undefined || ops === null) return [];
  if (!Array.isArray(ops)) throw new Error("the state's pending_operations is not a list");
  return ops.map((op: { resource?: { urn?: string; type?: string; custom?: boolean; inputs?: Record<string, unknown> }; type?: string }, i) => {
    if (op.resource?.urn === undefined || op.resource.type === undefined) throw new Error(`pending operation ${i} has no resource urn and type`);
    return { urn: op.resource.urn, resourceType: op.resource.type, operation: op.type ?? "unknown", custom: op.resource.custom ?? false, inputs: op.resource.inputs ?? {} };
  });
}

/** A Kubernetes object a pending create may have made: where to look for it. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** As the inputs give it; a namespaced object without one lands in the default namespace. */
  readonly namespace?: string;
}

/**
 * The object a resource of the kubernetes provider manages, from its type
 * token and inputs, or why there is none: components (`kubernetes:helm.sh/v4:Chart`,
 * `kubernetes:yaml/v2:ConfigGroup`) and Helm releases are not one object.
 */
export function objectRef(op: Pick<PendingOperation, "resourceType" | "inputs" | "custom">): ObjectRef | { readonly reason: string } {
  const gvk = objectKindOf(op.resourceType);
  if (gvk === undefined || !op.custom) return { reason: `${op.resourceType} is not a Kubernetes object` };
  if (gvk === "component") return { reason: `${op.resourceType} is not a single Kubernetes object` };
  const metadata = (op.inputs["metadata"] ?? {}) as { name?: unknown; namespace?: unknown };
  if (typeof metadata.name !== "string" || metadata.name === "") return { reason: `its inputs carry no metadata.name` };
  return { ...gvk, name: metadata.name, ...(typeof metadata.namespace === "string" && metadata.namespace !== "" ? { namespace: metadata.namespace } : {}) };
}

/** The kubernetes provider's ID of a live object: `namespace/name`, or `name` when cluster-scoped. */
export const providerId = (name: string, liveNamespace: string | undefined): string => (liveNamespace !== undefined && liveNamespace !== "" ? `${liveNamespace}/${name}` : name);

/** What the cluster said about an object: absent, or present (with the namespace it lives in, if any). */
export type Lookup = { readonly exists: false } | { readonly exists: true; readonly namespace?: string };

export type Decision =
  | { readonly urn: string; readonly action: "import"; readonly id: string; readonly why: string }
  | { readonly urn: string; readonly action: "clear"; readonly why: string }
  | { readonly urn: string; readonly action: "refuse"; readonly why: string }
  | { readonly urn: string; readonly action: "leave"; readonly why: string };

/** Providers and resources of `tls`/`random` create nothing outside the state: their pending create is safe to drop. */
const stateOnly = (t: string) => /^(pulumi:providers:|tls:|random:)/.test(t);

/**
 * One decision per pending operation. A create whose object exists is
 * imported (never deleted: deleting a CRD deletes every object of it); one
 * whose object is absent, or that made nothing outside the state, is
 * cleared; a create that cannot be checked is refused (the operator
 * decides). Other operations are left: the refresh reads their resources.
 */
export function decide(ops: readonly PendingOperation[], lookups: ReadonlyMap<string, Lookup>): Decision[] {
  return ops.map((op): Decision => {
    if (op.operation !== "creating") return { urn: op.urn, action: "leave", why: `pending ${op.operation}: the refresh reads the resource's current state` };
    const ref = objectRef(op);
    if ("reason" in ref) {
      if (stateOnly(op.resourceType)) return { urn: op.urn, action: "clear", why: `${op.resourceType} makes nothing outside the state; the next up creates it` };
      return { urn: op.urn, action: "refuse", why: `cannot check it: ${ref.reason}` };
    }
    const found = lookups.get(op.urn);
    const where = `${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ""}${ref.name}`;
    if (found === undefined) return { urn: op.urn, action: "refuse", why: `${where} was not looked up` };
    if (!found.exists) return { urn: op.urn, action: "clear", why: `${where} is not in the cluster; the next up creates it` };
    return { urn: op.urn, action: "import", id: providerId(ref.name, found.namespace), why: `${where} is in the cluster` };
  });
}

/**
 * The checkpoint with the decisions applied, for `pulumi stack import`: each
 * pending create to import becomes a resource with the provider's ID (its
 * recorded inputs standing in for outputs until the refresh that follows
 * reads the live object), appended after every resource it can depend on;
 * the pending creates to clear are dropped; other pending operations stay.
 *
 * Why not `pulumi refresh --import-pending-creates URN ID`: with the engine
 * 3.274.1 and a file backend, the imported creates became pending imports
 * that the refresh then dropped from the state (a SIGKILLed `up`, see
 * docs/many-clusters.md), while this edit, imported and refreshed, kept them.
 */
export function recoveredState(exported: unknown, decisions: readonly Decision[]): unknown {
  const doc = structuredClone(exported) as { version?: number; deployment?: Record<string, unknown> } & Record<string, unknown>;
  const deployment = (doc.deployment ?? doc) as { resources?: Record<string, unknown>[]; pending_operations?: { resource: Record<string, unknown> & { urn: string }; type: string }[] };
  const byUrn = new Map(decisions.map((d) => [d.urn, d]));
  const resources = [...(deployment.resources ?? [])];
  const left: NonNullable<typeof deployment.pending_operations> = [];
  for (const op of deployment.pending_operations ?? []) {
    const d = byUrn.get(op.resource.urn);
    if (op.type === "creating" && d?.action === "import") resources.push({ ...op.resource, id: d.id, outputs: op.resource["inputs"] ?? {} });
    else if (op.type === "creating" && d?.action === "clear") continue;
    else left.push(op);
  }
  deployment.resources = resources;
  deployment.pending_operations = left;
  return doc;
}

export interface LockInfo {
  /** The lock file (or the engine's name for the lock). */
  readonly path: string;
  readonly pid?: number;
  readonly username?: string;
  readonly hostname?: string;
  /** RFC 3339. */
  readonly timestamp?: string;
}

/** The locks named in the engine's "the stack is currently locked by N lock(s)" error. */
export function parseLockMessage(message: string): LockInfo[] {
  const out: LockInfo[] = [];
  for (const m of message.matchAll(/^\s*(\S+): created by ([^@\s]+)@(\S+) \(pid (\d+)\) at (\S+)\s*$/gm)) {
    out.push({ path: m[1]!, username: m[2]!, hostname: m[3]!, pid: Number(m[4]), timestamp: m[5]! });
  }
  return out;
}

/** `3m 12s`, `2h 5m`, `1d 3h`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

export interface LockVerdict {
  readonly lock: LockInfo;
  /** Whose and how old, in words. */
  readonly holder: string;
  /** The holder's process is provably gone: same host, no such PID. */
  readonly holderGone: boolean;
}

/**
 * Whose lock and whether its holder is provably gone. Only a lock taken on
 * this host can be proved stale (no process with its PID); one from another
 * host (a CI runner) may be alive, so it is removed only when told.
 */
export function lockVerdict(lock: LockInfo, here: { readonly hostname: string; readonly now: Date; readonly alive: (pid: number) => boolean }): LockVerdict {
  const who = `${lock.username ?? "unknown user"}@${lock.hostname ?? "unknown host"}${lock.pid !== undefined ? ` (pid ${lock.pid})` : ""}`;
  const at = lock.timestamp !== undefined ? Date.parse(lock.timestamp) : NaN;
  const age = Number.isNaN(at) ? "of unknown age" : `taken ${lock.timestamp}, ${formatAge(here.now.getTime() - at)} ago`;
  const sameHost = lock.hostname !== undefined && lock.hostname === here.hostname;
  const holderGone = sameHost && lock.pid !== undefined && !here.alive(lock.pid);
  const state = holderGone ? "its process is gone" : sameHost ? "its process is still running" : "held from another host: cannot tell whether it is still running";
  return { lock, holder: `locked by ${who}, ${age}; ${state}`, holderGone };
}
