/**
 * `npm run plan -- --stack <name> [--json]`: what a stack will install, from
 * its stack file, with no Pulumi CLI: the cluster it targets, components,
 * versions, images, key settings, the secrets it still needs and the install
 * order; and, when the cluster answers, the agent-sandbox preflight (installed
 * version, stored versions, object counts, whether the pin applies as is). It reads the stack file as `pulumi up` does and refuses
 * what `pulumi up` refuses (a secret it has not been given yet is listed, not
 * refused: set secrets last, just before `pulumi preview`).
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { parse } from "yaml";
import type { SecretPresenceMap } from "../config/secrets";
import { componentGraph, componentWaits, criticalPath, unwaited } from "../components/graph";
import { planStackFile } from "../plan/fromStackFile";
import { readProjectFile } from "../config/stackFile";
import type { Plan } from "../plan/plan";
import { namespaceRoles, podSecurityLabels } from "../security/podSecurity";
import { relaxations } from "../security/relaxations";
import { upgradeNotesFor } from "../catalog/upgrades";
import type { MigrationApi } from "../migration/agentSandbox";
import type { KubeconfigSource } from "../lib/kubeconfig";
import { defaultKubeconfigPaths } from "../lib/kubeRest";
import { preflightLines, runPreflight, type Preflight } from "../migration/preflight";
import { rotationUnprotectCommands } from "../state/protection";
import { probeSummary } from "../verify/probe";
import { effectiveAgentSandbox } from "../config/selection";
import { sessionKeyNamespaces } from "../values/openhands";
import { NEMOCLAW_BLUEPRINT_CONFIGMAP, NEMOCLAW_CREDENTIAL_SECRET, NEMOCLAW_TARGET_SECRET, nemoclawEndpoint, nemoclawRunnerPod } from "../values/nemoclaw";
import { UsageError, exitWith, parseOptions, runCommand, type CommandResult } from "./cli";

export const USAGE = "usage: npm run -s plan -- --stack <name> [--json]";

export function parsePlanArgs(argv: readonly string[]): { stack: string; json: boolean } {
  const { values, flags } = parseOptions(argv, ["stack"], ["json"]);
  if (values.stack === undefined) throw new UsageError("--stack is required");
  return { stack: values.stack, json: flags.json === true };
}

/** Where the kubeconfig lives and which context `pulumi up` will use. */
export interface ClusterTarget {
  /** The kubeconfig the provider reads: a path, or the secret kubeconfig. */
  readonly kubeconfig: string;
  /** The context, and whether the stack pins it or the kubeconfig's current-context decides. */
  readonly context: string;
  readonly identifier: string;
}

export interface Environment {
  readonly KUBECONFIG?: string;
  readonly home: string;
  readonly readFile: (path: string) => string;
}

const LOCAL: Environment = {
  ...(process.env["KUBECONFIG"] !== undefined ? { KUBECONFIG: process.env["KUBECONFIG"] } : {}),
  home: homedir(),
  readFile: (p) => readFileSync(p, "utf8"),
};

/** The current-context of a kubeconfig list (the first file that sets one wins, as kubectl merges them). */
function currentContext(paths: readonly string[], env: Environment): string | undefined {
  for (const p of paths) {
    try {
      const doc = parse(env.readFile(p)) as { "current-context"?: unknown } | null;
      const ctx = doc?.["current-context"];
      if (typeof ctx === "string" && ctx.length > 0) return ctx;
    } catch {
      // unreadable here: the machine that runs `pulumi up` may have it
    }
  }
  return undefined;
}

export function clusterTarget(plan: Plan, env: Environment = LOCAL): ClusterTarget {
  const p = plan.provider;
  const identifier = `${p.clusterIdentifier}${plan.config.cluster.identifier === undefined ? " (the stack name; set cluster.identifier)" : ""}`;
  if (p.kubeconfigFromSecret) {
    return { kubeconfig: "the secret kubeconfig", context: p.context ?? "its current-context (set cluster.context to pin it)", identifier };
  }
  const paths = p.kubeconfigPath !== undefined ? [p.kubeconfigPath] : defaultKubeconfigPaths({ KUBECONFIG: env.KUBECONFIG }, env.home);
  const source = p.kubeconfigPath !== undefined ? "cluster.kubeconfigPath" : env.KUBECONFIG !== undefined && env.KUBECONFIG !== "" ? "$KUBECONFIG" : "the default";
  const kubeconfig = `${paths.join(delimiter)} (${source})`;
  if (p.context !== undefined) return { kubeconfig, context: `${p.context} (cluster.context)`, identifier };
  const current = currentContext(paths, env);
  return {
    kubeconfig,
    context: current !== undefined ? `${current} (the kubeconfig's current-context: set cluster.context to pin it)` : "the kubeconfig's current-context (not readable here; set cluster.context to pin it)",
    identifier,
  };
}

