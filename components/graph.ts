/**
 * What each part of the graph waits for, from what it really uses: the
 * namespaces it writes into, the StorageClass its volumes use (and the CSI
 * driver that provisions that class, when the graph installs one), the
 * database, the agent-sandbox API and controller, the PKI Secrets and the
 * policies. Nothing waits for something it does not use: a CSI driver that
 * cannot start holds back only what uses its class, and no component waits
 * for the GPU Operator (the gateway starts without GPUs; GPU sandboxes wait
 * on the node for the device plugin, not on Pulumi).
 *
 * A part is named `<component>/<part>`; each component exposes its parts
 * under those names (components/parts.ts) and components/fromPlan.ts turns
 * the ids below into the resources. `npm run plan` prints them and a test
 * checks them against the registered graph.
 * Pure (no Pulumi); it sits in components/ because it reads what the
 * builders (values/, security/) produce for a plan.
 */
import { migratesTo } from "../migration/agentSandbox";
import { networkPolicies } from "../security/networkPolicies";
import { namespaceSpecs } from "../security/podSecurity";
import { clientConfigMaps } from "../values/clients";
import { frameworkNamespaces, usesExtensionApi } from "../values/frameworks";
import type { Plan } from "../plan/types";

/** Whether a framework section adds objects (the Frameworks component). */
export const hasFrameworks = (plan: Plan): boolean => {
  const n = plan.namespaces;
  return n.agentSandboxWorkloads !== undefined || n.openhandsRuntime !== undefined || n.nemoclaw !== undefined || plan.config.openhands.agentSandbox.enabled;
};

/** The stack defines a class (and maybe installs a CSI driver); otherwise it uses the cluster's classes. */
export const hasStorage = (plan: Plan): boolean => plan.storageClasses.length > 0;

export type ComponentId = "namespaces" | "policies" | "agent-sandbox" | "pki" | "storage" | "gpu-operator" | "database" | "gateway" | "gateway-clients" | "frameworks";

/** Components in the order index.ts creates them. */
export const COMPONENT_IDS: readonly ComponentId[] = ["namespaces", "policies", "agent-sandbox", "pki", "storage", "gpu-operator", "database", "gateway", "gateway-clients", "frameworks"];

/** Whether in-cluster gateway clients are configured (the GatewayClients component). */
export const hasGatewayClients = (plan: Plan): boolean => clientConfigMaps(plan).length > 0;

/** A CSI driver the graph installs. */
export type DriverId = "nfs" | "cephfs";

/** `<component>/<part>`: something a resource waits for. */
export type PartId = string;

export const part = {
  /** The namespace and its pull Secret. */
  namespace: (name: string): PartId => `namespaces/${name}`,
  storageClass: (name: string): PartId => `storage/class/${name}`,
  /** The driver chart (and, for standalone CephFS, the Ceph credentials Secret it reads). */
  csiDriver: (id: DriverId): PartId => `storage/driver/${id}`,
  agentSandboxCrds: "agent-sandbox/crds",
  agentSandboxController: "agent-sandbox/controller",
  /** The v1.0 migration's ConfigMaps: its hooks have run (from v1.0 on). */
  agentSandboxMigration: "agent-sandbox/migration",
  pkiSecrets: "pki/secrets",
  /** The CA certificate, read as data (an Output) by what stores it. */
  pkiCa: "pki/ca",
  /** The client certificate and key, read as data by the in-cluster client Secrets. */
  pkiClient: "pki/client",
  policies: "policies/objects",
  databaseOperator: "database/operator",
  databaseCluster: "database/cluster",
  gpuOperator: "gpu-operator/chart",
} as const;

export const componentOfPart = (id: PartId): ComponentId => id.slice(0, id.indexOf("/")) as ComponentId;

/** What each group of resources that takes its own dependsOn waits for. */
export interface Waits {
  readonly agentSandbox: readonly PartId[];
  readonly pki: readonly PartId[];
  /** Each CSI driver the graph installs: its namespace. */
  readonly csiDrivers: Readonly<Partial<Record<DriverId, readonly PartId[]>>>;
  /** Each StorageClass the graph defines: the driver that provisions it, if the graph installs it. */
  readonly storageClasses: Readonly<Record<string, readonly PartId[]>>;
  readonly gpuOperator?: readonly PartId[];
  readonly databaseOperator?: readonly PartId[];
  /** The Postgres Cluster (and its backup credentials Secret). */
  readonly databaseCluster?: readonly PartId[];
  readonly gateway: readonly PartId[];
  /** The framework objects: their namespaces (owned by the graph), and the extension API when templates or warm pools use it. */
  readonly frameworks?: readonly PartId[];
}

