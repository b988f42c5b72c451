/**
 * Per-tier defaults. A stack's own settings are merged on top (objects
 * merge key by key, arrays and scalars replace), then the result is
 * validated as a whole.
 */
import type { Config, Tier } from "./schema";

/** Everything but `tier` and `kubernetesVersion`, which every stack sets. */
export type TierDefaults = Omit<Config, "tier" | "kubernetesVersion">;

const common: TierDefaults = {
  cluster: {},
  registry: {
    mode: "online",
    layout: "prefix",
    pathPrefix: "",
    registries: {},
    scheme: "https",
    pullSecretName: "platform-registry-credentials",
    chartRepositories: {},
  },
  catalog: { versions: {}, images: {}, manifestSha256: {} },
  gateway: { namespace: "openshell", replicas: 1 },
  database: {
    engine: "sqlite",
    instances: 1,
    storageSize: "5Gi",
    backup: { enabled: false },
  },
  gpu: {
    enabled: false,
    driver: true,
    toolkit: true,
    nfd: true,
    mig: false,
    sandboxWorkloads: false,
    nodeOperatingSystems: ["ubuntu24.04"],
  },
  storage: { nfs: { enabled: false, snapshots: false }, cephfs: { mode: "none" } },
  inference: { provider: "none" },
  policies: { profile: "strict" },
  relaxations: { latestTags: false, plainHttpMirror: false },
  agentSandbox: { extensions: false },
};

export const TIER_DEFAULTS: Readonly<Record<Tier, TierDefaults>> = {
  /** A laptop cluster (kind/k3d/minikube): SQLite, one replica, relaxed policies. */
  dev: {
    ...common,
    database: { ...common.database, storageSize: "1Gi" },
    policies: { profile: "relaxed" },
  },
  /** Shared pre-production: Postgres-backed, two gateway replicas. */
  staging: {
    ...common,
    gateway: { ...common.gateway, replicas: 2 },
    database: { ...common.database, engine: "postgres", instances: 2, storageSize: "10Gi" },
  },
  /** Production: HA gateway, three Postgres instances. */
  prod: {
    ...common,
    gateway: { ...common.gateway, replicas: 3 },
    database: { ...common.database, engine: "postgres", instances: 3, storageSize: "20Gi" },
  },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge per key, everything else (arrays included) replaces. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}
