/**
 * `npm run -s platform -- verify (--stack NAME[,NAME|GLOB…] | --tier T | --all) [--parallel N] [--fail-fast]
 * [--probe [--openshell-cli <path>] [--probe-image <ref>]] [--timeout <s>] [--json]`:
 * checks that the cluster the stack targets holds what the plan installs and
 * that it works (verify/). It reads the plan of the stack file, the stack's
 * CA (and, with --probe, the client certificate) from the stack outputs
 * through the Automation API, and the cluster through @kubernetes/client-node.
 * With --probe and the OpenShell CLI (on PATH or --openshell-cli) it also
 * creates a sandbox through the gateway (verify/openshellProbe.ts); without
 * the CLI it says so and the exit code does not change.
 * Over several stacks it runs up to --parallel at once and ends with the
 * fleet summary (automation/fleet.ts).
 * Exit codes: 0 every check passed, 1 a check failed (or the configuration
 * is wrong), 2 usage, setup or an unreachable cluster.
 */
import { randomBytes } from "node:crypto";
import { accessSync, constants, statSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { ConfigError } from "../config/errors";
import { StackFileError } from "../config/stackFile";
import type { Plan } from "../plan/plan";
import { kubeconfigSource } from "../lib/kubeRest";
import { ClusterUnreachable, type Cluster, type KubeconfigSource } from "../verify/cluster";
import type { CrdExpectation } from "../verify/expectations";
import { formatCliProbe, OPENSHELL_CLI } from "../verify/openshellProbe";
import { findOnPath, spawnRunner, type CliRunner } from "../verify/openshellRun";
import { verifyCluster, type VerifyOptions, type VerifyReport } from "../verify/run";
import { ArgError, parallelOf, parseArgv, selectionOf } from "./args";
import type { FleetDeps, RunOutput, Workspace } from "./engine";
import { runFleet, summaryTable, waves, type StackResult } from "./fleet";
import { backendFor, selectStacks, SelectionError, type StackInfo } from "./stacks";

import { VERIFY_USAGE } from "./usage";

export { VERIFY_USAGE };
export const DEFAULT_TIMEOUT_SECONDS = 300;

export interface VerifyDeps {
  /** The plan of a stack file (plan/fromStackFile.ts). */
  plan(stack: string): Plan;
  /** The CRDs of the agent-sandbox asset the plan applies (read as `pulumi up` reads it). */
  agentSandboxCrds(plan: Plan): Promise<readonly CrdExpectation[]>;
  connect(source: KubeconfigSource, timeoutMs: number): Cluster;
  now(): Date;
  /** The gateway calls of --probe (tests substitute them; default verify/gateway.ts). */
  readonly gateway?: VerifyOptions["gateway"];
  /** How --probe waits between polls (tests pass one that returns at once). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How --probe runs the OpenShell CLI (default: child processes). */
  readonly cliRunner?: CliRunner;
  /** The probe sandbox's name suffix (default 3 random bytes, hex). */
  readonly nonce?: () => string;
  /** Milliseconds for the step times (default performance.now). */
  readonly clock?: () => number;
  /** Where the CLI's throw-away directory goes (default the OS temp dir). */
  readonly tmpRoot?: string;
}

export interface VerifyArgs {
  readonly stack: StackInfo;
  readonly probe: boolean;
  readonly timeoutSeconds: number;
  readonly json: boolean;
  /** --openshell-cli: the CLI to drive instead of `openshell` on PATH. */
  readonly openshellCli?: string;
  /** --probe-image: the CLI probe's sandbox image instead of the stack's default sandbox image. */
  readonly probeImage?: string;
}

export function timeoutOf(raw: string | undefined): number {
  const seconds = raw === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) throw new ArgError(`--timeout must be whole seconds from 1 to 3600, got "${raw}"`);
  return seconds;
}

const text = (string: unknown): string | undefined => (typeof string === "string" && string.length > 0 ? string : undefined);

export function formatReport(env: string, r: VerifyReport): string {
  const head = `verify ${env}: context "${r.context}" (${r.server}), Kubernetes ${r.serverVersion}: ${r.checks} checks, ${r.findings.length === 0 ? "all passed" : `${r.findings.length} failed`}`;
  return [
    head,
    ...(r.openshell !== undefined ? [formatCliProbe(r.openshell)] : []),
    ...r.findings.flatMap((f) => [`FAIL ${f.object}`, `  expected: ${f.expected}`, `  found:    ${f.found}`, `  see:      ${f.troubleshooting}`]),
  ].join("\n");
}

