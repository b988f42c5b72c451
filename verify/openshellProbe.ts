/**
 * `verify --probe` through the gateway, the way users reach it: the official
 * OpenShell CLI (0.0.111) registers the stack's gateway from the client bundle
 * in a throw-away configuration directory, creates a sandbox whose canonical
 * main process keeps running (`--detach -- sleep <s>`: any exit of the main
 * process ends a 0.0.111 sandbox, even exit 0), runs one command in it with
 * `sandbox exec` and deletes it. Pure: the steps, their argument lists, the
 * CLI's environment, and how a result reads. verify/openshellRun.ts runs them.
 */
import type { Plan } from "../plan/plan";
import { resolvedImage } from "../values/images";
import { clientGatewayName, portForwardEndpoint } from "../values/clients";
import { OIDC_CLIENT_ID } from "../values/clientBundle";
import { sandboxReady, type Finding, type KubeObject } from "./checks";
import { rowReference, type TroubleshootingRow } from "./troubleshooting";

/** The catalog entry of the chart's default sandbox image (server.sandboxImage). */
export const SANDBOX_IMAGE_ID = "openshell.sandboxBase";
/** The label the Kubernetes driver puts on the Sandbox it creates for an OpenShell sandbox (openshell-core driver_utils.rs). */
export const SANDBOX_NAME_LABEL = "openshell.ai/sandbox-name";
/** The CLI's executable name, looked up on PATH. */
export const OPENSHELL_CLI = "openshell";
/** Routable sandbox names are at most 19 characters in 0.0.111 (MAX_ROUTABLE_NAME_LEN). */
export const SANDBOX_NAME_PREFIX = "verify-probe-";
/** How long the sandbox's main process outlives the probe's budget (it ends the sandbox should delete fail). */
export const SLEEP_MARGIN_SECONDS = 60;

export type CliStep = "register" | "port-forward" | "create" | "exec" | "delete";

/** The troubleshooting row of each step. */
export const STEP_ROW: Readonly<Record<CliStep, TroubleshootingRow>> = {
  "port-forward": "openshellRegister",
  register: "openshellRegister",
  create: "openshellCreate",
  exec: "openshellExec",
  delete: "openshellDelete",
};

/** The image the probe sandbox runs: --probe-image, else the stack's default sandbox image (mirror-rewritten in mirrored stacks). */
export function probeSandboxImage(plan: Plan, override?: string): string {
  return override ?? resolvedImage(plan.images, SANDBOX_IMAGE_ID);
}

/** A sandbox name of at most 19 characters from a hex nonce (6 hex digits used). */
export function probeSandboxName(nonce: string): string {
  const n = nonce.toLowerCase().replace(/[^0-9a-f]/g, "").slice(0, 6);
  if (n.length < 6) throw new Error(`the probe nonce needs 6 hex digits, got "${nonce}"`);
  return `${SANDBOX_NAME_PREFIX}${n}`;
}

/** The throw-away directories of one run, all under one temporary root. */
export interface CliDirs {
  /** The client bundle as `platform client` writes it (ca.crt, client/tls.{crt,key}, register.sh). */
  readonly bundle: string;
  readonly home: string;
  readonly config: string;
  readonly state: string;
  readonly data: string;
  readonly cache: string;
  /** Stands in for /etc/openshell (OPENSHELL_SYSTEM_GATEWAY_DIR): never created, so no system gateway is seen. */
  readonly system: string;
}

export function cliDirs(root: string): CliDirs {
  const j = (p: string) => `${root}/${p}`;
  return { bundle: j("bundle"), home: j("home"), config: j("home/.config"), state: j("home/.local/state"), data: j("home/.local/share"), cache: j("home/.cache"), system: j("system") };
}

/** Where the CLI reads the gateway's mTLS files (`$XDG_CONFIG_HOME/openshell/gateways/<name>/mtls`). */
export const mtlsDir = (dirs: CliDirs, gateway: string): string => `${dirs.config}/openshell/gateways/${gateway}/mtls`;