/**
 * Reads the agent-sandbox state of the stack's cluster (migration/preflight.ts),
 * bounded; any failure is reported as "not checked" with the reason, never as
 * a plan failure. `connect` is injectable for tests.
 */
export async function clusterPreflight(
  plan: Plan,
  connect: (src: KubeconfigSource) => Promise<MigrationApi> = async (src) => {
    const { connectMigrationApi } = await import("../migration/kubeClient");
    return connectMigrationApi(src);
  },
  timeoutMs = PREFLIGHT_TIMEOUT_MS,
): Promise<Preflight> {
  const p = plan.provider;
  if (p.kubeconfigFromSecret) return { reachable: false, reason: "the kubeconfig is the secret setting, which plan does not read" };
  const src: KubeconfigSource = { ...(p.kubeconfigPath !== undefined ? { path: p.kubeconfigPath } : {}), ...(p.context !== undefined ? { context: p.context } : {}) };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([connect(src).then((api) => runPreflight(api, plan.versions.agentSandbox)), deadline]);
  } catch (err) {
    return { reachable: false, reason: `cluster not reachable: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearTimeout(timer);
  }
}

const PREFLIGHT_TIMEOUT_MS = 10_000;

/** Each framework section that is on, with the objects it adds (docs/frameworks.md "Agent frameworks"). */
export function frameworkSections(plan: Plan): Record<string, string[]> {
  const c = plan.config;
  const n = plan.namespaces;
  const out: Record<string, string[]> = {};
  const ws = n.agentSandboxWorkloads;
  if (ws !== undefined) {
    const e = effectiveAgentSandbox(c);
    out["agentSandbox"] = [
      ...Object.keys(e.templates).sort().map((t) => `SandboxTemplate ${ws}/${t}`),
      ...Object.keys(e.warmPools).sort().map((p) => `SandboxWarmPool ${ws}/${p} (${e.warmPools[p]!.replicas} x ${e.warmPools[p]!.template})`),
    ];
  }
  const oh = c.openhands;
  if (oh.agentSandbox.enabled || oh.kubernetesRuntime.enabled) {
    const app = oh.appNamespace;
    out["openhands"] = [
      ...(n.openhandsApp !== undefined ? [`Namespace ${app}`] : []),
      `ServiceAccount ${app}/${oh.serviceAccount}`,
      ...(oh.agentSandbox.enabled && ws !== undefined
        ? [`Role+RoleBinding ${ws}/openhands-agent-sandbox`, `Secret openhands-session-key in ${sessionKeyNamespaces(plan).join(", ")}`, `warm pool ${oh.agentSandbox.warmPool}`]
        : []),
      ...(n.openhandsRuntime !== undefined
        ? [`Namespace ${n.openhandsRuntime}`, `Role+RoleBinding ${n.openhandsRuntime}/openhands-runtime`, `ResourceQuota ${n.openhandsRuntime}/openhands-runtimes`, `ConfigMap ${app}/openhands-config (config.toml, OpenHands ${oh.kubernetesRuntime.version})`]
        : []),
    ];
  }
  if (n.nemoclaw !== undefined) {
    out["nemoclaw"] = [
      `NemoClaw ${c.nemoclaw.release} -> OpenShell ${plan.versions.openshell} at ${nemoclawEndpoint(plan)}`,
      `Namespace ${n.nemoclaw}`,
      `Secret ${n.nemoclaw}/${NEMOCLAW_TARGET_SECRET} (ca.pem)`,
      `ConfigMap ${n.nemoclaw}/${NEMOCLAW_BLUEPRINT_CONFIGMAP} (blueprint.yaml)`,
      `NetworkPolicy ${n.nemoclaw}/runner-egress (gateway :8080)`,
      `runner mounts (subPath): ${(nemoclawRunnerPod(plan)?.volumeMounts ?? []).map((m) => m.mountPath).join(", ")}; Secret ${NEMOCLAW_CREDENTIAL_SECRET} is the team's`,
    ];
  }
  return out;
}

