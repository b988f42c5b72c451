/**
 * `npm run platform -- <preview|up|destroy|refresh> --env <dev|staging|prod|all> [--json] [--expect-no-changes] [--verify]`,
 * plus `verify` (automation/verify.ts) and `client` (automation/client.ts):
 * the operations platform automation runs, on the Pulumi Automation API.
 * The orchestration is pure over an injected Workspace, so tests drive it
 * without the Pulumi CLI; automation/workspace.ts is the real one.
 */
import { clientCommand } from "./client";
import { localDeps, type PlatformDeps } from "./deps";
import { CLIENT_USAGE, VERIFY_USAGE } from "./usage";
import { COMMANDS, ENVIRONMENTS, backendFor, type Changes, type Command, type Environment, type Result, type RunOutput, type Workspace } from "./stacks";
import { DEFAULT_TIMEOUT_SECONDS, verifyCommand, verifyEnv } from "./verify";

// Moved to stacks.ts (so client.ts and verify.ts need not import this file); re-exported for existing importers.
export { COMMANDS, ENVIRONMENTS, backendFor, type Changes, type Command, type Environment, type Result, type RunOutput, type StackOperations, type Workspace } from "./stacks";

export const USAGE = [
  "usage: npm run -s platform -- <preview|up|destroy|refresh> --env <dev|staging|prod|all> [--json] [--expect-no-changes] [--verify]",
  `       ${VERIFY_USAGE.replace("usage: ", "")}`,
  `       ${CLIENT_USAGE.replace("usage: ", "")}`,
].join("\n");
/** The commands with their own arguments. */
const OWN_COMMANDS = ["verify", "client"] as const;

export interface Args {
  readonly command: Command;
  readonly envs: readonly Environment[];
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
  let env: string | undefined;
  let json = false;
  let expectNoChanges = false;
  let verify = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === "--json") json = true;
    else if (a === "--expect-no-changes") expectNoChanges = true;
    else if (a === "--verify") verify = true;
    else if (a === "--env") {
      env = rest[i + 1];
      if (env === undefined || env.startsWith("--")) throw new UsageError("--env needs a value");
      i++;
    } else throw new UsageError(`unknown argument "${a}"`);
  }
  if (env === undefined) throw new UsageError("--env is required");
  if (env !== "all" && !(ENVIRONMENTS as readonly string[]).includes(env)) throw new UsageError(`unknown environment "${env}"; allowed: dev, staging, prod, all`);
  if (expectNoChanges && (command === "up" || command === "destroy")) throw new UsageError(`--expect-no-changes applies to preview and refresh, not ${command}`);
  if (verify && command !== "up") throw new UsageError(`--verify applies to up, not ${command}`);
  return { command: command as Command, envs: env === "all" ? ENVIRONMENTS : [env as Environment], json, expectNoChanges, verify };
}

const changed = (c: Changes) => Object.entries(c).some(([op, n]) => op !== "same" && n > 0);

/**
 * Runs the command per environment in order, stopping at the first failure
 * (a broken staging never reaches prod). Exit codes: 0 ok, 1 an operation (or up --verify's checks)
 * failed, 2 usage or setup error, 3 drift with --expect-no-changes.
 */
export async function run(
  argv: readonly string[],
  ws: Workspace,
  vars: Readonly<Record<string, string | undefined>>,
  root: string,
  deps: PlatformDeps = localDeps(root),
): Promise<RunOutput> {
  if (argv[0] === "verify") return verifyCommand(argv.slice(1), ws, vars, root, deps.verify);
  if (argv[0] === "client") return clientCommand(argv.slice(1), ws, vars, root, deps.client);
  if (argv.includes("--help") || argv.includes("-h")) return { code: 0, results: [], text: USAGE, stream: "stdout" };
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    return { code: 2, results: [], text: (err as Error).message, stream: "stderr" };
  }
  const version = await ws.cliVersion();
  if (version === undefined) {
    return {
      code: 2,
      results: [],
      text: "the Pulumi CLI was not found on PATH: install it (https://www.pulumi.com/docs/install/); `npm test`, `npm run plan` and `npm run inventory` need no CLI",
      stream: "stderr",
    };
  }
  const results: Result[] = [];
  let code = 0;
  for (const env of args.envs) {
    let result: Result;
    try {
      const stack = await ws.stack(env, backendFor(env, vars, root));
      const changes =
        args.command === "preview"
          ? await stack.preview({ expectNoChanges: false })
          : args.command === "refresh"
            ? await stack.refresh({ expectNoChanges: false })
            : args.command === "up"
              ? await stack.up()
              : await stack.destroy();
      const drift = args.expectNoChanges && changed(changes);
      result = { env, command: args.command, ok: !drift, changes, ...(args.expectNoChanges ? { drift } : {}) };
      if (drift) code = 3;
      if (args.verify) {
        const v = await verifyEnv({ env, probe: false, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, json: false }, ws, vars, root, deps.verify);
        result = { ...result, ok: v.code === 0, verify: { code: v.code, text: v.text, ...(v.report !== undefined ? { findings: v.report.findings } : {}) } };
        if (v.code !== 0) code = v.code;
      }
    } catch (err) {
      result = { env, command: args.command, ok: false, error: err instanceof Error ? err.message : String(err) };
      code = 1;
    }
    results.push(result);
    if (!result.ok) break;
  }
  const text = args.json
    ? JSON.stringify({ command: args.command, results }, null, 2)
    : results
        .map((r) =>
          r.error !== undefined
            ? `${r.env}: ${r.command} failed: ${r.error}`
            : `${r.env}: ${r.command} ${r.drift === true ? "found drift" : "ok"} (${Object.entries(r.changes ?? {})
                .map(([op, n]) => `${op} ${n}`)
                .join(", ")})${r.verify !== undefined ? `\n${r.verify.text}` : ""}`,
        )
        .join("\n");
  return { code, results, text, stream: "stdout" };
}
