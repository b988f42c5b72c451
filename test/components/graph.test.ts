/**
 * What each component waits for: the plan's sets (components/graph.ts), the exact
 * sets per example stack and benchmark variant, proof that the registered
 * graph waits for exactly those, and that an optional component that fails
 * (the NFS driver, the GPU Operator) holds back only what uses it.
 */
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VARIANTS } from "../../bench/graph";
import { resolveConfig, settingsFromConfig } from "../../config/load";
import { ConfigError } from "../../config/errors";
import { classDriver, componentGraph, componentWaits, criticalPath, graphClassFor, part, unwaited, waits, type ComponentId, type PartId } from "../../components/graph";
import { buildPlan, type Plan } from "../../plan/plan";
import type { Evaluation, Registered } from "../harness/mocks";
import { exampleConfig, runExample, runProgram } from "../harness/program";
import type { StackConfigMap } from "../harness/stackConfig";
import { planFor } from "../harness/planFor";
import { provided } from "../harness/presence";

function planOf(stack: string, cfg: StackConfigMap): Plan {
  const s = settingsFromConfig(cfg.project, stack, { values: cfg.config, isSecret: (k) => cfg.secretKeys.includes(k) });
  return buildPlan(stack, resolveConfig(s), s.secrets);
}

/** Every example stack and benchmark variant: name, stack, configuration. */
const RUNS: readonly (readonly [string, string, () => StackConfigMap])[] = [
  ...(["dev", "staging", "prod"] as const).map((s) => [s, s, () => exampleConfig(s)] as const),
  ...Object.entries(VARIANTS).map(([name, v]) => [name, v.stack, v.config] as const),
];
const evaluations = new Map<string, Promise<Evaluation>>();
const evaluationOf = (name: string, stack: string, cfg: () => StackConfigMap): Promise<Evaluation> => {
  if (["dev", "staging", "prod"].includes(name)) return runExample(name);
  let hit = evaluations.get(name);
  if (hit === undefined) {
    hit = runProgram(stack, cfg());
    evaluations.set(name, hit);
  }
  return hit;
};

const TYPES: Readonly<Record<string, ComponentId>> = {
  Namespaces: "namespaces",
  Policies: "policies",
  AgentSandbox: "agent-sandbox",
  Pki: "pki",
  Storage: "storage",
  GpuOperator: "gpu-operator",
  Database: "database",
  OpenShellGateway: "gateway",
  GatewayClients: "gateway-clients",
  Frameworks: "frameworks",
};

/** The component a URN belongs to (the agent-platform component in its type chain). */
function componentOf(urn: string): ComponentId | undefined {
  const m = /agent-platform:platform:([A-Za-z]+)/.exec(urn);
  return m === null ? undefined : TYPES[m[1]!];
}

const NS = ["agent-sandbox-system", "openshell", "openshell-sandboxes"].map(part.namespace);
/** Without the agent-sandbox v1.0 migration (a stack that keeps v0.5.x). */
const GATEWAY_CORE_V05 = [part.agentSandboxController, part.agentSandboxCrds, part.pkiSecrets, part.policies];
const GATEWAY_CORE = [...GATEWAY_CORE_V05, part.agentSandboxMigration];