/** One stack's verify: the exit code, what goes where, and the report when the cluster answered. */
export async function verifyStack(
  a: VerifyArgs,
  ws: Workspace,
  vars: Readonly<Record<string, string | undefined>>,
  root: string,
  deps: VerifyDeps,
): Promise<RunOutput & { readonly report?: VerifyReport }> {
  const fail = (code: number, message: string): RunOutput => ({ code, results: [], text: `verify ${a.stack.name}: ${message}`, stream: "stderr" });
  let plan: Plan;
  try {
    plan = deps.plan(a.stack.name);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StackFileError) return fail(1, err.message);
    throw err;
  }
  if ((await ws.cliVersion()) === undefined) return fail(2, "the Pulumi CLI was not found on PATH: verify reads the stack's CA from its outputs (install it: https://www.pulumi.com/docs/install/)");
  let outputs: Readonly<Record<string, unknown>>;
  let kubeconfig: string | undefined;
  try {
    const stack = await ws.stack(a.stack.name, backendFor(a.stack, vars, root));
    outputs = await stack.outputs();
    kubeconfig = plan.provider.kubeconfigFromSecret ? await stack.kubeconfig() : undefined;
  } catch (err) {
    return fail(2, `cannot read the stack outputs: ${err instanceof Error ? err.message : String(err)}`);
  }
  const caPem = text(outputs["caCertificate"]);
  if (caPem === undefined) return fail(2, "the stack has no caCertificate output: run `npm run -s platform -- up` first");
  const certPem = text(outputs["clientCertificate"]);
  const keyPem = text(outputs["clientKey"]);
  const source = kubeconfigSource(plan.provider, kubeconfig);
  let openshell: VerifyOptions["openshell"];
  if (a.probe) {
    let cli: string | undefined;
    if (a.openshellCli !== undefined) {
      cli = resolve(a.openshellCli);
      try {
        accessSync(cli, constants.X_OK);
        if (!statSync(cli).isFile()) throw new Error("not a file");
      } catch {
        return fail(2, `--openshell-cli ${a.openshellCli}: not an executable file`);
      }
    } else cli = findOnPath(OPENSHELL_CLI, vars["PATH"]);
    openshell =
      cli === undefined
        ? { missing: `the OpenShell CLI (${OPENSHELL_CLI}) is not on PATH: no sandbox was created through the gateway (install it or pass --openshell-cli <path>)` }
        : {
            deps: {
              cli,
              runner: deps.cliRunner ?? spawnRunner,
              env: vars,
              nonce: deps.nonce ?? (() => randomBytes(3).toString("hex")),
              clock: deps.clock ?? (() => performance.now()),
              ...(deps.tmpRoot !== undefined ? { tmpRoot: deps.tmpRoot } : {}),
            },
          };
  }
  try {
    const cluster = deps.connect(source, a.timeoutSeconds * 1000);
    const report = await verifyCluster(cluster, {
      plan,
      agentSandboxCrds: await deps.agentSandboxCrds(plan),
      caPem,
      ...(certPem !== undefined && keyPem !== undefined ? { client: { certPem, keyPem } } : {}),
      probe: a.probe,
      timeoutSeconds: a.timeoutSeconds,
      now: deps.now,
      ...(deps.gateway !== undefined ? { gateway: deps.gateway } : {}),
      ...(deps.sleep !== undefined ? { sleep: deps.sleep } : {}),
      ...(openshell !== undefined ? { openshell } : {}),
      ...(a.probeImage !== undefined ? { probeImage: a.probeImage } : {}),
    });
    const body = a.json ? JSON.stringify({ stack: a.stack.name, ...report }, null, 2) : formatReport(a.stack.name, report);
    return { code: report.findings.length === 0 ? 0 : 1, results: [], text: body, stream: "stdout", report };
  } catch (err) {
    if (err instanceof ClusterUnreachable) return fail(2, err.message);
    throw err;
  }
}

