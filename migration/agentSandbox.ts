/**
 * agent-sandbox v0.5.x → v1.0.x: the stored-version migration, as pure logic
 * over a small API client (`MigrationApi`; migration/kubeClient.ts is the
 * real one, tests use an in-memory fake or a real API server).
 *
 * Why it is needed (facts from the Go modules sigs.k8s.io/agent-sandbox
 * v0.5.6 and v1.0.1, `k8s/crds/*`, `cmd/agent-sandbox-controller/tls.go`):
 * v0.5.x CRDs serve v1beta1 (storage) and v1alpha1 through the controller's
 * conversion webhook; a cluster that ran v0.4.x (v1alpha1 only) still has
 * objects stored as v1alpha1 and `status.storedVersions` listing v1alpha1.
 * v1.0.x CRDs declare v1beta1 only and no conversion, and the API server
 * refuses a CRD whose `spec.versions` lacks a version `storedVersions` still
 * lists. The v0.5.x controller also merge-patched `caBundle` into each CRD's
 * conversion webhook (its own field manager), a field server-side apply of
 * the v1.0 CRD would not remove, leaving a webhook without a Webhook
 * strategy, which the API server rejects as well.
 *
 * The steps, each only when needed, so a re-run after an interruption
 * finishes the job and a migrated (or fresh) cluster sees no change:
 *  1. `prepare` (before the v1.0 CRDs are applied), per CRD present whose
 *     storedVersions is not exactly [v1beta1]: rewrite every object unchanged
 *     at v1beta1 (the API server converts it, through the still-running
 *     v0.5.x webhook, and persists it at the storage version), then set
 *     `status.storedVersions` to [v1beta1]; per CRD still on a Webhook
 *     conversion: set the conversion to None (after the rewrite, nothing
 *     needs converting).
 *  2. `finish` (after the v1.0 CRDs and controller are applied): delete the
 *     Secret `agent-sandbox-webhook-certs` the v0.5.x controller created in
 *     agent-sandbox-system (owned by nothing, not in any manifest).
 * Nothing else is ever deleted; objects are only rewritten as they are.
 */

/** The storage version of every agent-sandbox CRD from v0.5.0 on, and the only version v1.0 serves. */
export const STORAGE_VERSION = "v1beta1";

export interface CrdRef {
  readonly name: string;
  readonly group: string;
  readonly plural: string;
  readonly kind: string;
}

/** Every CRD agent-sandbox has shipped (core and extensions; names unchanged from v0.1 to v1.0.1). */
export const AGENT_SANDBOX_CRDS: readonly CrdRef[] = [
  { name: "sandboxes.agents.x-k8s.io", group: "agents.x-k8s.io", plural: "sandboxes", kind: "Sandbox" },
  { name: "sandboxclaims.extensions.agents.x-k8s.io", group: "extensions.agents.x-k8s.io", plural: "sandboxclaims", kind: "SandboxClaim" },
  { name: "sandboxtemplates.extensions.agents.x-k8s.io", group: "extensions.agents.x-k8s.io", plural: "sandboxtemplates", kind: "SandboxTemplate" },
  { name: "sandboxwarmpools.extensions.agents.x-k8s.io", group: "extensions.agents.x-k8s.io", plural: "sandboxwarmpools", kind: "SandboxWarmPool" },
];

/** The Secret the v0.5.x controller keeps its webhook serving certificate in (v0.5.6 tls.go). */
export const WEBHOOK_SECRET = { namespace: "agent-sandbox-system", name: "agent-sandbox-webhook-certs" } as const;

/** The controller Deployment (both releases), read for the installed version. */
export const CONTROLLER = { namespace: "agent-sandbox-system", name: "agent-sandbox-controller" } as const;

/** What the migration needs to know about a CRD in the cluster. */
export interface CrdState {
  readonly name: string;
  /** Version names in spec.versions, and which one is the storage version. */
  readonly versions: readonly string[];
  readonly storageVersion: string | undefined;
  readonly storedVersions: readonly string[];
  /** spec.conversion.strategy (None when unset). */
  readonly conversionStrategy: string;
}

