/**
 * OpenHands on the platform, pure: the consumer identity (ServiceAccount,
 * Roles with exactly the verbs OpenHands calls, RoleBindings), the
 * KubernetesRuntime's `config.toml` and its namespace quota.
 */
import { stringify } from "yaml";
import { OPENHANDS_KUBERNETES_KEYS, OPENHANDS_RUNTIME_RULES, OPENHANDS_SDK_RULES, type OpenHandsKubernetesKey } from "../catalog/frameworks";
import type { Plan } from "../plan/types";
import { formatImageRef } from "../registry/imageRef";
import { COMMON_LABELS } from "../manifests/labels";

export const OPENHANDS_CONFIGMAP = "openhands-config";
export const OPENHANDS_CONFIG_KEY = "config.toml";
/** The key holding the app image reference (mirrored when mirrored) for the team's Deployment. */
export const OPENHANDS_APP_IMAGE_KEY = "app-image";
export const OPENHANDS_SDK_ROLE = "openhands-agent-sandbox";
export const OPENHANDS_RUNTIME_ROLE = "openhands-runtime";

type PolicyRule = { apiGroups: string[]; resources: string[]; verbs: string[] };
const rules = (r: readonly { apiGroups: readonly string[]; resources: readonly string[]; verbs: readonly string[] }[]): PolicyRule[] =>
  r.map((x) => ({ apiGroups: [...x.apiGroups], resources: [...x.resources], verbs: [...x.verbs] }));

const openhandsOn = (plan: Plan): boolean => plan.config.openhands.agentSandbox.enabled || plan.config.openhands.kubernetesRuntime.enabled;

export function openhandsServiceAccount(plan: Plan) {
  if (!openhandsOn(plan)) return undefined;
  const oh = plan.config.openhands;
  return { apiVersion: "v1" as const, kind: "ServiceAccount" as const, metadata: { name: oh.serviceAccount, namespace: oh.appNamespace, labels: { ...COMMON_LABELS } } };
}

function roleAndBinding(plan: Plan, name: string, namespace: string, r: PolicyRule[]) {
  const oh = plan.config.openhands;
  const metadata = { name, namespace, labels: { ...COMMON_LABELS } };
  return {
    role: { apiVersion: "rbac.authorization.k8s.io/v1" as const, kind: "Role" as const, metadata, rules: r },
    binding: {
      apiVersion: "rbac.authorization.k8s.io/v1" as const,
      kind: "RoleBinding" as const,
      metadata: { ...metadata, labels: { ...COMMON_LABELS } },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name: oh.serviceAccount, namespace: oh.appNamespace }],
    },
  };
}

/** The SDK's claims, sandboxes and port-forward, in the warm pool's namespace. */
export function openhandsSdkRbac(plan: Plan) {
  const ns = plan.namespaces.agentSandboxWorkloads;
  if (!plan.config.openhands.agentSandbox.enabled || ns === undefined) return undefined;
  return roleAndBinding(plan, OPENHANDS_SDK_ROLE, ns, rules(OPENHANDS_SDK_RULES));
}

/** The KubernetesRuntime's pods, services, PVCs and ingresses, in the runtime namespace. */
export function openhandsRuntimeRbac(plan: Plan) {
  const ns = plan.namespaces.openhandsRuntime;
  if (ns === undefined) return undefined;
  return roleAndBinding(plan, OPENHANDS_RUNTIME_ROLE, ns, rules(OPENHANDS_RUNTIME_RULES));
}

const tomlString = (v: string): string => JSON.stringify(v);
const tomlValue = (v: string | boolean): string => (typeof v === "boolean" ? String(v) : tomlString(v));

