/**
 * `npm run -s platform -- client --stack NAME --out <dir> [--force]`: writes
 * the client bundle (values/clientBundle.ts) from the stack outputs, read
 * through the Automation API: the secrets are decrypted on this machine
 * only and written owner-only. Refuses a non-empty directory without --force.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../config/errors";
import { StackFileError } from "../config/stackFile";
import type { Plan } from "../plan/plan";
import { clientGatewayName } from "../values/clients";
import { writePrivateFiles } from "../lib/files";
import { clientBundle } from "../values/clientBundle";
import { ArgError, oneStack, parseArgv } from "./args";
import type { FleetDeps, RunOutput, Workspace } from "./engine";
import { backendFor, findStack, SelectionError, type StackInfo } from "./stacks";
import { CLIENT_USAGE } from "./usage";

export { CLIENT_USAGE };

export interface ClientDeps {
  plan(stack: string): Plan;
}

function isNonEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

export async function clientCommand(
  argv: readonly string[],
  ws: Workspace,
  vars: Readonly<Record<string, string | undefined>>,
  root: string,
  deps: ClientDeps,
  fleet: FleetDeps,
): Promise<RunOutput> {
  const usage = (message: string): RunOutput => ({ code: 2, results: [], text: `${message}\n${CLIENT_USAGE}`, stream: "stderr" });
  if (argv.includes("--help") || argv.includes("-h")) return { code: 0, results: [], text: CLIENT_USAGE, stream: "stdout" };
  let env: string;
  let out: string;
  let force: boolean;
  let info: StackInfo;
  let notes: readonly string[];
  try {
    const p = parseArgv(argv, ["stack", "out"], ["force"]);
    notes = p.notes;
    force = p.flags.has("force");
    const o = p.values["out"]?.at(-1);
    env = oneStack(p);
    if (o === undefined) throw new ArgError("--out is required");
    out = o;
    info = findStack(fleet.stacks(root), env);
  } catch (err) {
    if (err instanceof ArgError || err instanceof SelectionError) return usage(err.message);
    if (err instanceof StackFileError) return { code: 1, results: [], text: err.message, stream: "stderr" };
    throw err;
  }
  const fail = (code: number, message: string): RunOutput => ({ code, results: [], text: message, stream: "stderr", ...(notes.length > 0 ? { notes } : {}) });
  const dir = resolve(root, out);
  if (!force && isNonEmptyDir(dir)) return usage(`${out} is not empty; choose an empty directory or pass --force to overwrite the bundle files in it`);
  let plan: Plan;
  try {
    plan = deps.plan(env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StackFileError) return fail(1, err.message);
    throw err;
  }
  if ((await ws.cliVersion()) === undefined) return fail(2, "the Pulumi CLI was not found on PATH: the bundle is read from the stack outputs (install it: https://www.pulumi.com/docs/install/)");
  let outputs: Readonly<Record<string, unknown>>;
  try {
    outputs = await (await ws.stack(env, backendFor(info, vars, root))).outputs();
  } catch (err) {
    return fail(2, `cannot read the stack outputs of ${env}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const missing = ["caCertificate", "clientCertificate", "clientKey"].filter((k) => typeof outputs[k] !== "string" || outputs[k] === "");
  if (missing.length > 0) return fail(2, `the stack ${env} has no ${missing.join(", ")} output: run \`npm run -s platform -- up --stack ${env}\` first`);
  const files = clientBundle(plan, { caCertificate: outputs["caCertificate"] as string, clientCertificate: outputs["clientCertificate"] as string, clientKey: outputs["clientKey"] as string });
  writePrivateFiles(dir, files);
  const lines = [
    `wrote the client bundle of ${env} (gateway "${clientGatewayName(plan)}") to ${out}: ${files.map((f) => `${f.path} (${f.mode.toString(8)})`).join(", ")}`,
    `next: start the port-forward (pulumi stack output portForwardCommand), then run ${join(out, "register.sh")}`,
  ];
  return { code: 0, results: [], text: lines.join("\n"), stream: "stdout", ...(notes.length > 0 ? { notes } : {}) };
}
