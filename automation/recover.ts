/**
 * `npm run -s platform -- recover --stack NAME [--cancel] [--json]`: brings a
 * stack back after an interrupted `up` (a CI runner killed mid-run, #24).
 *
 * 1. The lock: says whose it is and how old; removes it (`pulumi cancel`)
 *    only with --cancel or when its holder is provably gone (same host, no
 *    such process). A lock held from elsewhere stops here, exit 1.
 * 2. The pending operations of the engine's checkpoint: each pending create
 *    of a Kubernetes object is looked up in the cluster the stack targets;
 *    present ones are imported by the provider's ID (`namespace/name`, or
 *    `name` when cluster-scoped), absent ones (and those that made nothing
 *    outside the state: tls, random, providers) are cleared. Nothing is
 *    deleted from the cluster: deleting a CRD would delete every sandbox.
 *    A create that cannot be checked stops the recovery, exit 1.
 * 3. The edited checkpoint goes back (`pulumi stack import`, automation/pending.ts
 *    recoveredState), and a refresh reads every resource, the imported ones
 *    from the live objects.
 * 4. A preview, reported: what the next `up` will do.
 * Exit codes: 0 recovered (or nothing to recover), 1 refused or failed, 2 usage or setup.
 */
import { ArgError, oneStack, parseArgv } from "./args";
import type { FleetDeps, RunOutput, Workspace } from "./engine";
import { formatChanges, type Changes } from "./fleet";
import { decide, lockVerdict, objectRef, pendingOperations, recoveredState, type Decision, type LockVerdict, type Lookup, type ObjectRef } from "./pending";
import { backendFor, findStack, SelectionError, type StackInfo } from "./stacks";
import { RECOVER_USAGE } from "./usage";
import { StackFileError } from "../config/stackFile";
import { ConfigError } from "../config/errors";


export interface RecoverDeps {
  /** This machine: its hostname, the time, whether a PID is running. */
  here(): { readonly hostname: string; readonly now: Date; readonly alive: (pid: number) => boolean };
  /** Looks objects up in the cluster the stack targets. */
  cluster(stack: StackInfo, kubeconfig: () => Promise<string | undefined>): Promise<(ref: ObjectRef) => Promise<Lookup>>;
}

export interface RecoverReport {
  readonly stack: string;
  readonly locks: readonly { readonly holder: string; readonly removed: boolean }[];
  readonly decisions: readonly Decision[];
  /** What was done to the state, in order: `stack import` (with the edited checkpoint), `refresh`. */
  readonly steps?: readonly string[];
  /** The preview after recovery. */
  readonly preview?: Changes;
  readonly ok: boolean;
  readonly message: string;
}

function render(r: RecoverReport): string {
  return [
    ...r.locks.map((l) => `lock: ${l.holder}${l.removed ? " — removed" : ""}`),
    ...r.decisions.map((d) => `${d.action.padEnd(6)} ${d.urn}${d.action === "import" ? ` as ${d.id}` : ""}: ${d.why}`),
    ...(r.steps !== undefined ? [`ran: ${r.steps.join(", then ")}`] : []),
    ...(r.preview !== undefined ? [`preview: ${formatChanges(r.preview) || "no changes"}`] : []),
    `recover ${r.stack}: ${r.message}`,
  ].join("\n");
}

