/**
 * Values for the OpenShell gateway chart (0.0.10x-0.0.11x keys), built from
 * the plan. No secret ever enters these values: the chart is pointed at
 * Secrets the Pki, Database and gateway components create.
 */
import { kubernetesAtLeast } from "../catalog/versions";
import { migratesTo } from "../migration/agentSandbox";
import type { Plan } from "../plan/types";
import { chartImageValues } from "./images";
import { mergeValues, sortKeys, type Json, type Values } from "../lib/tree";

/**
 * The gateway's Helm release name. It contains "openshell", so the chart's
 * fullname is the same, and so is the gateway Service's name.
 */
export const GATEWAY_NAME = "openshell";
/** The gateway Service's gRPC port. */
export const GATEWAY_PORT = 8080;

/** Secret names: the chart's `server.tls.*` defaults, `<fullname>-jwt-keys`, and our KEK Secret. */
export const GATEWAY_SECRETS = {
  serverTls: "openshell-server-tls",
  clientCa: "openshell-server-client-ca",
  clientTls: "openshell-client-tls",
  jwt: "openshell-jwt-keys",
  kek: "openshell-credential-storage-key-encryption-key",
} as const;

export type SideloadMethod = "image-volume" | "init-container";

/**
 * How the supervisor reaches sandbox pods: an image volume where the
 * cluster has them (on by default from 1.35; 1.33-1.34 only with the
 * ImageVolume feature gate on), else an init container that copies it.
 * Sandboxes under their own runtime class (Kata, gVisor) always get the
 * init container: an image volume is the node's mount, not the sandbox VM's.
 */
export function sideloadMethod(kubernetesVersion: string, imageVolumeGate: boolean): SideloadMethod {
  if (kubernetesAtLeast(kubernetesVersion, 35)) return "image-volume";
  if (kubernetesAtLeast(kubernetesVersion, 33) && imageVolumeGate) return "image-volume";
  return "init-container";
}

/** The chart's selector labels for the gateway pods (release and name "openshell"). */
export const GATEWAY_SELECTOR = {
  "app.kubernetes.io/instance": GATEWAY_NAME,
  "app.kubernetes.io/name": "openshell",
} as const;

/**
 * The gateway's ServiceAccount: the graph creates it (before the chart's
 * workload, which would otherwise be created first and fail with
 * "serviceaccount not found"), and the chart, with serviceAccount.create
 * false, binds its RBAC and runs the gateway under it. The name is the one
 * the chart gave it (its fullname), so existing RBAC keeps applying.
 */
export const GATEWAY_SERVICE_ACCOUNT = GATEWAY_NAME;

/** The sandbox ServiceAccount the chart creates (`<fullname>-sandbox`). */
export const SANDBOX_SERVICE_ACCOUNT = "openshell-sandbox";

/** The Secret (in the sandbox namespace) holding the upstream proxy's user:password, and its key. */
export const UPSTREAM_PROXY_SECRET = "openshell-upstream-proxy-auth";
export const UPSTREAM_PROXY_KEY = "credentials";

/** Pod annotation that rolls the gateway when the JWT key or the KEK is rotated. */
export const KEY_GENERATIONS_ANNOTATION = "agent-platform/key-generations";

/**
 * Pod annotation that rolls the gateway when agent-sandbox moves (from v1.0
 * on): OpenShell's Kubernetes driver discovers the Sandbox API version at
 * start and must be restarted after an in-place agent-sandbox upgrade
 * (crates/openshell-driver-kubernetes/README.md at v0.0.111). Absent for
 * v0.5.x, so stacks that stay there keep their pod template.
 */
export const AGENT_SANDBOX_ANNOTATION = "agent-platform/agent-sandbox-version";

export function databaseSecretName(plan: Plan): string | undefined {
  const d = plan.config.database;
  return d.engine === "postgres" ? `${d.clusterName}-app` : undefined;
}