/** The part a registered resource is, in components/graph.ts's names. */
function partOf(r: Registered): PartId {
  const component = componentOf(r.urn)!;
  const meta = r.inputs["metadata"] as { name?: string; namespace?: string } | undefined;
  switch (component) {
    case "namespaces":
      return part.namespace(meta?.namespace ?? meta?.name ?? "");
    case "storage":
      if (r.type === "kubernetes:storage.k8s.io/v1:StorageClass") return part.storageClass(meta?.name ?? "");
      if (r.name === "storage-nfs") return part.csiDriver("nfs");
      if (r.name === "storage-cephfs" || r.name === "storage-ceph-credentials") return part.csiDriver("cephfs");
      break;
    case "agent-sandbox":
      if (r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition") return part.agentSandboxCrds;
      if (r.type === "kubernetes:yaml/v2:ConfigGroup") return part.agentSandboxController;
      if (r.type === "kubernetes:core/v1:ConfigMap") return part.agentSandboxMigration;
      break;
    case "pki":
      if (r.type === "kubernetes:core/v1:Secret") return part.pkiSecrets;
      if (r.name === "pki-ca") return part.pkiCa;
      if (r.name === "pki-client-cert" || r.name === "pki-client-key") return part.pkiClient;
      break;
    case "policies":
      return part.policies;
    case "database":
      if (r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster") return part.databaseCluster;
      if (r.type === "kubernetes:helm.sh/v4:Chart") return part.databaseOperator;
      break;
    case "gpu-operator":
      if (r.type === "kubernetes:helm.sh/v4:Chart") return part.gpuOperator;
      break;
    default:
  }
  return `${component}/${r.name}`;
}

/** Per component: the parts of other components its registered resources name in dependsOn. */
function measuredWaits(ev: Evaluation): Partial<Record<ComponentId, PartId[]>> {
  const byUrn = new Map(ev.resources.map((r) => [r.urn, r]));
  const out: Partial<Record<ComponentId, Set<PartId>>> = {};
  for (const r of ev.resources) {
    const from = componentOf(r.urn);
    if (from === undefined) continue;
    const set = (out[from] ??= new Set());
    for (const d of r.dependsOn) {
      const dep = byUrn.get(d)!;
      if (componentOf(d) !== from) set.add(partOf(dep));
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** Everything a resource waits for before the engine creates it: its dependsOn, a component's children, transitively. */
function closure(ev: Evaluation, urn: string): Set<string> {
  const byUrn = new Map(ev.resources.map((r) => [r.urn, r]));
  const children = new Map<string, string[]>();
  for (const r of ev.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
  const seen = new Set<string>();
  const visit = (u: string) => {
    const r = byUrn.get(u)!;
    for (const d of [...r.dependsOn, ...(r.custom ? [] : (children.get(u) ?? []))]) {
      if (seen.has(d)) continue;
      seen.add(d);
      visit(d);
    }
  };
  visit(urn);
  return seen;
}

/**
 * The exact sets, written out. Namespaces wait for nothing; the agent-sandbox
 * objects for their namespace; the PKI Secrets for the gateway and sandbox
 * namespaces; policies for the namespaces they guard.
 */
const EXPECTED: Readonly<Record<string, Partial<Record<ComponentId, readonly PartId[]>>>> = {
  dev: {
    namespaces: [],
    policies: NS,
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: NS.slice(1),
    gateway: [...GATEWAY_CORE, ...NS.slice(1)],
  },
  // Workspaces on NFS: the gateway waits for the class and csi-driver-nfs. Postgres on the cluster's default class: the database waits for no storage.
  staging: {
    namespaces: [],
    policies: [NS[0]!, part.namespace("cnpg-system"), part.namespace("csi-nfs"), ...NS.slice(1)],
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: NS.slice(1),
    storage: [part.namespace("csi-nfs")],
    database: [part.namespace("cnpg-system"), part.namespace("openshell")],
    gateway: [part.agentSandboxController, part.agentSandboxCrds, part.agentSandboxMigration, part.databaseCluster, ...NS.slice(1), part.pkiSecrets, part.policies, part.storageClass("nfs"), part.csiDriver("nfs")],
  },
  // Workspaces on the Rook CephFS class (no driver in the graph), Postgres on the existing ceph-block class; nothing waits for the GPU Operator.
  prod: {
    namespaces: [],
    policies: [NS[0]!, part.namespace("cnpg-system"), part.namespace("gpu-operator"), ...NS.slice(1)],
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: NS.slice(1),
    storage: [],
    "gpu-operator": [part.namespace("gpu-operator")],
    database: [part.namespace("cnpg-system"), part.namespace("openshell")],
    gateway: [part.agentSandboxController, part.agentSandboxCrds, part.agentSandboxMigration, part.databaseCluster, ...NS.slice(1), part.pkiSecrets, part.policies, part.storageClass("cephfs")],
  },
  // A stack that keeps agent-sandbox v0.5.6: no migration to wait for.
  "dev-keeps-agent-sandbox-v0.5": {
    namespaces: [],
    policies: NS,
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: NS.slice(1),
    gateway: [...GATEWAY_CORE_V05, ...NS.slice(1)],
  },
  "dev-gpu-timeslicing": {
    namespaces: [],
    policies: [NS[0]!, part.namespace("gpu-operator"), ...NS.slice(1)],
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: NS.slice(1),
    "gpu-operator": [part.namespace("gpu-operator")],
    gateway: [...GATEWAY_CORE, ...NS.slice(1)],
  },
  // Sandboxes share the gateway namespace.
  "dev-openshift-shared": {
    namespaces: [],
    policies: [NS[0]!, NS[1]!],
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: [NS[1]!],
    gateway: [...GATEWAY_CORE, NS[1]!],
  },
  "dev-extensions-route": {
    namespaces: [],
    policies: NS,
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: NS.slice(1),
    gateway: [...GATEWAY_CORE, ...NS.slice(1)],
  },
  // Every framework section on: the framework objects wait for their own namespaces, the extension API
  // (SandboxTemplates and warm pools) and the gateway CA (NemoClaw's target Secret), nothing else.
  "dev-frameworks": {
    namespaces: [],
    policies: [NS[0]!, ...["agent-sandboxes", "nemoclaw", "openhands", "openhands-runtimes"].map(part.namespace), ...NS.slice(1)],
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: NS.slice(1),
    gateway: [...GATEWAY_CORE, ...NS.slice(1)],
    frameworks: [part.agentSandboxController, part.agentSandboxCrds, ...["agent-sandboxes", "nemoclaw", "openhands", "openhands-runtimes"].map(part.namespace), part.pkiCa],
  },
  // NFS and standalone CephFS both installed; workspaces on CephFS: the gateway waits for the CephFS driver, never for NFS.
  "staging-backups-cephfs": {
    namespaces: [],
    policies: [NS[0]!, part.namespace("ceph-csi-cephfs"), part.namespace("cnpg-system"), ...NS.slice(1)],
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: NS.slice(1),
    storage: [part.namespace("ceph-csi-cephfs")],
    database: [part.namespace("cnpg-system"), part.namespace("openshell")],
    gateway: [part.agentSandboxController, part.agentSandboxCrds, part.agentSandboxMigration, part.databaseCluster, ...NS.slice(1), part.pkiSecrets, part.policies, part.storageClass("cephfs"), part.csiDriver("cephfs")],
  },
  "staging-proxy": {
    namespaces: [],
    policies: [NS[0]!, part.namespace("cnpg-system"), ...NS.slice(1)],
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: NS.slice(1),
    database: [part.namespace("cnpg-system"), part.namespace("openshell")],
    gateway: [part.agentSandboxController, part.agentSandboxCrds, part.agentSandboxMigration, part.databaseCluster, ...NS.slice(1), part.pkiSecrets, part.policies],
  },
  // Workspaces on NFS in prod: the gateway waits for it; Postgres and the GPU Operator do not.
  "prod-perregistry-nfs": {
    namespaces: [],
    policies: [NS[0]!, part.namespace("cnpg-system"), part.namespace("csi-nfs"), part.namespace("gpu-operator"), ...NS.slice(1)],
    "agent-sandbox": [part.namespace("agent-sandbox-system")],
    pki: NS.slice(1),
    storage: [part.namespace("csi-nfs")],
    "gpu-operator": [part.namespace("gpu-operator")],
    database: [part.namespace("cnpg-system"), part.namespace("openshell")],
    gateway: [part.agentSandboxController, part.agentSandboxCrds, part.agentSandboxMigration, part.databaseCluster, ...NS.slice(1), part.pkiSecrets, part.policies, part.storageClass("nfs"), part.csiDriver("nfs")],
  },
};

const sortedValues = (o: Partial<Record<string, readonly PartId[]>>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...(v ?? [])].sort()]));

describe("what each component waits for", () => {
  it("every example stack and variant has its sets written out", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(RUNS.map(([name]) => name).sort());
  });

  it.each(RUNS)("%s: the plan's sets are exactly these", (name, stack, cfg) => {
    expect(sortedValues(componentWaits(planOf(stack, cfg())))).toEqual(sortedValues(EXPECTED[name]!));
  });

  it.each(RUNS)("%s: the registered resources wait for exactly the plan's sets", async (name, stack, cfg) => {
    expect(measuredWaits(await evaluationOf(name, stack, cfg))).toEqual(sortedValues(componentWaits(planOf(stack, cfg()))));
  });

  it.each(RUNS)("%s: a failing NFS driver or GPU Operator holds back the gateway and Postgres only when they use it", async (name, stack, cfg) => {
    const plan = planOf(stack, cfg());
    const ev = await evaluationOf(name, stack, cfg);
    const urnOf = (type: string, n: string) => ev.resources.find((r) => r.type === type && r.name === n)?.urn;
    const optional = {
      nfs: urnOf("kubernetes:helm.sh/v4:Chart", "storage-nfs"),
      gpu: urnOf("kubernetes:helm.sh/v4:Chart", "gpu-operator-chart"),
    };
    const blocks = (waiter: string | undefined) => {
      if (waiter === undefined) return undefined;
      const c = closure(ev, waiter);
      return { nfs: optional.nfs !== undefined && c.has(optional.nfs), gpu: optional.gpu !== undefined && c.has(optional.gpu) };
    };
    const nfsClass = plan.config.storage.nfs.enabled ? plan.config.storage.nfs.className : undefined;
    const uses = (role: "workspaceClass" | "databaseClass") => nfsClass !== undefined && graphClassFor(plan, role) === nfsClass;
    expect(blocks(urnOf("kubernetes:helm.sh/v4:Chart", "gateway-chart"))).toEqual({ nfs: uses("workspaceClass"), gpu: false });
    expect(blocks(urnOf("kubernetes:postgresql.cnpg.io/v1:Cluster", "database-cluster"))).toEqual(plan.components.cloudnativePg ? { nfs: uses("databaseClass"), gpu: false } : undefined);
    // Nothing outside the GPU Operator waits for it (the stack, parent of everything, is no resource to wait for).
    if (optional.gpu !== undefined) {
      const waiters = ev.resources.filter((r) => ![undefined, "gpu-operator"].includes(componentOf(r.urn)) && closure(ev, r.urn).has(optional.gpu!));
      expect(waiters.map((r) => r.name)).toEqual([]);
    }
  });

  it("staging: with NFS down, Postgres still starts; the gateway waits, its workspaces are on NFS", async () => {
    const ev = await runExample("staging");
    const nfs = ev.resources.find((r) => r.name === "storage-nfs")!.urn;
    const urn = (n: string) => ev.resources.find((r) => r.name === n)!.urn;
    expect([closure(ev, urn("database-cluster")).has(nfs), closure(ev, urn("gateway-chart")).has(nfs)]).toEqual([false, true]);
  });

  it("Postgres on the stack's own default class waits for that class and its driver", () => {
    const plan = planFor({ tier: "staging", kubernetesVersion: "1.34", database: { engine: "postgres" }, storage: { nfs: { enabled: true, default: true, server: "n", share: "/e" } } });
    expect(componentWaits(plan).database).toEqual([part.namespace("cnpg-system"), part.namespace("openshell"), part.storageClass("nfs"), part.csiDriver("nfs")].sort());
    expect(componentWaits(plan).gateway).toContain(part.csiDriver("nfs"));
  });

  it("a class that already exists in the cluster is nobody's wait", () => {
    const plan = planFor({ tier: "staging", kubernetesVersion: "1.34", storage: { workspaceClass: "rwx", databaseClass: "rwo", existingClasses: ["rwx", "rwo"], nfs: { enabled: true, server: "n", share: "/e" } } });
    expect([graphClassFor(plan, "workspaceClass"), graphClassFor(plan, "databaseClass")]).toEqual([undefined, undefined]);
    expect(componentWaits(plan).gateway?.filter((p) => p.startsWith("storage/"))).toEqual([]);
    expect(unwaited(plan)).toEqual(["storage"]);
  });
});

describe("component graph", () => {
  it.each([
    ["dev", ["namespaces", "policies", "agent-sandbox", "pki", "gateway"], ["namespaces", "policies", "gateway"], []],
    ["staging", ["namespaces", "policies", "agent-sandbox", "pki", "storage", "database", "gateway"], ["namespaces", "policies", "gateway"], []],
    ["prod", ["namespaces", "policies", "agent-sandbox", "pki", "storage", "gpu-operator", "database", "gateway"], ["namespaces", "policies", "gateway"], ["gpu-operator"]],
  ])("%s: install order, critical path, and what nothing waits for", (stack, order, path, free) => {
    const plan = planOf(stack, exampleConfig(stack));
    const g = componentGraph(plan);
    expect(g.order).toEqual(order);
    expect(criticalPath(g)).toEqual(path);
    expect(unwaited(plan)).toEqual(free);
  });
});

describe("component graph with the framework sections on", () => {
  it("Frameworks waits for its own namespaces and the extension API, reads the gateway CA; the registered graph waits for exactly that", async () => {
    const { FRAMEWORKS_DEV_VALUES } = await import("../harness/frameworks");
    const { buildConfigMap } = await import("../harness/program");
    const plan = planFor({ ...FRAMEWORKS_DEV_VALUES });
    const g = componentGraph(plan);
    expect(g.dependsOn.frameworks).toEqual(["namespaces", "agent-sandbox", "pki"]);
    expect(g.order).toEqual(["namespaces", "policies", "agent-sandbox", "pki", "gateway", "frameworks"]);
    const ev = await runProgram("dev", buildConfigMap({ ...FRAMEWORKS_DEV_VALUES }));
    expect(measuredWaits(ev)).toEqual(sortedValues(componentWaits(plan)));
  });
});

describe("waits for any storage layout (property)", () => {
  const CLASS_CHOICES = [undefined, "nfs", "cephfs", "existing-rwx"] as const;
  const layouts = fc.record({
    nfs: fc.record({ enabled: fc.boolean(), default: fc.boolean() }),
    ceph: fc.record({ mode: fc.constantFrom("none", "rook", "standalone"), default: fc.boolean() }),
    workspaceClass: fc.constantFrom(...CLASS_CHOICES),
    databaseClass: fc.constantFrom(...CLASS_CHOICES),
    postgres: fc.boolean(),
    gpu: fc.boolean(),
  });

  it("each role waits for exactly its class and that class's driver; nothing waits for the GPU Operator or a driver it does not use; no cycle", () => {
    let checked = 0;
    fc.assert(
      fc.property(layouts, (l) => {
        let plan: Plan;
        try {
          plan = planFor(
            {
              tier: "staging",
              kubernetesVersion: "1.34",
              database: { engine: l.postgres ? "postgres" : "sqlite" },
              gateway: { replicas: 1 },
              gpu: { enabled: l.gpu },
              storage: {
                existingClasses: ["existing-rwx"],
                ...(l.workspaceClass !== undefined ? { workspaceClass: l.workspaceClass } : {}),
                ...(l.databaseClass !== undefined ? { databaseClass: l.databaseClass } : {}),
                nfs: l.nfs.enabled ? { enabled: true, default: l.nfs.default, server: "n", share: "/e" } : { enabled: false },
                cephfs:
                  l.ceph.mode === "standalone"
                    ? { mode: "standalone", default: l.ceph.default, clusterID: "c", fsName: "f", monitors: ["10.0.0.1:6789"] }
                    : l.ceph.mode === "rook"
                      ? { mode: "rook", default: l.ceph.default, fsName: "f" }
                      : { mode: "none" },
              },
            },
            provided("cephUserKey"),
          );
        } catch (e) {
          // A layout the configuration refuses (an undefined class, two defaults) has no graph.
          if (e instanceof ConfigError) return;
          throw e;
        }
        checked++;
        const w = waits(plan);
        const all = componentWaits(plan);
        const s = plan.config.storage;
        const expectedFor = (role: "workspaceClass" | "databaseClass"): PartId[] => {
          const defaults = [...(s.cephfs.mode !== "none" && s.cephfs.default ? [s.cephfs.className] : []), ...(s.nfs.enabled && s.nfs.default ? [s.nfs.className] : [])];
          const name = s[role] ?? defaults[0];
          if (name === undefined || !plan.storageClasses.includes(name)) return [];
          const driver = name === s.nfs.className && s.nfs.enabled ? "nfs" : name === s.cephfs.className && s.cephfs.mode === "standalone" ? "cephfs" : undefined;
          return [part.storageClass(name), ...(driver !== undefined ? [part.csiDriver(driver)] : [])];
        };
        expect(w.gateway.filter((p) => p.startsWith("storage/"))).toEqual(expectedFor("workspaceClass"));
        if (plan.components.cloudnativePg) expect(w.databaseCluster!.filter((p) => p.startsWith("storage/"))).toEqual(expectedFor("databaseClass"));
        for (const [name, deps] of Object.entries(w.storageClasses)) {
          const d = classDriver(plan, name);
          expect(deps).toEqual(d !== undefined ? [part.csiDriver(d)] : []);
        }
        expect(Object.values(all).flat().filter((p) => p!.startsWith("gpu-operator/"))).toEqual([]);
        expect(componentGraph(plan).order).toHaveLength(Object.keys(all).length);
      }),
      { numRuns: 300, seed: 20 },
    );
    // About one layout in five is valid (the rest name a class the stack lacks): enough that the property is not vacuous.
    expect(checked).toBeGreaterThan(50);
  });
});

