/**
 * `npm run -s platform -- <preview|up|destroy|refresh> (--stack NAME[,NAME|GLOB…] | --tier T | --all)
 * [--parallel N] [--fail-fast] [--no-tier-order] [--json] [--expect-no-changes] [--verify]`,
 * plus `stacks`, `verify` (automation/verify.ts), `client` (automation/client.ts) and `recover`
 * (automation/recover.ts): the operations platform automation runs, on the Pulumi Automation API,
 * over any stack file beside the project, many at a time (#24).
 * The orchestration is pure over an injected Workspace, so tests drive it
 * without the Pulumi CLI; automation/workspace.ts is the real one.
 */
import { ArgError, parallelOf, parseArgv, selectionOf, type Parsed } from "./args";
import { clientCommand } from "./client";
import { localDeps, type PlatformDeps } from "./deps";
import type { RunOutput, StackOperations, Workspace } from "./engine";
import { changed, fleetExitCode, formatTable, runFleet, summaryDocument, summaryTable, waves, type Changes, type StackResult } from "./fleet";
import { lockVerdict, parseLockMessage, pendingOperations } from "./pending";
import { recoverCommand } from "./recover";
import { backendFor, selectStacks, SelectionError, TIERS, type StackInfo } from "./stacks";
import { CLIENT_USAGE, RECOVER_USAGE, SELECT, STACKS_USAGE, VERIFY_USAGE } from "./usage";
import { DEFAULT_TIMEOUT_SECONDS, verifyCommand, verifyStack } from "./verify";
import { StackFileError } from "../config/stackFile";

export type { Workspace };

export const COMMANDS = ["preview", "up", "destroy", "refresh"] as const;
export type Command = (typeof COMMANDS)[number];

export const USAGE = [
  `usage: npm run -s platform -- <preview|up|destroy|refresh> ${SELECT} [--parallel N] [--fail-fast] [--no-tier-order] [--json] [--expect-no-changes] [--verify]`,
  `       ${VERIFY_USAGE.replace("usage: ", "")}`,
  `       ${CLIENT_USAGE.replace("usage: ", "")}`,
  `       ${RECOVER_USAGE.replace("usage: ", "")}`,
  `       ${STACKS_USAGE.replace("usage: ", "")}`,
  "       select with --stack (names, globs), --tier or --all; --env is the deprecated name of --stack (--env all: --all)",
].join("\n");
/** The commands with their own arguments. */
const OWN_COMMANDS = ["verify", "client", "recover", "stacks"] as const;

export interface Args {
  readonly command: Command;
  readonly parsed: Parsed;
  readonly parallel: number;
  readonly failFast: boolean;
  /** up: dev, then staging, then prod (each tier waits for the one before). */
  readonly tierOrder: boolean;
  readonly json: boolean;
  readonly expectNoChanges: boolean;
  /** up only: run verify on each stack after its up. */
  readonly verify: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = "UsageError";
  }
}

export function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError("a command is required");
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"; allowed: ${[...COMMANDS, ...OWN_COMMANDS].join(", ")}`);
  let parsed: Parsed;
  try {
    parsed = parseArgv(rest, ["stack", "tier", "parallel"], ["all", "json", "expect-no-changes", "verify", "fail-fast", "no-tier-order"]);
    selectionOf(parsed);
  } catch (err) {
    if (err instanceof ArgError) throw new UsageError(err.message);
    throw err;
  }
  const expectNoChanges = parsed.flags.has("expect-no-changes");
  const verify = parsed.flags.has("verify");
  if (expectNoChanges && (command === "up" || command === "destroy")) throw new UsageError(`--expect-no-changes applies to preview and refresh, not ${command}`);
  if (verify && command !== "up") throw new UsageError(`--verify applies to up, not ${command}`);
  let parallel: number;
  try {
    parallel = parallelOf(parsed);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return {
    command: command as Command,
    parsed,
    parallel,
    failFast: parsed.flags.has("fail-fast"),
    tierOrder: command === "up" && !parsed.flags.has("no-tier-order"),
    json: parsed.flags.has("json"),
    expectNoChanges,
    verify,
  };
}

/** Why `up` must not start on this stack: a lock or an interrupted run's pending operations, pointing to `recover`. */
async function upBlocker(stack: StackOperations, name: string, here: Parameters<typeof lockVerdict>[1]): Promise<string | undefined> {
  const recover = `run \`npm run -s platform -- recover --stack ${name}\``;
  const locks = await stack.locks();
  if (locks.length > 0) return `the stack is locked (${locks.map((l) => lockVerdict(l, here).holder).join("; ")}): ${recover}`;
  const pending = pendingOperations(await stack.exportState());
  if (pending.length > 0) {
    const what = pending.map((p) => `${p.operation} ${p.urn.split("::").at(-1)} (${p.resourceType})`).join(", ");
    return `${pending.length} pending operation(s) from an interrupted run: ${what}; the next up would fail on objects that already exist: ${recover}`;
  }
  return undefined;
}

const cliMissing = "the Pulumi CLI was not found on PATH: install it (https://www.pulumi.com/docs/install/); `npm test`, `npm run plan` and `npm run inventory` need no CLI";

