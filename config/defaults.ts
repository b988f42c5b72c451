/**
 * Per-tier defaults. A stack's own settings are merged on top (lib/tree.ts
 * deepMerge: objects merge key by key, arrays and scalars replace), then the
 * result is validated as a whole.
 */
import { NEMOCLAW_DEFAULT_RELEASE, OPENHANDS_DEFAULT_VERSION } from "../catalog/frameworks";
import type { Config, Tier } from "./schema";

/** Everything but `tier` and `kubernetesVersion`, which every stack sets. */
export type TierDefaults = Omit<Config, "tier" | "kubernetesVersion">;

const common: TierDefaults = {
  cluster: { featureGates: { imageVolume: false }, openshift: false },
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
  gateway: {
    namespace: "openshell",
    replicas: 1,
    workspaceSize: "2Gi",
    sandboxNamespace: "openshell-sandboxes",
    userNamespaces: false,
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    serviceType: "ClusterIP",
    allowUnauthenticatedUsers: false,
    oidc: {},
    // Off in every tier, online too: an install sends nothing anywhere nobody agreed to.
    telemetry: false,
    supervisorTopology: "combined",
    upstreamProxy: { noProxy: [], cidrs: [], connectByHostname: false, allowCleartextCredentials: false },
    clients: { name: "openshell-client", namespaces: [] },
    grpcRoute: { enabled: false, hostnames: [] },
  },
  pki: {
    keyAlgorithm: "ECDSA-P256",
    caValidityHours: 87600,
    certValidityHours: 8760,
    earlyRenewalHours: 720,
    extraDnsNames: [],
    extraIpAddresses: [],
    rotation: { ca: 1, jwtKey: 1, kek: 1 },
  },
  database: {
    engine: "sqlite",
    clusterName: "openshell-db",
    podAntiAffinity: "none",
    instances: 1,
    storageSize: "5Gi",
    // One instance: initdb, then the primary starts.
    readyTimeoutMinutes: 10,
    backup: { enabled: false, schedule: "0 0 2 * * *", retention: "30d" },
  },
  gpu: {
    enabled: false,
    driver: true,
    toolkit: true,
    nfd: true,
    mig: false,
    migStrategy: "single",
    cdi: true,
    timeSlicingReplicas: 0,
    sandboxWorkloads: false,
    runtimeClassName: "nvidia",
    nodeOperatingSystems: ["ubuntu24.04"],
  },
  storage: {
    existingClasses: [],
    reclaimPolicy: "Delete",
    allowVolumeExpansion: true,
    volumeBindingMode: "Immediate",
    nfs: { enabled: false, snapshots: false, className: "nfs", default: false, mountOptions: ["nfsvers=4.1"] },
    cephfs: { mode: "none", className: "cephfs", default: false, monitors: [], userId: "admin", rookOperatorNamespace: "rook-ceph", mountOptions: [] },
  },
  inference: { provider: "none" },
  policies: {
    profile: "strict",
    apiServer: { cidrs: [], ports: [443, 6443] },
    privateCidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"],
    gatewayClients: { namespaces: [], cidrs: [] },
    sandboxEgress: { ports: [443] },
    egress: [],
    quota: {
      pods: 50,
      requestsCpu: "32",
      requestsMemory: "64Gi",
      limitsCpu: "64",
      limitsMemory: "128Gi",
      requestsStorage: "500Gi",
      persistentVolumeClaims: 50,
      gpus: 4,
    },
    containerDefaults: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "4Gi" } },
  },
  relaxations: {
    latestTags: false,
    plainHttpMirror: false,
    unauthenticatedUsers: false,
    sharedSandboxNamespace: false,
    anyApiServerAddress: false,
  },
  observability: { prometheusOperator: true, monitorLabels: {} },
  agentSandbox: { extensions: false, namespace: "agent-sandboxes", templates: {}, warmPools: {} },
  openhands: {
    appNamespace: "openhands",
    createAppNamespace: true,
    serviceAccount: "openhands",
    agentSandbox: { enabled: false, warmPool: "openhands-pool", replicas: 2 },
    kubernetesRuntime: {
      enabled: false,
      version: OPENHANDS_DEFAULT_VERSION,
      namespace: "openhands-runtimes",
      privileged: false,
      workspaceSize: "5Gi",
      // OpenHands' own defaults.
      resources: { cpuRequest: "1", memoryRequest: "1Gi", memoryLimit: "2Gi" },
      tolerations: [],
      quota: { pods: 20, requestsCpu: "20", requestsMemory: "20Gi", limitsMemory: "40Gi", persistentVolumeClaims: 40 },
    },
  },
  nemoclaw: { enabled: false, release: NEMOCLAW_DEFAULT_RELEASE, namespace: "nemoclaw", workspace: "default" },
  protection: { enabled: true },
};