export interface ObjectKey {
  readonly namespace: string;
  readonly name: string;
}

/** A CRD as the API server sends it, as far as `CrdState` reads it (both clients' reads). */
export interface CrdBody {
  readonly spec: { readonly versions: readonly { readonly name: string; readonly storage?: boolean }[]; readonly conversion?: { readonly strategy?: string } };
  readonly status?: { readonly storedVersions?: readonly string[] };
}

export function crdState(name: string, crd: CrdBody): CrdState {
  return {
    name,
    versions: crd.spec.versions.map((v) => v.name),
    storageVersion: crd.spec.versions.find((v) => v.storage)?.name,
    storedVersions: crd.status?.storedVersions ?? [],
    conversionStrategy: crd.spec.conversion?.strategy ?? "None",
  };
}

/** One page of a list, as the API server sends it. */
export interface ListPage {
  readonly items?: readonly { readonly metadata?: { readonly name?: string; readonly namespace?: string } }[];
  readonly metadata?: { readonly continue?: string };
}

/** Every object's key across the pages `page` fetches (undefined: the first page), following `continue`. */
export async function listAllKeys(page: (cont: string | undefined) => Promise<ListPage>): Promise<ObjectKey[]> {
  const out: ObjectKey[] = [];
  let cont: string | undefined;
  do {
    const p = await page(cont);
    for (const item of p.items ?? []) out.push({ namespace: item.metadata?.namespace ?? "", name: item.metadata?.name ?? "" });
    cont = p.metadata?.continue || undefined;
  } while (cont !== undefined);
  return out;
}

/** How long a call is retried while the API server answers 429 (it re-initializes a CRD's storage after each CRD change). */
export const BUSY_RETRY_MS = 30_000;

