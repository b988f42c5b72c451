/**
 * SandboxTemplate and SandboxWarmPool objects of the agent-sandbox
 * extensions API, from the stack's `agentSandbox.templates` and
 * `agentSandbox.warmPools` (plus the OpenHands preset). Pure.
 *
 * Field names are those of the extensions CRDs (k8s/crds/
 * extensions.agents.x-k8s.io_sandbox{templates,warmpools}.yaml, served
 * version v1beta1), identical at v0.5.6 and v1.0.1: the template inlines
 * the Sandbox blueprint (`podTemplate`, `volumeClaimTemplates`) next to
 * `networkPolicyManagement`; the warm pool names its template in
 * `sandboxTemplateRef.name` (not `templateRef`).
 */
import { OPENHANDS_AGENT_SERVER } from "../catalog/frameworks";
import { effectiveAgentSandbox } from "../config/selection";
import type { Config } from "../config/schema";
import type { Plan } from "../plan/types";
import { templateImageId } from "../plan/frameworks";
import { formatImageRef } from "../registry/imageRef";
import { COMMON_LABELS } from "./labels";

export const EXTENSIONS_API_VERSION = "extensions.agents.x-k8s.io/v1beta1";
/** The label that selects a template's pods (NetworkPolicies). */
export const TEMPLATE_LABEL = "app.kubernetes.io/name";

type TemplateSettings = Config["agentSandbox"]["templates"][string];
type Resources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };

/** A template with its preset applied: what the renderer and the policies read. */
export interface ResolvedTemplate {
  readonly name: string;
  readonly preset?: "openhands-agent-server";
  readonly container: string;
  /** Where the pods pull the image from (the mirror when mirrored). */
  readonly image: string;
  readonly port?: number;
  readonly readinessPath?: string;
  readonly args?: readonly string[];
  readonly resources?: Resources;
  readonly uid: number;
  readonly runtimeClassName?: string;
  readonly workspace?: { readonly size: string; readonly mountPath: string };
  /** The env var and Secret that carry the session key (the OpenHands preset). */
  readonly sessionKey?: { readonly env: string; readonly secret: string; readonly key: string };
}

/** A UID outside the ranges images usually assign, for templates that set none. */
export const DEFAULT_TEMPLATE_UID = 65532;

function resolveOne(plan: Plan, name: string, t: TemplateSettings): ResolvedTemplate {
  const c = plan.config;
  const p = t.preset === "openhands-agent-server" ? OPENHANDS_AGENT_SERVER : undefined;
  const imageId = t.image !== undefined ? templateImageId(name) : "openhands.agentServer";
  const img = plan.images.find((i) => i.id === imageId);
  if (img === undefined) throw new Error(`SandboxTemplate ${name}: no image ${imageId} in the plan`);
  const size = t.workspaceSize ?? p?.workspace.size;
  const runtimeClassName = t.runtimeClassName ?? c.gateway.sandboxRuntimeClass;
  const port = t.port ?? p?.port;
  const readinessPath = t.readinessPath ?? p?.healthPath;
  const args = t.args ?? p?.args;
  const resources = t.resources ?? p?.resources;
  return {
    name,
    ...(t.preset !== undefined ? { preset: t.preset } : {}),
    container: p !== undefined ? "agent-server" : "sandbox",
    image: formatImageRef(img.resolved),
    ...(port !== undefined ? { port } : {}),
    ...(readinessPath !== undefined ? { readinessPath } : {}),
    ...(args !== undefined ? { args: [...args] } : {}),
    ...(resources !== undefined ? { resources: { requests: { ...resources.requests }, limits: { ...resources.limits } } } : {}),
    uid: t.runAsUser ?? p?.uid ?? DEFAULT_TEMPLATE_UID,
    ...(runtimeClassName !== undefined ? { runtimeClassName } : {}),
    ...(size !== undefined ? { workspace: { size, mountPath: t.workspaceMountPath ?? p?.workspace.mountPath ?? "/workspace" } } : {}),
    ...(p !== undefined ? { sessionKey: { env: p.sessionKeyEnv, secret: p.sessionKeySecret, key: p.sessionKeyKey } } : {}),
  };
}