/** The only variables of the caller's environment the CLI sees (plus the OIDC client secret, when set). */
const INHERITED = ["PATH", "LANG", "LC_ALL", "TZ", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"] as const;
export const OIDC_SECRET_ENV = "OPENSHELL_OIDC_CLIENT_SECRET";

/**
 * The CLI's environment: HOME and every XDG base directory in the throw-away
 * root, so the user's own OpenShell configuration (gateways, active gateway,
 * tokens, last sandbox) is neither read nor written; no system gateways; no
 * OPENSHELL_GATEWAY* or workspace from the caller; the bundle as the
 * `--local` import source; no browser; the CLI's provisioning wait bounded.
 */
export function cliEnvironment(inherited: Readonly<Record<string, string | undefined>>, dirs: CliDirs, provisionTimeoutSeconds: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of INHERITED) {
    const v = inherited[k];
    if (v !== undefined) env[k] = v;
  }
  const secret = inherited[OIDC_SECRET_ENV];
  if (secret !== undefined && secret !== "") env[OIDC_SECRET_ENV] = secret;
  return {
    ...env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_STATE_HOME: dirs.state,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    OPENSHELL_SYSTEM_GATEWAY_DIR: dirs.system,
    OPENSHELL_LOCAL_TLS_DIR: dirs.bundle,
    OPENSHELL_NO_BROWSER: "1",
    OPENSHELL_PROVISION_TIMEOUT: String(provisionTimeoutSeconds),
    NO_COLOR: "1",
  };
}

export interface CliCall {
  readonly step: Exclude<CliStep, "port-forward">;
  readonly args: readonly string[];
  readonly timeoutMs: number;
  /** Output that means failure even with exit 0 (`gateway add` reports an unreachable gateway or a failed login and exits 0). */
  readonly failsOn?: readonly string[];
}

export interface CliProbePlan {
  readonly gateway: string;
  readonly endpoint: string;
  readonly sandbox: string;
  readonly image: string;
  /** What the exec step must print (a per-run token, so an echo of anything else does not pass). */
  readonly expectedOutput: string;
  /** OIDC stacks: the mTLS files the CLI needs copied into its config directory before `gateway add --oidc-issuer`. */
  readonly oidc: boolean;
  readonly register: CliCall;
  readonly create: CliCall;
  readonly exec: CliCall;
  readonly delete: CliCall;
}

export interface CliProbeInput {
  /** The local port of the port-forward to a gateway pod. */
  readonly port: number;
  readonly nonce: string;
  readonly timeoutSeconds: number;
  readonly image?: string;
}

/** Each step's argument list and bound. The whole run stays within about timeout + 3 × 60 s. */
export function cliProbePlan(plan: Plan, input: CliProbeInput): CliProbePlan {
  const gateway = clientGatewayName(plan);
  const endpoint = portForwardEndpoint(input.port);
  const sandbox = probeSandboxName(input.nonce);
  const image = probeSandboxImage(plan, input.image);
  const expectedOutput = `platform-verify ${sandbox}`;
  const o = plan.config.gateway.oidc;
  const short = Math.min(input.timeoutSeconds, 60);
  const oidcArgs =
    o.issuer === undefined ? [] : ["--oidc-issuer", o.issuer, "--oidc-client-id", OIDC_CLIENT_ID, ...(o.audience !== undefined && o.audience !== OIDC_CLIENT_ID ? ["--oidc-audience", o.audience] : [])];
  const g = ["--gateway", gateway];
  return {
    gateway,
    endpoint,
    sandbox,
    image,
    expectedOutput,
    oidc: o.issuer !== undefined,
    register: {
      step: "register",
      args: ["gateway", "add", endpoint, "--local", "--name", gateway, ...oidcArgs],
      timeoutMs: short * 1000,
      // 0.0.111 stores the registration and exits 0 when its mTLS health check fails or the OIDC login does.
      failsOn: o.issuer === undefined ? ["Gateway is not reachable"] : ["Authentication failed"],
    },
    create: {
      step: "create",
      args: [...g, "sandbox", "create", "--name", sandbox, "--from", image, "--detach", "--no-auto-providers", "--no-tty", "--", "sleep", String(input.timeoutSeconds + SLEEP_MARGIN_SECONDS)],
      // The CLI waits for Ready itself (OPENSHELL_PROVISION_TIMEOUT = timeout); a little more so its own message wins.
      timeoutMs: (input.timeoutSeconds + 15) * 1000,
    },
    exec: { step: "exec", args: [...g, "sandbox", "exec", "-n", sandbox, "--no-tty", "--timeout", String(short), "--", "echo", "platform-verify", sandbox], timeoutMs: (short + 5) * 1000 },
    delete: { step: "delete", args: [...g, "sandbox", "delete", sandbox], timeoutMs: short * 1000 },
  };
}