/** The `[kubernetes]` keys, filled from the platform; unset optional keys are left out (OpenHands' None). */
export function kubernetesSection(plan: Plan): Partial<Record<OpenHandsKubernetesKey, string | boolean>> {
  const k = plan.config.openhands.kubernetesRuntime;
  const cls = plan.config.storage.workspaceClass;
  const out: Partial<Record<OpenHandsKubernetesKey, string | boolean>> = {
    namespace: k.namespace,
    pvc_storage_size: k.workspaceSize,
    resource_cpu_request: k.resources.cpuRequest,
    resource_memory_request: k.resources.memoryRequest,
    resource_memory_limit: k.resources.memoryLimit,
    privileged: k.privileged,
    ...(k.ingressDomain !== undefined ? { ingress_domain: k.ingressDomain } : {}),
    ...(k.ingressTlsSecret !== undefined ? { ingress_tls_secret: k.ingressTlsSecret } : {}),
    ...(cls !== undefined ? { pvc_storage_class: cls } : {}),
    ...(plan.pullSecretName !== undefined ? { image_pull_secret: plan.pullSecretName } : {}),
    ...(k.nodeSelector !== undefined ? { node_selector_key: k.nodeSelector.key, node_selector_val: k.nodeSelector.value } : {}),
    ...(k.tolerations.length > 0 ? { tolerations_yaml: stringify(k.tolerations.map((t) => Object.fromEntries(Object.entries(t).sort(([a], [b]) => (a < b ? -1 : 1))))) } : {}),
  };
  for (const key of Object.keys(out)) {
    if (!(OPENHANDS_KUBERNETES_KEYS as readonly string[]).includes(key)) throw new Error(`[kubernetes] ${key} is not a key OpenHands accepts`);
  }
  return out;
}

/** config.toml for the OpenHands app: the Kubernetes runtime, the pinned (mirrored) runtime image, the 13-key section. */
export function openhandsConfigToml(plan: Plan): string {
  const runtime = plan.images.find((i) => i.id === "openhands.runtime");
  if (runtime === undefined) throw new Error("the plan has no OpenHands runtime image");
  const k = kubernetesSection(plan);
  const keys = (Object.keys(k) as OpenHandsKubernetesKey[]).sort();
  return [
    "[core]",
    `runtime = ${tomlString("kubernetes")}`,
    "",
    "[sandbox]",
    `runtime_container_image = ${tomlString(formatImageRef(runtime.resolved))}`,
    "",
    "[kubernetes]",
    ...keys.map((key) => `${key} = ${tomlValue(k[key]!)}`),
    "",
  ].join("\n");
}

export function openhandsConfigMap(plan: Plan) {
  if (plan.namespaces.openhandsRuntime === undefined) return undefined;
  const app = plan.images.find((i) => i.id === "openhands.app");
  if (app === undefined) throw new Error("the plan has no OpenHands app image");
  return {
    apiVersion: "v1" as const,
    kind: "ConfigMap" as const,
    metadata: { name: OPENHANDS_CONFIGMAP, namespace: plan.config.openhands.appNamespace, labels: { ...COMMON_LABELS } },
    data: { [OPENHANDS_APP_IMAGE_KEY]: formatImageRef(app.resolved), [OPENHANDS_CONFIG_KEY]: openhandsConfigToml(plan) },
  };
}

export function openhandsRuntimeQuota(plan: Plan) {
  const ns = plan.namespaces.openhandsRuntime;
  if (ns === undefined) return undefined;
  const q = plan.config.openhands.kubernetesRuntime.quota;
  return {
    apiVersion: "v1" as const,
    kind: "ResourceQuota" as const,
    metadata: { name: "openhands-runtimes", namespace: ns, labels: { ...COMMON_LABELS } },
    spec: {
      hard: {
        "limits.memory": q.limitsMemory,
        persistentvolumeclaims: String(q.persistentVolumeClaims),
        pods: String(q.pods),
        "requests.cpu": q.requestsCpu,
        "requests.memory": q.requestsMemory,
      },
    },
  };
}

/** Namespaces that get the session-key Secret: the warm pool's (the template reads it) and the app's (the client sends it). */
export function sessionKeyNamespaces(plan: Plan): string[] {
  const ws = plan.namespaces.agentSandboxWorkloads;
  if (ws === undefined) return [];
  const presets = plan.config.openhands.agentSandbox.enabled || Object.values(plan.config.agentSandbox.templates).some((t) => t.preset === "openhands-agent-server");
  if (!presets) return [];
  return [...new Set([ws, ...(plan.config.openhands.agentSandbox.enabled ? [plan.config.openhands.appNamespace] : [])])].sort();
}