/**
 * `verify` over a selection: one stack prints its report as before; several
 * run up to --parallel at once and end with the fleet summary (--json: one
 * document). The exit code is the worst stack's: 2 (setup, unreachable) over
 * 1 (a check failed) over 0.
 */
export async function verifyCommand(
  argv: readonly string[],
  ws: Workspace,
  vars: Readonly<Record<string, string | undefined>>,
  root: string,
  deps: VerifyDeps,
  fleet: FleetDeps,
): Promise<RunOutput> {
  if (argv.includes("--help") || argv.includes("-h")) return { code: 0, results: [], text: VERIFY_USAGE, stream: "stdout" };
  let selected: StackInfo[];
  let probe: boolean;
  let json: boolean;
  let timeoutSeconds: number;
  let parallel: number;
  let failFast: boolean;
  let notes: readonly string[];
  let openshellCli: string | undefined;
  let probeImage: string | undefined;
  try {
    const p = parseArgv(argv, ["stack", "tier", "parallel", "timeout", "openshell-cli", "probe-image"], ["all", "probe", "json", "fail-fast"]);
    notes = p.notes;
    probe = p.flags.has("probe");
    for (const k of ["openshell-cli", "probe-image"] as const) {
      const v = p.values[k]?.at(-1);
      if (v === "") throw new ArgError(`--${k} needs a value`);
      if (v !== undefined && !probe) throw new ArgError(`--${k} applies with --probe`);
    }
    openshellCli = p.values["openshell-cli"]?.at(-1);
    probeImage = p.values["probe-image"]?.at(-1);
    json = p.flags.has("json");
    failFast = p.flags.has("fail-fast");
    timeoutSeconds = timeoutOf(p.values["timeout"]?.at(-1));
    parallel = parallelOf(p);
    selected = selectStacks(fleet.stacks(root), selectionOf(p));
  } catch (err) {
    if (err instanceof ArgError || err instanceof SelectionError) return { code: 2, results: [], text: `${err.message}\n${VERIFY_USAGE}`, stream: "stderr" };
    if (err instanceof StackFileError) return { code: 1, results: [], text: err.message, stream: "stderr" };
    throw err;
  }
  const extra = { ...(openshellCli !== undefined ? { openshellCli } : {}), ...(probeImage !== undefined ? { probeImage } : {}) };
  if (selected.length === 1) {
    const { report: _report, ...out } = await verifyStack({ stack: selected[0]!, probe, timeoutSeconds, json, ...extra }, ws, vars, root, deps);
    return { ...out, ...(notes.length > 0 ? { notes } : {}) };
  }
  if ((await ws.cliVersion()) === undefined) {
    return { code: 2, results: [], text: "the Pulumi CLI was not found on PATH: verify reads each stack's CA from its outputs (install it: https://www.pulumi.com/docs/install/)", stream: "stderr", ...(notes.length > 0 ? { notes } : {}) };
  }
  const outputs = new Map<string, RunOutput & { readonly report?: VerifyReport }>();
  const results = await runFleet(waves(selected, false), "verify", { parallel, failFast }, async (s): Promise<StackResult> => {
    const start = fleet.clock();
    const v = await verifyStack({ stack: s, probe, timeoutSeconds, json: false, ...extra }, ws, vars, root, deps);
    outputs.set(s.name, v);
    return { stack: s.name, tier: s.tier, operation: "verify", result: v.code === 0 ? "ok" : "failed", durationMs: fleet.clock() - start, ...(v.code !== 0 ? { error: v.code === 2 ? v.text : `${v.report?.findings.length ?? 0} check(s) failed` } : {}) };
  });
  const code = Math.max(0, ...selected.map((s) => outputs.get(s.name)?.code ?? 1));
  const text = json
    ? JSON.stringify({ command: "verify", parallel, exitCode: code, results: results.map((r) => ({ ...r, ...(outputs.get(r.stack)?.report !== undefined ? { report: outputs.get(r.stack)!.report } : {}) })) }, null, 2)
    : [...selected.flatMap((s) => (outputs.get(s.name)?.stream === "stdout" ? [outputs.get(s.name)!.text] : [])), summaryTable(results)].join("\n\n");
  return { code, results, text, stream: "stdout", ...(notes.length > 0 ? { notes } : {}) };
}
