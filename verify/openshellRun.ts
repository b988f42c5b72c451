/**
 * Runs the CLI probe of verify/openshellProbe.ts: a temporary directory with
 * the client bundle and an empty OpenShell configuration, a port-forward to a
 * gateway pod (closed at the end, and in any case when its lifetime is up),
 * the CLI calls through a runner (tests inject one), the sandbox deleted
 * whenever create was attempted, the directory removed. Nothing decides
 * anything here.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";
import { writePrivateFiles } from "../lib/files";
import { clientBundle } from "../values/clientBundle";
import type { Plan } from "../plan/plan";
import { GATEWAY_PORT, GATEWAY_SELECTOR } from "../values/openshell";
import type { Finding, KubeObject } from "./checks";
import type { Cluster } from "./cluster";
import {
  OIDC_SECRET_ENV,
  cliDirs,
  cliEnvironment,
  cliProbePlan,
  judgeStep,
  lastCondition,
  mtlsDir,
  SANDBOX_NAME_LABEL,
  stepFinding,
  type CliCall,
  type CliProbeOutcome,
  type CliProbePlan,
  type CliResult,
  type CliStep,
  type StepTime,
} from "./openshellProbe";

export interface CliRunOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly timeoutMs: number;
}

/** Runs one CLI call; never throws for the command's own failure (a spawn error is exit null with the error as stderr). */
export interface CliRunner {
  run(cli: string, args: readonly string[], o: CliRunOptions): Promise<CliResult>;
}

const OUTPUT_CAP = 64 * 1024;

/** child_process.spawn with stdin closed, output capped, SIGTERM at the bound and SIGKILL 2 s later. */
export const spawnRunner: CliRunner = {
  run(cli, args, o) {
    const start = Date.now();
    return new Promise((resolve) => {
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      let settled = false;
      const child = spawn(cli, [...args], { env: { ...o.env }, cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"] });
      const keep = (acc: string, chunk: Buffer) => (acc.length >= OUTPUT_CAP ? acc : acc + chunk.toString("utf8").slice(0, OUTPUT_CAP - acc.length));
      child.stdout.on("data", (c: Buffer) => (stdout = keep(stdout, c)));
      child.stderr.on("data", (c: Buffer) => (stderr = keep(stderr, c)));
      let kill: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGTERM");
        kill = setTimeout(() => child.kill("SIGKILL"), 2000);
      }, o.timeoutMs);
      const finish = (code: number | null, extra = "") => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (kill !== undefined) clearTimeout(kill);
        resolve({ code, stdout, stderr: stderr + extra, timedOut, ms: Date.now() - start });
      };
      child.once("error", (err) => finish(null, `${err.message}\n`));
      child.once("close", (code) => finish(code));
    });
  },
};

/** The executable `name` on PATH (the first one that is executable), or undefined. */
export function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "" || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface CliProbeDeps {
  /** The CLI's path. */
  readonly cli: string;
  readonly runner: CliRunner;
  /** The caller's environment (only a few variables reach the CLI: verify/openshellProbe.ts cliEnvironment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the throw-away directory goes (default the OS temp dir). */
  readonly tmpRoot?: string;
  /** 6+ hex digits naming the sandbox. */
  nonce(): string;
  /** Milliseconds, for the step times. */
  clock(): number;
}

export interface CliProbeOptions {
  readonly plan: Plan;
  readonly caPem: string;
  readonly client?: { readonly certPem: string; readonly keyPem: string };
  readonly timeoutSeconds: number;
  readonly image?: string;
}