/** What one CLI call returned (the runner's view). */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The call was killed at its bound. */
  readonly timedOut: boolean;
  readonly ms: number;
}

/** ANSI escapes and spinner clutter out, the last few meaningful lines kept. */
export function cliMessage(r: Pick<CliResult, "stdout" | "stderr">, maxLines = 4): string {
  const clean = (s: string) =>
    s
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "")
      .split(/\r?\n|\r/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
  const lines = [...clean(r.stderr), ...clean(r.stdout)];
  return lines.slice(-maxLines).join(" | ");
}

/** Why a call failed, or undefined when it passed (exec also checks the output). */
export function judgeStep(call: CliCall, r: CliResult, expectedOutput?: string): string | undefined {
  const seconds = Math.round(call.timeoutMs / 1000);
  const said = cliMessage(r);
  if (r.timedOut) return `no answer within ${seconds} s${said !== "" ? `: ${said}` : ""}`;
  if (r.code !== 0) return `exit ${r.code ?? "signal"}${said !== "" ? `: ${said}` : ""}`;
  if ((call.failsOn ?? []).some((m) => r.stderr.includes(m) || r.stdout.includes(m))) return `exit 0 but: ${said}`;
  if (expectedOutput !== undefined && !r.stdout.split(/\r?\n/).some((l) => l.trim() === expectedOutput)) {
    return `printed ${JSON.stringify(r.stdout.trim().slice(0, 200))}, not ${JSON.stringify(expectedOutput)}`;
  }
  return undefined;
}

/** The Sandbox the driver made for the probe sandbox, as its last Ready condition reads. */
export function lastCondition(sandboxes: readonly KubeObject[]): string {
  if (sandboxes.length === 0) return "no Sandbox object";
  return sandboxReady(sandboxes[0]!).detail;
}

const EXPECTED: Readonly<Record<CliStep, (p: CliProbePlan) => string>> = {
  "port-forward": () => "a port-forward to a Ready gateway pod's port 8080",
  register: (p) => `\`openshell gateway add ${p.endpoint} --local --name ${p.gateway}\`${p.oidc ? " with the stack's OIDC issuer" : ""} to succeed`,
  create: (p) => `sandbox ${p.sandbox} (image ${p.image}) Ready through the gateway, its main process \`sleep\` running`,
  exec: (p) => `\`sandbox exec\` in ${p.sandbox} to print "${p.expectedOutput}"`,
  delete: (p) => `\`sandbox delete ${p.sandbox}\` to succeed`,
};

/** The finding of a failed step: the step, the CLI's message and, past registration, the sandbox's last condition. */
export function stepFinding(p: CliProbePlan, step: CliStep, why: string, condition?: string): Finding {
  return {
    check: "openshell",
    object: `OpenShell ${step} (gateway ${p.gateway}, sandbox ${p.sandbox})`,
    expected: EXPECTED[step](p),
    found: condition !== undefined ? `${why}; Sandbox: ${condition}` : why,
    troubleshooting: rowReference(STEP_ROW[step]),
  };
}

export interface StepTime {
  readonly step: CliStep;
  readonly ms: number;
  readonly ok: boolean;
}

/** What the report says about the CLI probe. */
export type CliProbeOutcome =
  | { readonly ran: false; readonly reason: string }
  | { readonly ran: true; readonly cli: string; readonly sandbox: string; readonly image: string; readonly steps: readonly StepTime[] };

const LABEL: Readonly<Record<CliStep, string>> = {
  "port-forward": "port-forward",
  register: "register",
  create: "create→Ready",
  exec: "exec round trip",
  delete: "delete",
};

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One line for the text report. */
export function formatCliProbe(o: CliProbeOutcome): string {
  if (!o.ran) return `openshell probe: not run: ${o.reason}`;
  const steps = o.steps.map((s) => `${LABEL[s.step]} ${secs(s.ms)}${s.ok ? "" : " FAILED"}`).join(", ");
  return `openshell probe (${o.cli}): sandbox ${o.sandbox}, image ${o.image}: ${steps}`;
}