export const TIER_DEFAULTS: Readonly<Record<Tier, TierDefaults>> = {
  /** A laptop cluster (kind/k3d/minikube): SQLite, one replica, relaxed policies. */
  dev: {
    ...common,
    // A laptop cluster rarely runs the Prometheus Operator.
    observability: { prometheusOperator: false, monitorLabels: {} },
    // A laptop has no identity provider: mTLS (port-forward + client certificate) only.
    gateway: { ...common.gateway, allowUnauthenticatedUsers: true },
    database: { ...common.database, storageSize: "1Gi" },
    // A dev stack is destroyed and recreated freely.
    protection: { enabled: false },
    policies: {
      ...common.policies,
      profile: "relaxed",
      // A laptop cluster's API server address varies (kind, k3d, minikube), so every address is allowed, on purpose.
      apiServer: { cidrs: ["0.0.0.0/0"], ports: [443, 6443, 8443] },
      sandboxEgress: { ports: [80, 443] },
      // Package registries for day-to-day development: read-only.
      egress: [
        { name: "github", host: "github.com", methods: ["GET", "HEAD"] },
        { name: "github-content", host: "*.githubusercontent.com", methods: ["GET", "HEAD"] },
        { name: "pypi", host: "pypi.org", methods: ["GET", "HEAD"] },
        { name: "pypi-files", host: "files.pythonhosted.org", methods: ["GET", "HEAD"] },
        { name: "npm", host: "registry.npmjs.org", methods: ["GET", "HEAD"] },
      ],
      quota: { ...common.policies.quota, pods: 20, requestsCpu: "8", requestsMemory: "16Gi", limitsCpu: "16", limitsMemory: "32Gi", requestsStorage: "100Gi", persistentVolumeClaims: 20, gpus: 1 },
    },
  },
  /** Shared pre-production: Postgres-backed, two gateway replicas. */
  staging: {
    ...common,
    gateway: {
      ...common.gateway,
      replicas: 2,
      workspaceSize: "10Gi",
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
    },
    pki: { ...common.pki, caValidityHours: 43800, certValidityHours: 4380 },
    // Each replica clones the primary after it is up: more instances, a longer first start.
    database: { ...common.database, engine: "postgres", instances: 2, storageSize: "10Gi", podAntiAffinity: "preferred", readyTimeoutMinutes: 20 },
  },
  /** Production: HA gateway, three Postgres instances. */
  prod: {
    ...common,
    gateway: {
      ...common.gateway,
      replicas: 3,
      workspaceSize: "20Gi",
      resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } },
    },
    pki: { ...common.pki, caValidityHours: 43800, certValidityHours: 2160 },
    // Volumes outlive their claims in prod: a deleted PVC never deletes sandbox work or a database.
    storage: { ...common.storage, reclaimPolicy: "Retain" },
    policies: {
      ...common.policies,
      quota: { ...common.policies.quota, pods: 200, requestsCpu: "128", requestsMemory: "512Gi", limitsCpu: "256", limitsMemory: "1Ti", requestsStorage: "2Ti", persistentVolumeClaims: 200, gpus: 16 },
    },
    database: {
      ...common.database,
      engine: "postgres",
      instances: 3,
      storageSize: "20Gi",
      podAntiAffinity: "required",
      readyTimeoutMinutes: 30,
    },
  },
};