/** Every template the stack renders, by name. */
export function resolvedTemplates(plan: Plan): ResolvedTemplate[] {
  if (plan.namespaces.agentSandboxWorkloads === undefined) return [];
  const templates = effectiveAgentSandbox(plan.config).templates;
  return Object.keys(templates)
    .sort()
    .map((name) => resolveOne(plan, name, templates[name]!));
}

const WORKSPACE_VOLUME = OPENHANDS_AGENT_SERVER.workspace.name;

export function sandboxTemplateObject(plan: Plan, t: ResolvedTemplate) {
  const namespace = plan.namespaces.agentSandboxWorkloads!;
  const storageClassName = plan.config.storage.workspaceClass;
  const container = {
    name: t.container,
    image: t.image,
    ...(t.args !== undefined ? { args: [...t.args] } : {}),
    ...(t.sessionKey !== undefined ? { env: [{ name: t.sessionKey.env, valueFrom: { secretKeyRef: { name: t.sessionKey.secret, key: t.sessionKey.key } } }] } : {}),
    ...(t.port !== undefined ? { ports: [{ name: "http", containerPort: t.port, protocol: "TCP" }] } : {}),
    ...(t.port !== undefined && t.readinessPath !== undefined
      ? { readinessProbe: { httpGet: { path: t.readinessPath, port: t.port }, periodSeconds: 3, timeoutSeconds: 3, failureThreshold: 40 } }
      : {}),
    ...(t.resources !== undefined ? { resources: t.resources } : {}),
    // Pod Security restricted: the template's namespace enforces it.
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    ...(t.workspace !== undefined ? { volumeMounts: [{ name: WORKSPACE_VOLUME, mountPath: t.workspace.mountPath }] } : {}),
  };
  return {
    apiVersion: EXTENSIONS_API_VERSION,
    kind: "SandboxTemplate" as const,
    metadata: { name: t.name, namespace, labels: { ...COMMON_LABELS } },
    spec: {
      // The controller's managed policy admits only its sandbox-router; the platform's NetworkPolicies apply instead.
      networkPolicyManagement: "Unmanaged",
      podTemplate: {
        metadata: { labels: { [TEMPLATE_LABEL]: t.name } },
        spec: {
          automountServiceAccountToken: false,
          ...(t.runtimeClassName !== undefined ? { runtimeClassName: t.runtimeClassName } : {}),
          ...(plan.pullSecretName !== undefined ? { imagePullSecrets: [{ name: plan.pullSecretName }] } : {}),
          securityContext: { runAsNonRoot: true, runAsUser: t.uid, runAsGroup: t.uid, fsGroup: t.uid, seccompProfile: { type: "RuntimeDefault" } },
          containers: [container],
        },
      },
      ...(t.workspace !== undefined
        ? {
            volumeClaimTemplates: [
              {
                metadata: { name: WORKSPACE_VOLUME },
                spec: {
                  accessModes: ["ReadWriteOnce"],
                  ...(storageClassName !== undefined ? { storageClassName } : {}),
                  resources: { requests: { storage: t.workspace.size } },
                },
              },
            ],
          }
        : {}),
    },
  };
}

export function sandboxWarmPoolObjects(plan: Plan) {
  const namespace = plan.namespaces.agentSandboxWorkloads;
  if (namespace === undefined) return [];
  const pools = effectiveAgentSandbox(plan.config).warmPools;
  return Object.keys(pools)
    .sort()
    .map((name) => ({
      apiVersion: EXTENSIONS_API_VERSION,
      kind: "SandboxWarmPool" as const,
      metadata: { name, namespace, labels: { ...COMMON_LABELS } },
      spec: { replicas: pools[name]!.replicas, sandboxTemplateRef: { name: pools[name]!.template } },
    }));
}

export type SandboxTemplateObject = ReturnType<typeof sandboxTemplateObject>;
export type SandboxWarmPoolObject = ReturnType<typeof sandboxWarmPoolObjects>[number];