export async function recoverCommand(
  argv: readonly string[],
  ws: Workspace,
  vars: Readonly<Record<string, string | undefined>>,
  root: string,
  deps: RecoverDeps,
  fleet: FleetDeps,
): Promise<RunOutput> {
  if (argv.includes("--help") || argv.includes("-h")) return { code: 0, results: [], text: RECOVER_USAGE, stream: "stdout" };
  let name: string;
  let cancel: boolean;
  let json: boolean;
  let notes: readonly string[];
  let info: StackInfo;
  try {
    const p = parseArgv(argv, ["stack"], ["cancel", "json"]);
    name = oneStack(p);
    cancel = p.flags.has("cancel");
    json = p.flags.has("json");
    notes = p.notes;
    info = findStack(fleet.stacks(root), name);
  } catch (err) {
    if (err instanceof ArgError || err instanceof SelectionError) return { code: 2, results: [], text: `${err.message}\n${RECOVER_USAGE}`, stream: "stderr" };
    if (err instanceof StackFileError) return { code: 1, results: [], text: err.message, stream: "stderr" };
    throw err;
  }
  if ((await ws.cliVersion()) === undefined) return { code: 2, results: [], text: "the Pulumi CLI was not found on PATH: recover reads and edits the stack's state with it (install it: https://www.pulumi.com/docs/install/)", stream: "stderr", ...(notes.length > 0 ? { notes } : {}) };
  const out = (r: RecoverReport): RunOutput => ({ code: r.ok ? 0 : 1, results: [], text: json ? JSON.stringify(r, null, 2) : render(r), stream: "stdout", ...(notes.length > 0 ? { notes } : {}) });
  const logs = fleet.logs("recover");
  const log = logs.open(name);
  try {
    const stack = await ws.stack(name, backendFor(info, vars, root), { onOutput: (d) => log.write(d) });
    // 1. The lock.
    const here = deps.here();
    const verdicts: LockVerdict[] = (await stack.locks()).map((l) => lockVerdict(l, here));
    const removable = verdicts.length > 0 && (cancel || verdicts.every((v) => v.holderGone));
    const locks = verdicts.map((v) => ({ holder: v.holder, removed: removable }));
    if (verdicts.length > 0 && !removable) {
      return out({ stack: name, locks, decisions: [], ok: false, message: `left the lock in place: if that run is over (a killed CI job), run again with --cancel: npm run -s platform -- recover --stack ${name} --cancel` });
    }
    if (removable) await stack.cancel();
    // A backend whose locks are not readable here (s3, gs, azblob): --cancel removes whatever there is.
    else if (cancel) await stack.cancel().catch(() => undefined);
    // 2. The pending operations, checked against the cluster.
    const exported = await stack.exportState();
    const ops = pendingOperations(exported);
    const lookups = new Map<string, Lookup>();
    const creates = ops.filter((o) => o.operation === "creating").map((o) => [o, objectRef(o)] as const);
    const toLook = creates.filter(([, ref]) => !("reason" in ref));
    if (toLook.length > 0) {
      const lookup = await deps.cluster(info, () => stack.kubeconfig());
      for (const [op, ref] of toLook) lookups.set(op.urn, await lookup(ref as ObjectRef));
    }
    const decisions = decide(ops, lookups);
    const refused = decisions.filter((d) => d.action === "refuse");
    if (refused.length > 0) {
      return out({ stack: name, locks, decisions, ok: false, message: `${refused.length} pending create(s) cannot be checked; the state was left as it is. Decide each yourself: pulumi state edit, or pulumi stack export / import (give an object that exists its ID, drop one that does not)` });
    }
    // 3. The edited checkpoint goes back; a refresh reads the imported objects.
    const needed = decisions.some((d) => d.action === "import" || d.action === "clear");
    let steps: string[] | undefined;
    if (needed) {
      await stack.importState(recoveredState(exported, decisions));
      await stack.refresh({ expectNoChanges: false });
      steps = [`pulumi stack import --stack ${name} (${decisions.filter((d) => d.action === "import").length} imported, ${decisions.filter((d) => d.action === "clear").length} cleared)`, `pulumi refresh --stack ${name} --yes --skip-preview`];
    }
    // 4. What the next up will do.
    const preview = await stack.preview({ expectNoChanges: false });
    const imported = decisions.filter((d) => d.action === "import").length;
    const cleared = decisions.filter((d) => d.action === "clear").length;
    const message =
      ops.length === 0 && verdicts.length === 0
        ? "nothing to recover: no lock, no pending operations"
        : `recovered: ${locks.filter((l) => l.removed).length} lock(s) removed, ${imported} pending create(s) imported, ${cleared} cleared; next: npm run -s platform -- up --stack ${name}`;
    return out({ stack: name, locks, decisions, ...(steps !== undefined ? { steps } : {}), preview, ok: true, message });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StackFileError) return { code: 1, results: [], text: err.message, stream: "stderr", ...(notes.length > 0 ? { notes } : {}) };
    return { code: 1, results: [], text: `recover ${name}: ${err instanceof Error ? err.message : String(err)}`, stream: "stderr", ...(notes.length > 0 ? { notes } : {}) };
  } finally {
    await log.close();
  }
}
