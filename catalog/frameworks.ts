/**
 * Facts about the agent frameworks the platform serves: which NemoClaw
 * release accepts which OpenShell, which OpenHands releases carry the
 * Kubernetes runtime, what the OpenHands agent-server preset runs. Data
 * only; each fact lives here once (docs/frameworks.md "Agent frameworks" cites the
 * sources).
 */
import { compareSemver, parseSemver } from "./versions";

// ---------------------------------------------------------------- NemoClaw

export interface NemoClawRelease {
  /** The one OpenShell version this release accepts (min = max, no window). */
  readonly openshell: string;
  readonly source: string;
}

/**
 * NemoClaw release → the exact OpenShell it accepts. NemoClaw moved its pin
 * from 0.0.101 (PR #8660) to 0.0.106 (PR #9192) to 0.0.116 (#11229, PR
 * #11251); no release accepts 0.0.111. Only releases whose pin was read are
 * listed; the builds that pinned 0.0.101 and 0.0.106 are not named by a
 * release we could read.
 */
export const NEMOCLAW_RELEASES: Readonly<Record<string, NemoClawRelease>> = {
  "0.0.130": { openshell: "0.0.116", source: "EXTERNAL_OPENSHELL_RELEASE, blueprint min/max_openshell_version and @nvidia/openshell-sdk 0.0.116 (NemoClaw #11229, PR #11251)" },
};

/** The OpenShell versions NemoClaw has pinned over time (for messages). */
export const NEMOCLAW_OPENSHELL_PINS: readonly string[] = ["0.0.101", "0.0.106", "0.0.116"];

/** The NemoClaw release a stack names when it sets none: the newest known. */
export const NEMOCLAW_DEFAULT_RELEASE = "0.0.130";

/** The NemoClaw releases that accept an OpenShell version. */
export function nemoclawReleasesAccepting(openshell: string): string[] {
  return Object.entries(NEMOCLAW_RELEASES)
    .filter(([, r]) => r.openshell === openshell)
    .map(([v]) => v)
    .sort();
}

/** Memory an OpenClaw sandbox needs: 1Gi, 2Gi and 4Gi are OOM-killed before OpenClaw binds :18789. */
export const OPENCLAW_SANDBOX_MEMORY = "8Gi";

/** Where the NemoClaw runner reads its target files (its runner tests use these paths). */
export const NEMOCLAW_TARGET_DIR = "/var/run/openshell-target";
export const NEMOCLAW_BLUEPRINT_DIR = "/etc/nemoclaw/blueprint";

// ---------------------------------------------------------------- OpenHands

/**
 * OpenHands releases whose app carries the V0 KubernetesRuntime with the
 * 13-key `[kubernetes]` section: added in 0.45.0 (PR #8814), unchanged to
 * 0.62.0; 1.x runs V1 conversations that ignore it, and PR #14117 removed it.
 */
export const OPENHANDS_KUBERNETES_RUNTIME = { min: "0.45.0", max: "0.62.99", label: "0.45.0-0.62.x" } as const;

export const OPENHANDS_DEFAULT_VERSION = "0.62.0";

/** Whether an OpenHands version carries the KubernetesRuntime this platform configures. */
export function openhandsHasKubernetesRuntime(version: string): boolean {
  const v = parseSemver(version);
  if (v === undefined) return false;
  return compareSemver(v, parseSemver(OPENHANDS_KUBERNETES_RUNTIME.min)!) >= 0 && compareSemver(v, parseSemver(OPENHANDS_KUBERNETES_RUNTIME.max)!) <= 0;
}

/** `0.62-nikolaik`: the prebuilt runtime image tag of an OpenHands release (major.minor). */
export function openhandsRuntimeTag(version: string): string {
  const [major, minor] = version.split(".");
  return `${major ?? "0"}.${minor ?? "0"}-nikolaik`;
}

/** `0.62`: the app image tag of an OpenHands release. */
export function openhandsAppTag(version: string): string {
  const [major, minor] = version.split(".");
  return `${major ?? "0"}.${minor ?? "0"}`;
}

/**
 * The 13 keys OpenHands' `[kubernetes]` section accepts
 * (openhands/core/config/kubernetes_config.py, pydantic extra="forbid", so every
 * other key stops the app at start).
 */
export const OPENHANDS_KUBERNETES_KEYS = [
  "image_pull_secret",
  "ingress_domain",
  "ingress_tls_secret",
  "namespace",
  "node_selector_key",
  "node_selector_val",
  "privileged",
  "pvc_storage_class",
  "pvc_storage_size",
  "resource_cpu_request",
  "resource_memory_limit",
  "resource_memory_request",
  "tolerations_yaml",
] as const;
export type OpenHandsKubernetesKey = (typeof OPENHANDS_KUBERNETES_KEYS)[number];

/** What the KubernetesRuntime calls in its namespace (kubernetes_runtime.py), and nothing more. */
export const OPENHANDS_RUNTIME_RULES = [
  { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["create", "delete", "get"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["create", "delete", "get"] },
  { apiGroups: [""], resources: ["services"], verbs: ["create", "delete"] },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ["create", "delete"] },
] as const;

/** Ports of a runtime pod: the action server, VS Code, and two app ports. */
export const OPENHANDS_RUNTIME_PORTS = [8080, 8081, 30082, 30083] as const;
/** Label every runtime pod carries. */
export const OPENHANDS_RUNTIME_SELECTOR = { app: "openhands-runtime" } as const;

/** What the agent SDK's AgentSandboxWorkspace calls (k8s_agent_sandbox client), and nothing more. */
export const OPENHANDS_SDK_RULES = [
  { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
  { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
  { apiGroups: ["agents.x-k8s.io"], resources: ["sandboxes"], verbs: ["get", "list", "patch", "watch"] },
  { apiGroups: ["extensions.agents.x-k8s.io"], resources: ["sandboxclaims"], verbs: ["create", "delete", "get", "list", "patch", "watch"] },
] as const;

/**
 * The OpenHands agent-server preset (agent-sandbox's reference template for
 * the SDK, with a pinned image instead of its floating tag).
 */
export const OPENHANDS_AGENT_SERVER = {
  port: 8000,
  healthPath: "/health",
  uid: 10001,
  args: ["--host", "0.0.0.0", "--port", "8000"],
  resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
  workspace: { name: "workspace-volume", mountPath: "/workspace", size: "5Gi" },
  /** The agent server reads its accepted keys from OH_SESSION_API_KEYS_<n> (pydantic settings with prefix OH). */
  sessionKeyEnv: "OH_SESSION_API_KEYS_0",
  sessionKeySecret: "openhands-session-key",
  sessionKeyKey: "key",
} as const;