export function planSummary(plan: Plan, secrets: SecretPresenceMap, cluster: ClusterTarget, project: string, preflight?: Preflight) {
  const c = plan.config;
  const graph = componentGraph(plan);
  return {
    stack: plan.stack,
    tier: plan.tier,
    kubernetesVersion: plan.kubernetesVersion,
    cluster,
    registry: plan.registry.mode === "mirrored" ? `mirrored via ${plan.registry.host} (${plan.registry.layout})` : "online",
    components: plan.components,
    installOrder: graph.order,
    criticalPath: criticalPath(graph),
    /** Component → the parts of others it waits for (components/graph.ts); docs/install.md "Install order and waits". */
    waits: componentWaits(plan),
    waitedForByNothing: unwaited(plan),
    versions: plan.versions,
    charts: plan.charts.map((ch) => `${ch.id} ${ch.version} from ${ch.location.repo ?? ch.location.chart}${ch.location.repo !== undefined ? ` (${ch.location.chart})` : ""}`),
    manifests: plan.manifests.map((m) => `${m.asset} ${m.version} from ${m.location.kind === "url" ? m.location.url : m.location.path}${m.sha256 !== undefined ? ` sha256 ${m.sha256}` : " (no digest)"}`),
    images: [...new Set(plan.images.flatMap((i) => i.pulls.map((p) => p.resolved)))].sort(),
    settings: {
      gateway: `${c.gateway.replicas} replica(s) in ${plan.namespaces.gateway}, sandboxes in ${plan.namespaces.sandbox}, auth ${c.gateway.oidc.issuer !== undefined ? `OIDC ${c.gateway.oidc.issuer}` : "unauthenticated users allowed"}, telemetry ${c.gateway.telemetry ? "on" : "off"}${c.gateway.sandboxRuntimeClass !== undefined ? `, sandbox runtime class ${c.gateway.sandboxRuntimeClass}` : ""}${c.gateway.upstreamProxy.url !== undefined ? `, egress via ${c.gateway.upstreamProxy.url}` : ""}`,
      database:
        c.database.engine === "postgres"
          ? `Postgres ${c.database.instances} instance(s), ${c.database.storageSize}${c.database.backup.enabled ? ", backups on" : ""}, Ready awaited for up to ${c.database.readyTimeoutMinutes} min`
          : "SQLite",
      storage: `workspaces ${c.storage.workspaceClass ?? "(default class)"}, Postgres ${c.storage.databaseClass ?? "(default class)"}`,
      gpu: c.gpu.enabled ? `on (${c.gpu.nodeOperatingSystems.join(", ")})` : "off",
      podSecurity: Object.fromEntries(namespaceRoles(plan).map((r) => [r.namespace, podSecurityLabels(r, c.policies.profile, plan.kubernetesVersion, c.cluster.openshift)["pod-security.kubernetes.io/enforce"]])),
    },
    secrets: Object.fromEntries(plan.secrets.map((k) => [k, secrets[k].provided ? "set" : "missing"])),
    protection: plan.protection.enabled
      ? `on: protect the CA, JWT key, KEK${plan.components.cloudnativePg ? " and Postgres Cluster" : ""}; retain the CRDs and namespaces ${plan.protection.namespaces.join(", ")}`
      : "off (protection.enabled): destroy deletes everything, the CRDs and their custom resources included",
    frameworks: frameworkSections(plan),
    rotation: { ...c.pki.rotation, unprotectFirst: rotationUnprotectCommands(plan.stack, project, plan.protection, c.pki.rotation) },
    upgrades: upgradeNotesFor(plan.versions, preflight?.reachable === true ? preflight.installedVersion : undefined),
    relaxations: relaxations(plan),
    /** What `npm run -s platform -- verify --probe` creates, then deletes. */
    verifyProbe: probeSummary(plan),
    preflight: preflight ?? { reachable: false, reason: "not asked (npm run plan reads the cluster)" },
  };
}

