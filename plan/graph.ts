/**
 * The component dependency graph a plan installs: which component waits for
 * which (index.ts wires exactly these; a test checks the wiring against the
 * registered resources). Used by `npm run plan` for the install order and by
 * the benchmark for the critical path.
 */
import type { Plan } from "./plan";

/** Whether a framework section adds objects (the Frameworks component). */
export const hasFrameworks = (plan: Plan): boolean => {
  const n = plan.namespaces;
  return n.agentSandboxWorkloads !== undefined || n.openhandsRuntime !== undefined || n.nemoclaw !== undefined || plan.config.openhands.agentSandbox.enabled;
};

/** The stack defines a class (and maybe installs a CSI driver); otherwise it uses the cluster's classes. */
export const hasStorage = (plan: Plan): boolean => plan.storageClasses.length > 0;

export type ComponentId = "namespaces" | "policies" | "agent-sandbox" | "pki" | "storage" | "gpu-operator" | "database" | "gateway" | "frameworks";

export interface ComponentGraph {
  /** Components this plan installs, in a valid install order. */
  readonly order: readonly ComponentId[];
  /** component → the components it waits for. */
  readonly dependsOn: Readonly<Partial<Record<ComponentId, readonly ComponentId[]>>>;
}

export function componentGraph(plan: Plan): ComponentGraph {
  const storage = hasStorage(plan);
  const csiDrivers = plan.charts.some((c) => c.id === "csiDriverNfs" || c.id === "cephCsiCephfs");
  const deps: Partial<Record<ComponentId, ComponentId[]>> = {
    namespaces: [],
    policies: ["namespaces"],
    "agent-sandbox": ["namespaces"],
    pki: ["namespaces"],
  };
  // Classes alone (Rook) wait for nothing; CSI drivers wait for their namespaces.
  if (storage) deps.storage = csiDrivers ? ["namespaces"] : [];
  if (plan.components.gpuOperator) deps["gpu-operator"] = ["namespaces"];
  if (plan.components.cloudnativePg) deps.database = ["namespaces", ...(storage ? (["storage"] as const) : [])];
  deps.gateway = [
    "namespaces",
    "policies",
    "agent-sandbox",
    "pki",
    ...(storage ? (["storage"] as const) : []),
    ...(plan.components.gpuOperator ? (["gpu-operator"] as const) : []),
    ...(plan.components.cloudnativePg ? (["database"] as const) : []),
  ];
  // Framework objects: their namespaces, the extension CRDs and controller, the gateway CA.
  if (hasFrameworks(plan)) deps.frameworks = ["namespaces", "agent-sandbox", "pki"];
  return { order: topologicalOrder(deps), dependsOn: deps };
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