/** The CSI driver the graph installs for a class it defines; undefined for Rook (its operator runs outside the graph). */
export function classDriver(plan: Plan, className: string): DriverId | undefined {
  const s = plan.config.storage;
  if (s.nfs.enabled && s.nfs.className === className) return "nfs";
  if (s.cephfs.mode === "standalone" && s.cephfs.className === className) return "cephfs";
  return undefined;
}

/**
 * The class a role's volumes use when the graph defines it: the one the
 * stack names, or, when unset (the cluster's default class), the stack's own
 * class marked default. Undefined: a class outside the graph.
 */
export function graphClassFor(plan: Plan, role: "workspaceClass" | "databaseClass"): string | undefined {
  const s = plan.config.storage;
  const named =
    s[role] ??
    (s.cephfs.mode !== "none" && s.cephfs.default ? s.cephfs.className : undefined) ??
    (s.nfs.enabled && s.nfs.default ? s.nfs.className : undefined);
  return named !== undefined && plan.storageClasses.includes(named) ? named : undefined;
}

/** The class a role uses and the driver behind it, as parts to wait for. */
function storageParts(plan: Plan, role: "workspaceClass" | "databaseClass"): PartId[] {
  const name = graphClassFor(plan, role);
  if (name === undefined) return [];
  const driver = classDriver(plan, name);
  return [part.storageClass(name), ...(driver !== undefined ? [part.csiDriver(driver)] : [])];
}

const unique = (ids: readonly PartId[]): PartId[] => [...new Set(ids)];

export function waits(plan: Plan): Waits {
  const ns = plan.namespaces;
  const csiDrivers: Partial<Record<DriverId, PartId[]>> = {};
  if (ns.csiDriverNfs !== undefined) csiDrivers.nfs = [part.namespace(ns.csiDriverNfs)];
  if (ns.cephCsi !== undefined) csiDrivers.cephfs = [part.namespace(ns.cephCsi)];
  const storageClasses: Record<string, PartId[]> = {};
  for (const name of plan.storageClasses) {
    const driver = classDriver(plan, name);
    storageClasses[name] = driver !== undefined ? [part.csiDriver(driver)] : [];
  }
  const postgres = plan.components.cloudnativePg;
  return {
    agentSandbox: [part.namespace(ns.agentSandbox)],
    pki: unique([part.namespace(ns.gateway), part.namespace(ns.sandbox)]),
    csiDrivers,
    storageClasses,
    ...(plan.components.gpuOperator && ns.gpuOperator !== undefined ? { gpuOperator: [part.namespace(ns.gpuOperator)] } : {}),
    ...(postgres && ns.cloudnativePg !== undefined
      ? { databaseOperator: [part.namespace(ns.cloudnativePg)], databaseCluster: [part.namespace(ns.gateway), ...storageParts(plan, "databaseClass")] }
      : {}),
    gateway: unique([
      part.namespace(ns.gateway),
      part.namespace(ns.sandbox),
      part.agentSandboxCrds,
      part.agentSandboxController,
      // From v1.0 the gateway rolls only after the migration's cleanup (migration/agentSandbox.ts).
      ...(migratesTo(plan.versions.agentSandbox) ? [part.agentSandboxMigration] : []),
      part.pkiSecrets,
      part.policies,
      ...storageParts(plan, "workspaceClass"),
      ...(postgres ? [part.databaseCluster] : []),
    ]),
    ...(hasFrameworks(plan) ? { frameworks: frameworkWaits(plan) } : {}),
  };
}

function frameworkWaits(plan: Plan): PartId[] {
  const owned = new Set(namespaceSpecs(plan).map((n) => n.name));
  return [
    ...frameworkNamespaces(plan).filter((n) => owned.has(n)).map(part.namespace),
    ...(usesExtensionApi(plan) ? [part.agentSandboxCrds, part.agentSandboxController] : []),
    // NemoClaw's target Secret holds the gateway CA.
    ...(plan.namespaces.nemoclaw !== undefined ? [part.pkiCa] : []),
  ];
}

