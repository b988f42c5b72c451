/**
 * One verify run against a cluster: read what the expectations name, check
 * it, and with --probe start the probe Sandbox and call the gateway. The
 * cluster is the thin client layer (verify/cluster.ts) or a test's fake.
 */
import type { Plan } from "../plan/types";
import { gatewayServiceHost } from "../values/clients";
import { GATEWAY_PORT } from "../values/openshell";
import { checkPlatform, type Finding, type KubeObject } from "./checks";
import type { Cluster } from "./cluster";
import { expectations, readsOf, type CrdExpectation } from "./expectations";
import { mtlsHandshake, readyz, type ClientIdentity } from "./gateway";
import type { CliProbeOutcome } from "./openshellProbe";
import { readyGatewayPod, runCliProbe, type CliProbeDeps } from "./openshellRun";
import { probeFindings, probePlan } from "./probe";
import { rowReference } from "./troubleshooting";

/** The chart's health port (service.healthPort, named `health` on the container). */
export const GATEWAY_HEALTH_PORT = 8081;

export interface VerifyOptions {
  readonly plan: Plan;
  readonly agentSandboxCrds: readonly CrdExpectation[];
  /** The stack's CA (output caCertificate). */
  readonly caPem: string;
  /** The client certificate and key (secret outputs), for --probe. */
  readonly client?: { readonly certPem: string; readonly keyPem: string };
  readonly probe: boolean;
  readonly timeoutSeconds: number;
  readonly now: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * --probe through the gateway with the OpenShell CLI: how to run it, or why
   * it cannot (no CLI found); absent: not attempted.
   */
  readonly openshell?: { readonly deps: CliProbeDeps } | { readonly missing: string };
  /** --probe-image: the CLI probe's sandbox image instead of the stack's default sandbox image. */
  readonly probeImage?: string;
  /** The gateway calls (tests substitute them). */
  readonly gateway?: {
    handshake(port: number, servername: string, id: ClientIdentity, timeoutMs: number): Promise<string | undefined>;
    readyz(port: number, timeoutMs: number): Promise<string | undefined>;
  };
}

export interface VerifyReport {
  readonly context: string;
  readonly server: string;
  readonly serverVersion: string;
  readonly checks: number;
  readonly findings: readonly Finding[];
  /** With --probe: the probe through the gateway with the OpenShell CLI (its step times), or why it did not run. */
  readonly openshell?: CliProbeOutcome;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function runProbe(cluster: Cluster, o: VerifyOptions): Promise<Finding[]> {
  const p = probePlan(o.plan);
  const sleep = o.sleep ?? delay;
  const deadline = o.now().getTime() + o.timeoutSeconds * 1000;
  // A probe left over from an interrupted run goes first.
  await cluster.remove(p.sandboxRef);
  await cluster.remove(p.pvcRef);
  let sandbox: KubeObject | null = null;
  try {
    await cluster.create(p.sandbox);
    for (;;) {
      sandbox = await cluster.get(p.sandboxRef);
      const conditions = ((sandbox?.["status"] as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? []);
      if (conditions.some((c) => c.type === "Ready" && c.status === "True") || o.now().getTime() >= deadline) break;
      await sleep(2000);
    }
    return probeFindings(p, sandbox, await cluster.get(p.pvcRef), o.timeoutSeconds);
  } finally {
    await cluster.remove(p.sandboxRef);
    await cluster.remove(p.pvcRef);
  }
}

async function runGatewayProbe(cluster: Cluster, o: VerifyOptions): Promise<Finding[]> {
  const ns = o.plan.namespaces.gateway;
  const finding = (object: string, expected: string, found: string): Finding => ({ check: "mtls", object, expected, found, troubleshooting: rowReference("mtls") });
  const pod = await readyGatewayPod(cluster, ns);
  if ("why" in pod) return [finding(`Pod ${ns} [${pod.selector}]`, "a Ready gateway pod to forward to", pod.why)];
  const name = pod.name;
  if (o.client === undefined) return [finding(`Pod ${ns}/${name}`, "the stack's client certificate and key (outputs clientCertificate, clientKey)", "not in the stack outputs")];
  const g = o.gateway ?? { handshake: mtlsHandshake, readyz };
  const timeoutMs = Math.min(o.timeoutSeconds, 30) * 1000;
  const out: Finding[] = [];
  const grpc = await cluster.forward(ns, name, GATEWAY_PORT);
  try {
    const why = await g.handshake(grpc.port, gatewayServiceHost(ns), { caPem: o.caPem, certPem: o.client.certPem, keyPem: o.client.keyPem }, timeoutMs);
    if (why !== undefined) out.push(finding(`Pod ${ns}/${name} port ${GATEWAY_PORT}`, `an mTLS handshake as ${gatewayServiceHost(ns)} with the stack's CA and client certificate`, why));
  } finally {
    grpc.close();
  }
  const health = await cluster.forward(ns, name, GATEWAY_HEALTH_PORT);
  try {
    const why = await g.readyz(health.port, timeoutMs);
    if (why !== undefined) out.push(finding(`Pod ${ns}/${name} port ${GATEWAY_HEALTH_PORT}`, "GET /readyz: HTTP 200", why));
  } finally {
    health.close();
  }
  return out;
}

export async function verifyCluster(cluster: Cluster, o: VerifyOptions): Promise<VerifyReport> {
  const serverVersion = await cluster.version();
  const list = expectations(o.plan, { agentSandboxCrds: o.agentSandboxCrds, caPem: o.caPem });
  const observed = await cluster.read(readsOf(list));
  const findings = checkPlatform(list, observed, o.now());
  let checks = list.length;
  let openshell: CliProbeOutcome | undefined;
  if (o.probe) {
    findings.push(...(await runProbe(cluster, o)), ...(await runGatewayProbe(cluster, o)));
    checks += 3;
    if (o.openshell !== undefined && "missing" in o.openshell) openshell = { ran: false, reason: o.openshell.missing };
    else if (o.openshell !== undefined) {
      const r = await runCliProbe(
        cluster,
        {
          plan: o.plan,
          caPem: o.caPem,
          ...(o.client !== undefined ? { client: o.client } : {}),
          timeoutSeconds: o.timeoutSeconds,
          ...(o.probeImage !== undefined ? { image: o.probeImage } : {}),
        },
        o.openshell.deps,
      );
      openshell = r.outcome;
      findings.push(...r.findings);
      if (r.outcome.ran) checks += 1;
    }
  }
  return { context: cluster.context, server: cluster.server, serverVersion, checks, findings, ...(openshell !== undefined ? { openshell } : {}) };
}