function podReady(p: KubeObject): boolean {
  const status = p["status"] as { conditions?: { type?: string; status?: string }[] } | undefined;
  return (status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** The first Ready gateway pod's name, or why there is none. */
export async function readyGatewayPod(cluster: Cluster, namespace: string): Promise<{ name: string } | { why: string; selector: string }> {
  const selector = Object.entries(GATEWAY_SELECTOR).map(([k, v]) => `${k}=${v}`).join(",");
  const pods = await cluster.list({ apiVersion: "v1", kind: "Pod", namespace, labelSelector: selector });
  const pod = pods.find(podReady);
  if (pod === undefined) return { why: `${pods.length} pod(s), none Ready`, selector };
  return { name: String((pod["metadata"] as { name?: unknown }).name) };
}

/** How long the port-forward may live at most: every step's bound plus a margin. */
export const forwardLifetimeMs = (p: CliProbePlan): number => p.register.timeoutMs + p.create.timeoutMs + p.exec.timeoutMs + p.delete.timeoutMs + 10_000;

/** Runs the CLI probe: its findings, and what the report says about it. */
export async function runCliProbe(cluster: Cluster, o: CliProbeOptions, deps: CliProbeDeps): Promise<{ findings: Finding[]; outcome: CliProbeOutcome }> {
  const notRun = (reason: string) => ({ findings: [], outcome: { ran: false as const, reason } });
  if (o.client === undefined) return notRun("the stack outputs have no clientCertificate/clientKey for the client bundle");
  if (o.plan.config.gateway.oidc.issuer !== undefined && (deps.env[OIDC_SECRET_ENV] ?? "") === "") {
    return notRun(`the gateway takes OIDC users (gateway.oidc.issuer): set ${OIDC_SECRET_ENV} for a client-credentials login as openshell-cli`);
  }
  const ns = o.plan.namespaces.gateway;
  const pod = await readyGatewayPod(cluster, ns);
  const steps: StepTime[] = [];
  const findings: Finding[] = [];
  const nonce = deps.nonce();
  // The plan needs the forward's local port; before there is one, the gateway's port stands in.
  const plan = (port: number): CliProbePlan => cliProbePlan(o.plan, { port, nonce, timeoutSeconds: o.timeoutSeconds, ...(o.image !== undefined ? { image: o.image } : {}) });
  const outcome = (p: CliProbePlan): CliProbeOutcome => ({ ran: true, cli: deps.cli, sandbox: p.sandbox, image: p.image, steps });
  if ("why" in pod) {
    const p = plan(GATEWAY_PORT);
    steps.push({ step: "port-forward", ms: 0, ok: false });
    findings.push(stepFinding(p, "port-forward", `no Ready gateway pod in ${ns} [${pod.selector}]: ${pod.why}`));
    return { findings, outcome: outcome(p) };
  }
  const root = mkdtempSync(join(deps.tmpRoot ?? tmpdir(), "platform-verify-openshell-"));
  const dirs = cliDirs(root);
  try {
    writePrivateFiles(dirs.bundle, clientBundle(o.plan, { caCertificate: o.caPem, clientCertificate: o.client.certPem, clientKey: o.client.keyPem }));
    mkdirSync(dirs.config, { recursive: true, mode: 0o700 });
    const t0 = deps.clock();
    let forward: { readonly port: number; close(): void };
    try {
      forward = await cluster.forward(ns, pod.name, GATEWAY_PORT);
    } catch (err) {
      const p = plan(GATEWAY_PORT);
      steps.push({ step: "port-forward", ms: deps.clock() - t0, ok: false });
      findings.push(stepFinding(p, "port-forward", `port-forward to ${ns}/${pod.name}:${GATEWAY_PORT}: ${err instanceof Error ? err.message : String(err)}`));
      return { findings, outcome: outcome(p) };
    }
    steps.push({ step: "port-forward", ms: deps.clock() - t0, ok: true });
    const p = plan(forward.port);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearTimeout(lifetime);
      forward.close();
    };
    // Bounded even if a call hangs past its own bound: the forward goes away on its own.
    const lifetime = setTimeout(close, forwardLifetimeMs(p));
    lifetime.unref?.();
    try {
      if (p.oidc) {
        writePrivateFiles(mtlsDir(dirs, p.gateway), [
          { path: "ca.crt", content: o.caPem, mode: 0o600 },
          { path: "tls.crt", content: o.client.certPem, mode: 0o600 },
          { path: "tls.key", content: o.client.keyPem, mode: 0o600 },
        ]);
      }
      const env = cliEnvironment(deps.env, dirs, o.timeoutSeconds);
      const call = async (c: CliCall, expected?: string): Promise<string | undefined> => {
        const r = await deps.runner.run(deps.cli, c.args, { env, cwd: dirs.home, timeoutMs: c.timeoutMs });
        const why = judgeStep(c, r, expected);
        steps.push({ step: c.step, ms: r.ms, ok: why === undefined });
        return why;
      };
      const condition = async (): Promise<string> => {
        try {
          return lastCondition(await cluster.list({ apiVersion: "agents.x-k8s.io/v1beta1", kind: "Sandbox", namespace: o.plan.namespaces.sandbox, labelSelector: `${SANDBOX_NAME_LABEL}=${p.sandbox}` }));
        } catch (err) {
          return `unknown (${err instanceof Error ? err.message : String(err)})`;
        }
      };
      const registered = await call(p.register);
      if (registered !== undefined) {
        findings.push(stepFinding(p, "register", registered));
        return { findings, outcome: outcome(p) };
      }
      let failed: { step: CliStep; why: string } | undefined;
      try {
        const created = await call(p.create);
        if (created !== undefined) failed = { step: "create", why: created };
        else {
          const ran = await call(p.exec, p.expectedOutput);
          if (ran !== undefined) failed = { step: "exec", why: ran };
        }
        if (failed !== undefined) findings.push(stepFinding(p, failed.step, failed.why, await condition()));
      } finally {
        // Whatever happened after create was attempted, the sandbox goes.
        const deleted = await call(p.delete);
        if (deleted !== undefined) {
          if (failed === undefined) findings.push(stepFinding(p, "delete", deleted, await condition()));
          else {
            const last = findings[findings.length - 1]!;
            findings[findings.length - 1] = { ...last, found: `${last.found}; the cleanup \`sandbox delete ${p.sandbox}\` failed too: ${deleted}` };
          }
        }
      }
      return { findings, outcome: outcome(p) };
    } finally {
      close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