/** Runs `call`, again every 200 ms while it fails with what `busy` recognizes, for at most `retryMs`. */
export async function whileBusy<T>(call: () => Promise<T>, busy: (err: unknown) => boolean, retryMs: number = BUSY_RETRY_MS): Promise<T> {
  const deadline = Date.now() + retryMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!busy(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The calls the migration makes. Implementations throw on any error other than the ones named. */
export interface MigrationApi {
  /** The CRD, or undefined when it does not exist. */
  readCrd(name: string): Promise<CrdState | undefined>;
  /** Every object of the CRD's kind, in all namespaces, read at `version`. */
  listObjects(crd: CrdRef, version: string): Promise<readonly ObjectKey[]>;
  /**
   * Reads the object at `version` and writes it back unchanged (with its
   * resourceVersion, retrying on a conflict); false when it no longer exists.
   */
  rewriteObject(crd: CrdRef, version: string, key: ObjectKey): Promise<boolean>;
  /** Sets status.storedVersions (the CRD's status subresource). */
  setStoredVersions(crdName: string, versions: readonly string[]): Promise<void>;
  /** Sets spec.conversion to {strategy: None}, dropping the webhook. */
  dropConversionWebhook(crdName: string): Promise<void>;
  secretExists(namespace: string, name: string): Promise<boolean>;
  /** Deletes the Secret; one already gone is not an error. */
  deleteSecret(namespace: string, name: string): Promise<void>;
  /** The first container image of a Deployment, or undefined when it does not exist. */
  deploymentImage(namespace: string, name: string): Promise<string | undefined>;
}

export interface CrdFinding {
  readonly crd: CrdRef;
  readonly present: boolean;
  readonly storedVersions: readonly string[];
  readonly conversionStrategy: string;
  /** Objects of the kind (counted only when the CRD exists). */
  readonly objects: number;
  /** Objects to rewrite (all of them when storedVersions lists another version). */
  readonly rewrite: boolean;
  readonly pruneStoredVersions: boolean;
  readonly dropWebhook: boolean;
}

export interface Findings {
  /** The controller image's tag, when the controller runs. */
  readonly installedVersion: string | undefined;
  readonly crds: readonly CrdFinding[];
  readonly webhookSecretPresent: boolean;
  /** Why the migration cannot run here, when it cannot (it then changes nothing). */
  readonly blocked: string | undefined;
}

/** The tag of an image reference (`registry/repo:tag[@digest]`), or undefined. */
export function imageTag(image: string): string | undefined {
  const noDigest = image.split("@")[0]!;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}

/** Reads the cluster and decides what the migration would do; changes nothing. The reads run concurrently. */
export async function inspect(api: MigrationApi, crds: readonly CrdRef[] = AGENT_SANDBOX_CRDS): Promise<Findings> {
  const readOne = async (crd: CrdRef): Promise<{ finding: CrdFinding; blocked?: string }> => {
    const state = await api.readCrd(crd.name);
    if (state === undefined) {
      return { finding: { crd, present: false, storedVersions: [], conversionStrategy: "None", objects: 0, rewrite: false, pruneStoredVersions: false, dropWebhook: false } };
    }
    const clean = state.storedVersions.length === 1 && state.storedVersions[0] === STORAGE_VERSION;
    const blocked =
      !clean && (state.storageVersion !== STORAGE_VERSION || !state.versions.includes(STORAGE_VERSION))
        ? `${crd.name} stores ${state.storageVersion ?? "no version"} (versions ${state.versions.join(", ")}), not ${STORAGE_VERSION}: ` +
          `install the latest v0.5.x first (catalog.versions.agentSandbox v0.5.6, pulumi up), then move to v1.0`
        : undefined;
    const objects = (await api.listObjects(crd, state.versions.includes(STORAGE_VERSION) ? STORAGE_VERSION : state.storageVersion ?? STORAGE_VERSION)).length;
    return {
      finding: {
        crd,
        present: true,
        storedVersions: state.storedVersions,
        conversionStrategy: state.conversionStrategy,
        objects,
        rewrite: !clean && objects > 0,
        pruneStoredVersions: !clean,
        dropWebhook: state.conversionStrategy === "Webhook",
      },
      ...(blocked !== undefined ? { blocked } : {}),
    };
  };
  const [image, read, webhookSecretPresent] = await Promise.all([
    api.deploymentImage(CONTROLLER.namespace, CONTROLLER.name),
    Promise.all(crds.map(readOne)),
    api.secretExists(WEBHOOK_SECRET.namespace, WEBHOOK_SECRET.name),
  ]);
  const blocked = read.flatMap((r) => (r.blocked !== undefined ? [r.blocked] : []));
  return {
    installedVersion: image === undefined ? undefined : imageTag(image),
    crds: read.map((r) => r.finding),
    webhookSecretPresent,
    blocked: blocked.length > 0 ? blocked.join("; ") : undefined,
  };
}

/** The CRDs `prepare` changes (objects rewritten, storedVersions pruned or the webhook dropped). */
export function crdsAwaitingMigration(f: Findings): ReadonlySet<string> {
  return new Set(f.crds.filter((c) => c.rewrite || c.pruneStoredVersions || c.dropWebhook).map((c) => c.crd.name));
}

/** True when `prepare` would change something. */
export function prepareNeeded(f: Findings): boolean {
  return crdsAwaitingMigration(f).size > 0;
}

/** One line per change `prepare` and `finish` would make (empty: nothing to do). */
export function describe(f: Findings): string[] {
  const out: string[] = [];
  for (const c of f.crds) {
    if (c.rewrite) out.push(`rewrite ${c.objects} ${c.crd.kind} object(s) at ${STORAGE_VERSION} (storedVersions ${JSON.stringify(c.storedVersions)})`);
    if (c.pruneStoredVersions) out.push(`set ${c.crd.name} status.storedVersions ${JSON.stringify(c.storedVersions)} -> ["${STORAGE_VERSION}"]`);
    if (c.dropWebhook) out.push(`set ${c.crd.name} spec.conversion Webhook -> None`);
  }
  if (f.webhookSecretPresent) out.push(`after the v1.0 CRDs and controller: delete Secret ${WEBHOOK_SECRET.namespace}/${WEBHOOK_SECRET.name}`);
  return out;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

export interface PrepareResult {
  readonly rewritten: Readonly<Record<string, number>>;
  readonly pruned: readonly string[];
  readonly webhooksDropped: readonly string[];
}

/**
 * Step 1: rewrite, prune, drop the webhook, CRD by CRD. Refuses (changing
 * nothing) when a CRD does not store v1beta1 yet.
 */
export async function prepare(api: MigrationApi, crds: readonly CrdRef[] = AGENT_SANDBOX_CRDS, log: (line: string) => void = () => {}): Promise<PrepareResult> {
  const f = await inspect(api, crds);
  if (f.blocked !== undefined) throw new MigrationError(`agent-sandbox migration to v1.0 cannot run: ${f.blocked}`);
  const rewritten: Record<string, number> = {};
  const pruned: string[] = [];
  const webhooksDropped: string[] = [];
  for (const c of f.crds) {
    if (!c.present) continue;
    if (c.pruneStoredVersions) {
      let n = 0;
      for (const key of await api.listObjects(c.crd, STORAGE_VERSION)) {
        if (await api.rewriteObject(c.crd, STORAGE_VERSION, key)) n++;
      }
      rewritten[c.crd.kind] = n;
      log(`rewrote ${n} ${c.crd.kind} object(s) at ${STORAGE_VERSION}`);
      await api.setStoredVersions(c.crd.name, [STORAGE_VERSION]);
      pruned.push(c.crd.name);
      log(`${c.crd.name}: status.storedVersions ${JSON.stringify(c.storedVersions)} -> ["${STORAGE_VERSION}"]`);
    }
    if (c.dropWebhook) {
      await api.dropConversionWebhook(c.crd.name);
      webhooksDropped.push(c.crd.name);
      log(`${c.crd.name}: spec.conversion Webhook -> None`);
    }
  }
  return { rewritten, pruned, webhooksDropped };
}

/** Step 2: delete the leftover webhook Secret (true when it was there). */
export async function finish(api: MigrationApi, log: (line: string) => void = () => {}): Promise<boolean> {
  if (!(await api.secretExists(WEBHOOK_SECRET.namespace, WEBHOOK_SECRET.name))) return false;
  await api.deleteSecret(WEBHOOK_SECRET.namespace, WEBHOOK_SECRET.name);
  log(`deleted Secret ${WEBHOOK_SECRET.namespace}/${WEBHOOK_SECRET.name}`);
  return true;
}

/**
 * Whether the pinned target can be applied to the cluster as it is: a v1.0
 * target needs every CRD's storedVersions to be [v1beta1] and no conversion
 * webhook; a v0.5 target applies over anything from v0.5 on.
 */
export function targetAppliesAsIs(f: Findings, targetMajor: number): { ok: boolean; why: string } {
  if (targetMajor < 1) return { ok: true, why: "a v0.5.x target keeps v1alpha1 served; nothing to migrate" };
  if (f.blocked !== undefined) return { ok: false, why: f.blocked };
  const pending = describe({ ...f, webhookSecretPresent: false });
  return pending.length === 0
    ? { ok: true, why: "every agent-sandbox CRD stores only v1beta1 and has no conversion webhook" }
    : { ok: false, why: `the API server would reject the v1.0 CRDs until the migration runs (pulumi up runs it first): ${pending.join("; ")}` };
}

/** Whether installing `version` needs the stored-version migration first (v1.0 and later). */
export function migratesTo(version: string): boolean {
  const m = /^v?(\d+)\./.exec(version);
  return m !== null && Number(m[1]) >= 1;
}

/**
 * What the graph records about the migration (the data of its ConfigMaps,
 * shown by preview): the target, what it rewrites and prunes, and what it
 * deletes. Deterministic; a new target re-runs the (idempotent) hooks.
 */
export function migrationRecord(target: string, crds: readonly CrdRef[] = AGENT_SANDBOX_CRDS): Record<string, string> {
  return {
    target,
    storageVersion: STORAGE_VERSION,
    crds: crds.map((c) => c.name).join(","),
    before: `per CRD whose status.storedVersions is not ["${STORAGE_VERSION}"]: rewrite every object at ${STORAGE_VERSION}, then prune storedVersions; set a Webhook conversion to None`,
    after: `delete Secret ${WEBHOOK_SECRET.namespace}/${WEBHOOK_SECRET.name} (the v0.5.x webhook certificate)`,
  };
}
