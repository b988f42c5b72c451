/**
 * `npm run -s platform -- verify --env <stack> [--probe] [--timeout <s>] [--json]`:
 * checks that the cluster the stack targets holds what the plan installs and
 * that it works (verify/). It reads the plan of the stack file, the stack's
 * CA (and, with --probe, the client certificate) from the stack outputs
 * through the Automation API, and the cluster through @kubernetes/client-node.
 * Exit codes: 0 every check passed, 1 a check failed (or the configuration
 * is wrong), 2 usage, setup or an unreachable cluster.
 */
import { ConfigError } from "../config/errors";
import { StackFileError } from "../config/stackFile";
import type { Plan } from "../plan/plan";
import { ClusterUnreachable, type Cluster, type KubeconfigSource } from "../verify/cluster";
import type { CrdExpectation } from "../verify/expectations";
import { verifyCluster, type VerifyOptions, type VerifyReport } from "../verify/run";
import { ENVIRONMENTS, backendFor, type Environment, type RunOutput, type Workspace } from "./stacks";

import { VERIFY_USAGE } from "./usage";

export { VERIFY_USAGE };
export const DEFAULT_TIMEOUT_SECONDS = 300;

export interface VerifyDeps {
  /** The plan of a stack file (plan/fromStackFile.ts). */
  plan(env: Environment): Plan;
  /** The CRDs of the agent-sandbox asset the plan applies (read as `pulumi up` reads it). */
  agentSandboxCrds(plan: Plan): Promise<readonly CrdExpectation[]>;
  connect(source: KubeconfigSource, timeoutMs: number): Cluster;
  now(): Date;
  /** The gateway calls of --probe (tests substitute them; default verify/gateway.ts). */
  readonly gateway?: VerifyOptions["gateway"];
  /** How --probe waits between polls (tests pass one that returns at once). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface VerifyArgs {
  readonly env: Environment;
  readonly probe: boolean;
  readonly timeoutSeconds: number;
  readonly json: boolean;
}

class VerifyUsage extends Error {}

export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  let env: string | undefined;
  let timeout: string | undefined;
  let probe = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--probe") probe = true;
    else if (a === "--json") json = true;
    else if (a === "--env" || a === "--timeout") {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) throw new VerifyUsage(`${a} needs a value`);
      if (a === "--env") env = v;
      else timeout = v;
      i++;
    } else throw new VerifyUsage(`unknown argument "${a}"`);
  }
  if (env === undefined) throw new VerifyUsage("--env is required");
  if (!(ENVIRONMENTS as readonly string[]).includes(env)) throw new VerifyUsage(`unknown environment "${env}"; allowed: ${ENVIRONMENTS.join(", ")}`);
  const seconds = timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(timeout);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) throw new VerifyUsage(`--timeout must be whole seconds from 1 to 3600, got "${timeout}"`);
  return { env: env as Environment, probe, timeoutSeconds: seconds, json };
}

const text = (string: unknown): string | undefined => (typeof string === "string" && string.length > 0 ? string : undefined);

export function formatReport(env: Environment, r: VerifyReport): string {
  const head = `verify ${env}: context "${r.context}" (${r.server}), Kubernetes ${r.serverVersion}: ${r.checks} checks, ${r.findings.length === 0 ? "all passed" : `${r.findings.length} failed`}`;
  return [
    head,
    ...r.findings.flatMap((f) => [`FAIL ${f.object}`, `  expected: ${f.expected}`, `  found:    ${f.found}`, `  see:      ${f.troubleshooting}`]),
  ].join("\n");
}

/** One stack's verify: the exit code, what goes where, and the report when the cluster answered. */
export async function verifyEnv(
  a: VerifyArgs,
  ws: Workspace,
  vars: Readonly<Record<string, string | undefined>>,
  root: string,
  deps: VerifyDeps,
): Promise<RunOutput & { readonly report?: VerifyReport }> {
  const fail = (code: number, message: string): RunOutput => ({ code, results: [], text: `verify ${a.env}: ${message}`, stream: "stderr" });
  let plan: Plan;
  try {
    plan = deps.plan(a.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StackFileError) return fail(1, err.message);
    throw err;
  }
  if ((await ws.cliVersion()) === undefined) return fail(2, "the Pulumi CLI was not found on PATH: verify reads the stack's CA from its outputs (install it: https://www.pulumi.com/docs/install/)");
  let outputs: Readonly<Record<string, unknown>>;
  let kubeconfig: string | undefined;
  try {
    const stack = await ws.stack(a.env, backendFor(a.env, vars, root));
    outputs = await stack.outputs();
    kubeconfig = plan.provider.kubeconfigFromSecret ? await stack.kubeconfig() : undefined;
  } catch (err) {
    return fail(2, `cannot read the stack outputs: ${err instanceof Error ? err.message : String(err)}`);
  }
  const caPem = text(outputs["caCertificate"]);
  if (caPem === undefined) return fail(2, "the stack has no caCertificate output: run `npm run -s platform -- up` first");
  const certPem = text(outputs["clientCertificate"]);
  const keyPem = text(outputs["clientKey"]);
  const source: KubeconfigSource = {
    ...(kubeconfig !== undefined ? { contents: kubeconfig } : plan.provider.kubeconfigPath !== undefined ? { path: plan.provider.kubeconfigPath } : {}),
    ...(plan.provider.context !== undefined ? { context: plan.provider.context } : {}),
  };
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
    });
    const body = a.json ? JSON.stringify({ env: a.env, ...report }, null, 2) : formatReport(a.env, report);
    return { code: report.findings.length === 0 ? 0 : 1, results: [], text: body, stream: "stdout", report };
  } catch (err) {
    if (err instanceof ClusterUnreachable) return fail(2, err.message);
    throw err;
  }
}

export async function verifyCommand(argv: readonly string[], ws: Workspace, vars: Readonly<Record<string, string | undefined>>, root: string, deps: VerifyDeps): Promise<RunOutput> {
  if (argv.includes("--help") || argv.includes("-h")) return { code: 0, results: [], text: VERIFY_USAGE, stream: "stdout" };
  let a: VerifyArgs;
  try {
    a = parseVerifyArgs(argv);
  } catch (err) {
    if (err instanceof VerifyUsage) return { code: 2, results: [], text: `${err.message}\n${VERIFY_USAGE}`, stream: "stderr" };
    throw err;
  }
  const { report: _report, ...out } = await verifyEnv(a, ws, vars, root, deps);
  return out;
}