/** `platform stacks [--tier T] [--json]`: the fleet, as the workflows' matrix reads it. */
export function stacksCommand(argv: readonly string[], root: string, fleetOf: (root: string) => StackInfo[]): RunOutput {
  if (argv.includes("--help") || argv.includes("-h")) return { code: 0, results: [], text: STACKS_USAGE, stream: "stdout" };
  let parsed: Parsed;
  try {
    parsed = parseArgv(argv, ["tier"], ["json"]);
    const tier = parsed.values["tier"]?.[0];
    if (tier !== undefined && !(TIERS as readonly string[]).includes(tier)) throw new ArgError(`unknown tier "${tier}"; allowed: ${TIERS.join(", ")}`);
  } catch (err) {
    if (err instanceof ArgError) return { code: 2, results: [], text: `${err.message}\n${STACKS_USAGE}`, stream: "stderr" };
    throw err;
  }
  let fleet: StackInfo[];
  try {
    fleet = fleetOf(root);
  } catch (err) {
    if (err instanceof StackFileError) return { code: 1, results: [], text: err.message, stream: "stderr" };
    throw err;
  }
  const tier = parsed.values["tier"]?.[0];
  const chosen = tier === undefined ? fleet : fleet.filter((s) => s.tier === tier);
  if (parsed.flags.has("json")) return { code: 0, results: [], text: JSON.stringify(chosen), stream: "stdout" };
  const rows = [["STACK", "TIER", "CONTEXT", "REGISTRY", "SECRETS SUFFIX"], ...chosen.map((s) => [s.name, s.tier, s.context ?? "(current)", s.registryMode, s.secretSuffix])];
  return { code: 0, results: [], text: formatTable(rows), stream: "stdout" };
}

/**
 * Runs the command over the selected stacks: up to --parallel at once; `up`
 * tier by tier (every dev stack, then staging, then prod; a failed tier stops
 * the later ones); a failed stack does not stop the others of its tier unless
 * --fail-fast. Each stack's engine output goes to its own log. Exit codes: 0
 * ok, 1 an operation (or up --verify's checks) failed, 2 usage or setup
 * error, 3 drift with --expect-no-changes and no failure.
 */
export async function run(
  argv: readonly string[],
  ws: Workspace,
  vars: Readonly<Record<string, string | undefined>>,
  root: string,
  deps: PlatformDeps = localDeps(root),
): Promise<RunOutput> {
  if (argv[0] === "verify") return verifyCommand(argv.slice(1), ws, vars, root, deps.verify, deps.fleet);
  if (argv[0] === "client") return clientCommand(argv.slice(1), ws, vars, root, deps.client, deps.fleet);
  if (argv[0] === "recover") return recoverCommand(argv.slice(1), ws, vars, root, deps.recover, deps.fleet);
  if (argv[0] === "stacks") return stacksCommand(argv.slice(1), root, deps.fleet.stacks);
  if (argv.includes("--help") || argv.includes("-h")) return { code: 0, results: [], text: USAGE, stream: "stdout" };
  let args: Args;
  let selected: StackInfo[];
  try {
    args = parseArgs(argv);
    selected = selectStacks(deps.fleet.stacks(root), selectionOf(args.parsed));
  } catch (err) {
    if (err instanceof UsageError) return { code: 2, results: [], text: err.message, stream: "stderr" };
    if (err instanceof SelectionError) return { code: 2, results: [], text: `${err.message}\n${USAGE}`, stream: "stderr" };
    if (err instanceof StackFileError) return { code: 1, results: [], text: err.message, stream: "stderr" };
    throw err;
  }
  const notes = args.parsed.notes;
  if ((await ws.cliVersion()) === undefined) return { code: 2, results: [], text: cliMissing, stream: "stderr", ...(notes.length > 0 ? { notes } : {}) };
  const logs = deps.fleet.logs(args.command);
  const one = async (s: StackInfo): Promise<StackResult> => {
    const log = logs.open(s.name);
    const start = deps.fleet.clock();
    const base = { stack: s.name, tier: s.tier, operation: args.command, ...(log.path !== undefined ? { log: log.path } : {}) };
    const failed = (err: unknown): StackResult => {
      const message = err instanceof Error ? err.message : String(err);
      // A backend whose locks are not readable here (s3, gs, azblob) reports one in the engine's refusal.
      const locks = parseLockMessage(message);
      const hint = locks.length > 0 ? ` (${locks.map((l) => lockVerdict(l, deps.recover.here()).holder).join("; ")}): run \`npm run -s platform -- recover --stack ${s.name}\`` : "";
      return { ...base, result: "failed", durationMs: deps.fleet.clock() - start, error: `${message}${hint}` };
    };
    try {
      const stack = await ws.stack(s.name, backendFor(s, vars, root), { onOutput: (d) => log.write(d) });
      if (args.command === "up") {
        const blocked = await upBlocker(stack, s.name, deps.recover.here());
        if (blocked !== undefined) return failed(blocked);
      }
      const changes: Changes =
        args.command === "preview"
          ? await stack.preview({ expectNoChanges: false })
          : args.command === "refresh"
            ? await stack.refresh({ expectNoChanges: false })
            : args.command === "up"
              ? await stack.up()
              : await stack.destroy();
      const drift = args.expectNoChanges && changed(changes);
      let result: StackResult = { ...base, result: drift ? "drift" : "ok", changes, durationMs: deps.fleet.clock() - start };
      if (args.verify) {
        const v = await verifyStack({ stack: s, probe: false, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, json: false }, ws, vars, root, deps.verify);
        result = { ...result, result: v.code === 0 ? result.result : "failed", durationMs: deps.fleet.clock() - start, verify: { code: v.code, text: v.text, ...(v.report !== undefined ? { findings: v.report.findings } : {}) } };
      }
      return result;
    } catch (err) {
      return failed(err);
    } finally {
      await log.close();
    }
  };
  const results = await runFleet(waves(selected, args.tierOrder), args.command, { parallel: args.parallel, failFast: args.failFast }, one);
  const text = args.json ? JSON.stringify(summaryDocument(args.command, args.parallel, results), null, 2) : summaryTable(results);
  return { code: fleetExitCode(results), results, text, stream: "stdout", ...(notes.length > 0 ? { notes } : {}) };
}