export function planCommand(root: string, argv: readonly string[], env: Environment = LOCAL, preflight?: Preflight): CommandResult {
  const { stack, json } = parsePlanArgs(argv);
  const { plan, secrets, missingSecrets } = planStackFile(root, stack);
  const s = planSummary(plan, secrets, clusterTarget(plan, env), readProjectFile(root).name, preflight);
  const notes = missingSecrets.map((i) => `${i.path}: ${i.message} (pulumi up refuses the stack until it is set)`);
  if (json) return { stdout: `${JSON.stringify(s, null, 2)}\n`, notes };
  const on = Object.entries(s.components).map(([k, v]) => `${k} ${v ? "on" : "off"}`).join(", ");
  const stdout = [
    `stack ${s.stack} (tier ${s.tier}, Kubernetes ${s.kubernetesVersion}, registry ${s.registry})`,
    `cluster: context ${s.cluster.context}; kubeconfig ${s.cluster.kubeconfig}; identifier ${s.cluster.identifier}`,
    `components: ${on}`,
    `install order: ${s.installOrder.join(" -> ")} (critical path ${s.criticalPath.length}: ${s.criticalPath.join(" -> ")})`,
    "waits (a component's resources are created once these are ready):",
    ...Object.entries(s.waits).map(([c, parts]) => `  ${c}: ${parts.length > 0 ? parts.join(", ") : "nothing"}`),
    ...(s.waitedForByNothing.length > 0 ? [`  nothing waits for: ${s.waitedForByNothing.join(", ")} (a failure there holds nothing else back)`] : []),
    `versions: ${Object.entries(s.versions).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    "charts:",
    ...s.charts.map((x) => `  ${x}`),
    "manifests:",
    ...s.manifests.map((x) => `  ${x}`),
    `images (${s.images.length}):`,
    ...s.images.map((x) => `  ${x}`),
    "settings:",
    ...Object.entries(s.settings).map(([k, v]) => `  ${k}: ${typeof v === "string" ? v : Object.entries(v).map(([a, b]) => `${a}=${b}`).join(", ")}`),
    ...(Object.keys(s.secrets).length > 0 ? ["secrets:", ...Object.entries(s.secrets).map(([k, v]) => `  ${k}: ${v}`)] : []),
    ...(Object.keys(s.frameworks).length > 0
      ? ["frameworks:", ...Object.entries(s.frameworks).flatMap(([k, v]) => [`  ${k}:`, ...v.map((x) => `    ${x}`)])]
      : ["frameworks: none (openhands, nemoclaw and agentSandbox.templates are off)"]),
    `protection: ${s.protection}`,
    `rotation: ca ${s.rotation.ca}, jwtKey ${s.rotation.jwtKey}, kek ${s.rotation.kek}`,
    ...(s.rotation.unprotectFirst.length > 0
      ? ["  before the pulumi up that applies a raised generation (once), unprotect the keys it replaces:", ...s.rotation.unprotectFirst.map((x) => `    ${x}`)]
      : []),
    ...s.upgrades.flatMap((u) => [`upgrade ${u.id} ${u.from} -> ${u.to}:`, ...u.notes.map((n) => `  - ${n}`)]),
    ...(s.relaxations.length > 0 ? ["relaxations:", ...s.relaxations.map((r) => `  ${r}`)] : []),
    ...preflightLines(s.preflight),
    "verify --probe creates, then deletes:",
    ...s.verifyProbe.map((x) => `  ${x}`),
    "",
  ].join("\n");
  return { stdout, notes };
}

/** The preflight for the stack the arguments name; undefined when they name none (runCommand then reports why). */
async function preflightFor(root: string, argv: readonly string[]): Promise<Preflight | undefined> {
  try {
    return await clusterPreflight(planStackFile(root, parsePlanArgs(argv).stack).plan);
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  const root = join(__dirname, "..");
  const argv = process.argv.slice(2);
  void preflightFor(root, argv).then((pre) => exitWith(runCommand(USAGE, argv, (a) => planCommand(root, a, LOCAL, pre))));
}