/** The namespaces the Policies component writes into (each object waits for its own). */
export function policyNamespaces(plan: Plan): string[] {
  return [...new Set([...networkPolicies(plan).map((np) => np.metadata.namespace), plan.namespaces.sandbox, plan.namespaces.gateway])].sort();
}

/** Component → every part of another component it waits for, sorted; one entry per component the plan installs. */
export function componentWaits(plan: Plan): Readonly<Partial<Record<ComponentId, readonly PartId[]>>> {
  const w = waits(plan);
  const sorted = (ids: readonly PartId[]) => unique(ids).sort();
  const storage = hasStorage(plan);
  const out: Partial<Record<ComponentId, readonly PartId[]>> = {
    namespaces: [],
    policies: sorted(policyNamespaces(plan).map(part.namespace)),
    "agent-sandbox": sorted(w.agentSandbox),
    pki: sorted(w.pki),
  };
  // A class's driver is inside the component; only the drivers' namespaces are outside.
  if (storage) out.storage = sorted(Object.values(w.csiDrivers).flat());
  if (w.gpuOperator !== undefined) out["gpu-operator"] = sorted(w.gpuOperator);
  if (w.databaseOperator !== undefined) out.database = sorted([...w.databaseOperator, ...(w.databaseCluster ?? [])]);
  out.gateway = sorted(w.gateway);
  // In-cluster clients write into namespaces the graph does not own: they wait only for the certificates they store.
  if (hasGatewayClients(plan)) out["gateway-clients"] = sorted([part.pkiCa, part.pkiClient]);
  if (w.frameworks !== undefined) out.frameworks = sorted(w.frameworks);
  return out;
}

export interface ComponentGraph {
  /** Components this plan installs, in a valid install order. */
  readonly order: readonly ComponentId[];
  /** component → the components it waits for. */
  readonly dependsOn: Readonly<Partial<Record<ComponentId, readonly ComponentId[]>>>;
}

export function componentGraph(plan: Plan): ComponentGraph {
  const deps: Partial<Record<ComponentId, ComponentId[]>> = {};
  const all = componentWaits(plan);
  for (const id of COMPONENT_IDS) {
    const w = all[id];
    if (w === undefined) continue;
    const on = new Set(w.map(componentOfPart));
    deps[id] = COMPONENT_IDS.filter((c) => c !== id && on.has(c));
  }
  return { order: topologicalOrder(deps), dependsOn: deps };
}

/** Components the plan installs that nothing waits for (a failure there holds nothing else back). */
export function unwaited(plan: Plan): ComponentId[] {
  const g = componentGraph(plan);
  const waited = new Set(Object.values(g.dependsOn).flat());
  return g.order.filter((c) => c !== "gateway" && !waited.has(c));
}

function topologicalOrder(deps: Partial<Record<ComponentId, readonly ComponentId[]>>): ComponentId[] {
  const out: ComponentId[] = [];
  const visit = (id: ComponentId, path: ComponentId[]): void => {
    if (out.includes(id)) return;
    if (path.includes(id)) throw new Error(`dependency cycle: ${[...path, id].join(" -> ")}`);
    for (const d of deps[id] ?? []) visit(d, [...path, id]);
    out.push(id);
  };
  for (const id of Object.keys(deps) as ComponentId[]) visit(id, []);
  return out;
}

/** Longest chain of components that must run one after another. */
export function criticalPath(graph: ComponentGraph): ComponentId[] {
  const memo = new Map<ComponentId, ComponentId[]>();
  const longest = (id: ComponentId): ComponentId[] => {
    const hit = memo.get(id);
    if (hit !== undefined) return hit;
    const best = (graph.dependsOn[id] ?? []).map(longest).reduce<ComponentId[]>((a, b) => (b.length > a.length ? b : a), []);
    const path = [...best, id];
    memo.set(id, path);
    return path;
  };
  return graph.order.map(longest).reduce<ComponentId[]>((a, b) => (b.length > a.length ? b : a), []);
}
