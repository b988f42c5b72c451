/**
 * Running one operation over many stacks (#24): waves (tier order for the
 * commands that change clusters), a bounded pool (never more than N stacks
 * in flight), failure isolation or --fail-fast, one summary and one exit
 * code for the fleet. Pure: the operation per stack and the clock are
 * passed in, so tests and the benchmark drive it with fakes.
 */
import { TIERS, sortByTier, type StackInfo, type Tier } from "./stacks";

/** Resource operation counts (Pulumi's change summary: create, update, delete, same, …). */
export type Changes = Readonly<Record<string, number>>;

export type Outcome = "ok" | "drift" | "failed" | "skipped";

export interface StackResult {
  readonly stack: string;
  readonly tier: Tier;
  readonly operation: string;
  readonly result: Outcome;
  readonly changes?: Changes;
  readonly durationMs: number;
  /** The file holding the stack's engine output. */
  readonly log?: string;
  readonly error?: string;
  /** up --verify: verify's exit code and report (or why it could not run). */
  readonly verify?: { readonly code: number; readonly text: string; readonly findings?: readonly unknown[] };
}

export const changed = (c: Changes): boolean => Object.entries(c).some(([op, n]) => op !== "same" && n > 0);

/**
 * The waves a command runs in: with tier order, one wave per tier present
 * (dev, then staging, then prod); without, one wave. Within a wave, by name.
 */
export function waves<T extends Pick<StackInfo, "name" | "tier">>(stacks: readonly T[], tierOrder: boolean): T[][] {
  const sorted = sortByTier(stacks);
  if (!tierOrder) return sorted.length === 0 ? [] : [sorted];
  return TIERS.map((t) => sorted.filter((s) => s.tier === t)).filter((w) => w.length > 0);
}

export interface FleetOptions {
  /** Stacks in flight at once, at least 1. */
  readonly parallel: number;
  /** After a failure, start no further stack (those in flight finish). */
  readonly failFast: boolean;
}

/**
 * Runs `one` over the waves: up to `parallel` at once within a wave; a
 * wave with a failure stops the later waves (a broken staging never
 * reaches prod); --fail-fast also stops the rest of the wave. Stacks not
 * run are reported `skipped` with the reason. Results in wave order
 * (tier, then name), whatever order the stacks finished in.
 */
export async function runFleet<T extends Pick<StackInfo, "name" | "tier">>(
  plan: readonly (readonly T[])[],
  operation: string,
  opts: FleetOptions,
  one: (stack: T) => Promise<StackResult>,
): Promise<StackResult[]> {
  if (!Number.isInteger(opts.parallel) || opts.parallel < 1) throw new Error(`parallel must be a whole number of at least 1, got ${opts.parallel}`);
  const results = new Map<string, StackResult>();
  let stopReason: string | undefined;
  const skip = (s: T, why: string): StackResult => ({ stack: s.name, tier: s.tier, operation, result: "skipped", durationMs: 0, error: why });
  for (const wave of plan) {
    if (stopReason !== undefined) {
      for (const s of wave) results.set(s.name, skip(s, stopReason));
      continue;
    }
    let next = 0;
    const failed: string[] = [];
    const worker = async (): Promise<void> => {
      while (next < wave.length) {
        const s = wave[next++]!;
        if (opts.failFast && failed.length > 0) {
          results.set(s.name, skip(s, `not started: --fail-fast after ${failed[0]} failed`));
          continue;
        }
        let r: StackResult;
        try {
          r = await one(s);
        } catch (err) {
          r = { stack: s.name, tier: s.tier, operation, result: "failed", durationMs: 0, error: err instanceof Error ? err.message : String(err) };
        }
        if (r.result === "failed") failed.push(s.name);
        results.set(s.name, r);
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.parallel, wave.length) }, worker));
    if (failed.length > 0) stopReason = `not started: ${failed.join(", ")} failed in tier ${wave[0]!.tier}`;
  }
  return plan.flat().map((s) => results.get(s.name)!);
}

/** The fleet's exit code: 1 if any stack failed (or was skipped for it), 3 if any drifted and none failed, else 0. */
export function fleetExitCode(results: readonly Pick<StackResult, "result">[]): 0 | 1 | 3 {
  if (results.some((r) => r.result === "failed" || r.result === "skipped")) return 1;
  if (results.some((r) => r.result === "drift")) return 3;
  return 0;
}

const OP_SIGNS: readonly [string, string][] = [
  ["create", "+"],
  ["update", "~"],
  ["replace", "+-"],
  ["delete", "-"],
  ["same", "="],
];

/** `+3 ~1 =40` (create, update, replace, delete, same; others by name). */
export function formatChanges(c: Changes | undefined): string {
  if (c === undefined) return "";
  const known = OP_SIGNS.filter(([op]) => (c[op] ?? 0) > 0).map(([op, sign]) => `${sign}${c[op]}`);
  const other = Object.entries(c)
    .filter(([op, n]) => n > 0 && !OP_SIGNS.some(([k]) => k === op))
    .map(([op, n]) => `${op} ${n}`);
  return [...known, ...other].join(" ");
}

const formatDuration = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** Rows (the header first) as aligned columns, two spaces apart, no trailing blanks. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

/** One table: stack, tier, operation, result, changes, duration; then each failure's reason and log. */
export function summaryTable(results: readonly StackResult[]): string {
  const head = ["STACK", "TIER", "OPERATION", "RESULT", "CHANGES", "DURATION"];
  const rows = results.map((r) => [r.stack, r.tier, r.operation, r.result, formatChanges(r.changes), formatDuration(r.durationMs)]);
  const count = (o: Outcome) => results.filter((r) => r.result === o).length;
  const totals = `${results.length} stack(s): ${count("ok")} ok, ${count("drift")} drift, ${count("failed")} failed, ${count("skipped")} skipped`;
  const notes = results
    .filter((r) => r.error !== undefined || r.verify !== undefined)
    .flatMap((r) => [
      ...(r.error !== undefined ? [`${r.stack}: ${r.error}${r.log !== undefined && r.result === "failed" ? ` (log: ${r.log})` : ""}`] : []),
      ...(r.verify !== undefined ? [r.verify.text] : []),
    ]);
  return [formatTable([head, ...rows]), totals, ...notes].join("\n");
}

/** The --json document. */
export function summaryDocument(command: string, parallel: number, results: readonly StackResult[]): { command: string; parallel: number; exitCode: number; results: readonly StackResult[] } {
  return { command, parallel, exitCode: fleetExitCode(results), results };
}