export function openshellValues(plan: Plan): Values {
  const c = plan.config;
  const g = c.gateway;
  const ha = g.replicas > 1;
  const dbSecret = databaseSecretName(plan);
  const pullSecrets: Json = plan.pullSecretName !== undefined ? [{ name: plan.pullSecretName }] : [];

  const server: Values = {
    sandboxNamespace: plan.namespaces.sandbox,
    sandboxImagePullSecrets: pullSecrets,
    workspaceDefaultStorageSize: g.workspaceSize,
    ...(c.storage.workspaceClass !== undefined ? { workspaceStorageClass: c.storage.workspaceClass } : {}),
    enableUserNamespaces: g.userNamespaces,
    // Always explicit: the chart's default is on.
    telemetryEnabled: g.telemetry,
    // Only when the stack asks (Kata, gVisor): GPU sandboxes get GPUs through nvidia.com/gpu and CDI,
    // and a GPU runtime class on every sandbox breaks CPU-only nodes.
    ...(g.sandboxRuntimeClass !== undefined ? { defaultRuntimeClassName: g.sandboxRuntimeClass } : {}),
    ...(dbSecret !== undefined ? { externalDbSecret: dbSecret } : {}),
    credentialStorage: { existingSecret: GATEWAY_SECRETS.kek },
    disableTls: false,
    tls: {
      certSecretName: GATEWAY_SECRETS.serverTls,
      clientCaSecretName: GATEWAY_SECRETS.clientCa,
      clientTlsSecretName: GATEWAY_SECRETS.clientTls,
    },
    sandboxJwt: { signingSecretName: GATEWAY_SECRETS.jwt },
    auth: { allowUnauthenticatedUsers: g.allowUnauthenticatedUsers },
  };
  const o = g.oidc;
  if (o.issuer !== undefined) {
    const oidc: Values = { issuer: o.issuer };
    if (o.audience !== undefined) oidc["audience"] = o.audience;
    if (o.rolesClaim !== undefined) oidc["rolesClaim"] = o.rolesClaim;
    if (o.adminRole !== undefined) oidc["adminRole"] = o.adminRole;
    if (o.userRole !== undefined) oidc["userRole"] = o.userRole;
    if (o.caConfigMap !== undefined) oidc["caConfigMapName"] = o.caConfigMap;
    server["oidc"] = oidc;
  }

  const values: Values = {
    replicaCount: g.replicas,
    // A Deployment whenever the database is external; the StatefulSet exists for the SQLite volume.
    workload: { kind: dbSecret !== undefined ? "deployment" : "statefulset" },
    image: { pullPolicy: "IfNotPresent" },
    supervisor: {
      sideloadMethod: g.sandboxRuntimeClass !== undefined ? "init-container" : sideloadMethod(plan.kubernetesVersion, c.cluster.featureGates.imageVolume),
      topology: g.supervisorTopology,
    },
    imagePullSecrets: pullSecrets,
    serviceAccount: { create: false, name: GATEWAY_SERVICE_ACCOUNT },
    server,
    service: { type: g.serviceType, port: GATEWAY_PORT, healthPort: 8081, metricsPort: 9090 },
    resources: {
      requests: { cpu: g.resources.requests.cpu, memory: g.resources.requests.memory },
      limits: { cpu: g.resources.limits.cpu, memory: g.resources.limits.memory },
    },
    // The graph creates every Secret the PKI hook would have (helm.v4.Chart runs no hooks).
    pkiInitJob: { enabled: false },
    certManager: { enabled: false },
    // The chart's own policy (ingress to sandboxes from the gateway only) stays on.
    networkPolicy: { enabled: true },
    // Pod Security "restricted" needs a seccomp profile; the chart sets none.
    podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
    grpcRoute: g.grpcRoute.enabled
      ? {
          enabled: true,
          hostnames: [...g.grpcRoute.hostnames],
          gateway: {
            create: false,
            name: g.grpcRoute.gatewayName ?? "",
            ...(g.grpcRoute.gatewayNamespace !== undefined ? { namespace: g.grpcRoute.gatewayNamespace } : {}),
          },
        }
      : { enabled: false },
  };
  const proxy = g.upstreamProxy;
  if (proxy.url !== undefined) {
    values["upstreamProxy"] = {
      url: proxy.url,
      noProxy: proxy.noProxy.join(","),
      connectByHostname: proxy.connectByHostname,
      // The credential stays in its Secret (in the sandbox namespace, where the chart reads it).
      ...(plan.secrets.includes("upstreamProxyCredentials")
        ? { authSecret: { name: UPSTREAM_PROXY_SECRET, key: UPSTREAM_PROXY_KEY }, authAllowInsecure: proxy.allowCleartextCredentials }
        : {}),
    };
  }
  // The gateway reads the JWT key and the KEK only at start: a rotation must restart it. The
  // annotation appears with the first rotation, so stacks that never rotate keep their pod template.
  const r = c.pki.rotation;
  const annotations: Record<string, string> = {
    ...(r.jwtKey > 1 || r.kek > 1 ? { [KEY_GENERATIONS_ANNOTATION]: `jwtKey=${r.jwtKey},kek=${r.kek}` } : {}),
    ...(migratesTo(plan.versions.agentSandbox) ? { [AGENT_SANDBOX_ANNOTATION]: plan.versions.agentSandbox } : {}),
  };
  if (Object.keys(annotations).length > 0) values["podAnnotations"] = annotations;
  if (ha) {
    values["affinity"] = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { ...GATEWAY_SELECTOR } } },
          },
        ],
      },
    };
  }
  if (c.cluster.openshift) {
    // OpenShift assigns UIDs and fsGroups from the namespace range (OpenShell's OpenShift guide).
    values["podSecurityContext"] = { fsGroup: null, seccompProfile: { type: "RuntimeDefault" } };
    values["securityContext"] = { runAsUser: null };
  }
  return sortKeys(mergeValues(values, chartImageValues(plan.chartImages, "openshell")));
}
