/**
 * `npm run plan -- --stack <name> [--json]`: what a stack will install, from
 * its stack file, with no cluster and no Pulumi CLI: components, versions,
 * images, key settings and the install order.
 */
import { join } from "node:path";
import { resolveConfig } from "../config/load";
import { NO_SECRETS } from "../config/secrets";
import { readStackFile } from "../inventory/stackFile";
import { componentGraph, criticalPath } from "../plan/graph";
import { buildPlan, type Plan } from "../plan/plan";
import { namespaceRoles, podSecurityLabels, relaxations } from "../security/podSecurity";

export const USAGE = "usage: npm run plan -- --stack <name> [--json]";

export function parsePlanArgs(argv: readonly string[]): { stack: string; json: boolean } {
  let stack: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--json") json = true;
    else if (arg === "--stack") {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) throw new Error(`--stack needs a value\n${USAGE}`);
      stack = v;
      i++;
    } else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  if (stack === undefined) throw new Error(`--stack is required\n${USAGE}`);
  return { stack, json };
}

export function planSummary(plan: Plan) {
  const c = plan.config;
  const graph = componentGraph(plan);
  return {
    stack: plan.stack,
    tier: plan.tier,
    kubernetesVersion: plan.kubernetesVersion,
    registry: plan.registry.mode === "mirrored" ? `mirrored via ${plan.registry.host} (${plan.registry.layout})` : "online",
    components: plan.components,
    installOrder: graph.order,
    criticalPath: criticalPath(graph),
    versions: plan.versions,
    charts: plan.charts.map((ch) => `${ch.id} ${ch.version} from ${ch.location.repo ?? ch.location.chart}${ch.location.repo !== undefined ? ` (${ch.location.chart})` : ""}`),
    manifests: plan.manifests.map((m) => `${m.asset} ${m.version} from ${m.location.kind === "url" ? m.location.url : m.location.path}${m.sha256 !== undefined ? ` sha256 ${m.sha256}` : " (no digest)"}`),
    images: [...new Set(plan.images.flatMap((i) => i.pulls.map((p) => p.resolved)))].sort(),
    settings: {
      gateway: `${c.gateway.replicas} replica(s) in ${plan.namespaces.gateway}, sandboxes in ${plan.namespaces.sandbox}, auth ${c.gateway.oidc.issuer !== undefined ? `OIDC ${c.gateway.oidc.issuer}` : "unauthenticated users allowed"}`,
      database: c.database.engine === "postgres" ? `Postgres ${c.database.instances} instance(s), ${c.database.storageSize}${c.database.backup.enabled ? ", backups on" : ""}` : "SQLite",
      storage: `workspaces ${c.storage.workspaceClass ?? "(default class)"}, Postgres ${c.storage.databaseClass ?? "(default class)"}`,
      gpu: c.gpu.enabled ? `on (${c.gpu.nodeOperatingSystems.join(", ")})` : "off",
      podSecurity: Object.fromEntries(namespaceRoles(plan).map((r) => [r.namespace, podSecurityLabels(r, c.policies.profile, plan.kubernetesVersion, c.cluster.openshift)["pod-security.kubernetes.io/enforce"]])),
    },
    relaxations: relaxations(plan),
  };
}

export function planText(root: string, argv: readonly string[]): string {
  const { stack, json } = parsePlanArgs(argv);
  const settings = readStackFile(root, stack);
  const s = planSummary(buildPlan(stack, resolveConfig(settings), NO_SECRETS));
  if (json) return `${JSON.stringify(s, null, 2)}\n`;
  const on = Object.entries(s.components).map(([k, v]) => `${k} ${v ? "on" : "off"}`).join(", ");
  return [
    `stack ${s.stack} (tier ${s.tier}, Kubernetes ${s.kubernetesVersion}, registry ${s.registry})`,
    `components: ${on}`,
    `install order: ${s.installOrder.join(" -> ")} (critical path ${s.criticalPath.length}: ${s.criticalPath.join(" -> ")})`,
    `versions: ${Object.entries(s.versions).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    "charts:",
    ...s.charts.map((x) => `  ${x}`),
    "manifests:",
    ...s.manifests.map((x) => `  ${x}`),
    `images (${s.images.length}):`,
    ...s.images.map((x) => `  ${x}`),
    "settings:",
    ...Object.entries(s.settings).map(([k, v]) => `  ${k}: ${typeof v === "string" ? v : Object.entries(v).map(([a, b]) => `${a}=${b}`).join(", ")}`),
    ...(s.relaxations.length > 0 ? ["relaxations:", ...s.relaxations.map((r) => `  ${r}`)] : []),
    "",
  ].join("\n");
}

if (require.main === module) {
  try {
    process.stdout.write(planText(join(__dirname, ".."), process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
