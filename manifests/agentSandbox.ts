/**
 * The agent-sandbox release manifest, made ready for the graph: parsed,
 * checked to be what it claims, the controller image rewritten through the
 * registry resolver, pull secrets added, and split into the parts the graph
 * orders explicitly (Namespace, CRDs, the rest).
 *
 * The controller patches `caBundle` into its CRDs' conversion webhook: the
 * field is removed here and ignored on the CRD resources, so `pulumi up`
 * never fights the controller.
 */
import { parseAllDocuments } from "yaml";
import { formatImageRef, imageName, parseImageRef } from "../registry/imageRef";
import { ManifestError } from "./load";

export type K8sObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
};

export const AGENT_SANDBOX_NAMESPACE = "agent-sandbox-system";
export const SANDBOX_CRD = "sandboxes.agents.x-k8s.io";
export const CA_BUNDLE_PATH = "spec.conversion.webhook.clientConfig.caBundle";

export interface AgentSandboxOptions {
  /** Manifest id, for messages. */
  readonly id: string;
  /** `registry/repository` of the controller image upstream. */
  readonly sourceImage: string;
  /** The controller image this stack pulls (resolved reference). */
  readonly controllerImage: string;
  /** Pull secret to add to every pod template, when mirrored with credentials. */
  readonly pullSecretName?: string;
}

export interface AgentSandboxParts {
  readonly namespace: K8sObject;
  /** CRDs, caBundle removed, in manifest order. */
  readonly crds: readonly K8sObject[];
  /** Every other object, in manifest order. */
  readonly objects: readonly K8sObject[];
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]);

/** Parses a multi-document YAML manifest into Kubernetes objects. */
export function parseManifest(id: string, text: string): K8sObject[] {
  const docs = parseAllDocuments(text);
  const out: K8sObject[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) throw new ManifestError(`manifest "${id}": document ${i + 1} is not valid YAML: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as unknown;
    if (obj === null || obj === undefined) return;
    const o = obj as Partial<K8sObject>;
    if (typeof o !== "object" || typeof o.apiVersion !== "string" || typeof o.kind !== "string" || typeof o.metadata?.name !== "string") {
      throw new ManifestError(`manifest "${id}": document ${i + 1} is not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
    }
    out.push(o as K8sObject);
  });
  if (out.length === 0) throw new ManifestError(`manifest "${id}" contains no Kubernetes objects`);
  return out;
}

/** `spec.template.spec` of a workload (every kind in WORKLOADS has one). */
function podSpecOf(obj: K8sObject): Record<string, unknown> | undefined {
  const template = (obj["spec"] as Record<string, unknown> | undefined)?.["template"] as Record<string, unknown> | undefined;
  return template?.["spec"] as Record<string, unknown> | undefined;
}

/**
 * The release sets no securityContext; the Pod Security "restricted" level
 * needs one. Settings the manifest already has are kept.
 */
function hardenPod(pod: Record<string, unknown>): void {
  const podCtx = (pod["securityContext"] as Record<string, unknown> | undefined) ?? {};
  pod["securityContext"] = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, ...podCtx };
  for (const field of ["initContainers", "containers"]) {
    for (const c of (pod[field] as Record<string, unknown>[] | undefined) ?? []) {
      const ctx = (c["securityContext"] as Record<string, unknown> | undefined) ?? {};
      c["securityContext"] = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, ...ctx };
    }
  }
}

/** Rewrites every container image of a pod spec; an image outside the catalog is an error. */
function rewritePod(pod: Record<string, unknown>, obj: K8sObject, o: AgentSandboxOptions): number {
  let rewritten = 0;
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    const containers = pod[field] as Record<string, unknown>[] | undefined;
    for (const c of containers ?? []) {
      const image = String(c["image"] ?? "");
      let name: string;
      try {
        name = imageName(parseImageRef(image));
      } catch {
        name = image;
      }
      if (name !== o.sourceImage) {
        throw new ManifestError(
          `manifest "${o.id}": ${obj.kind} ${obj.metadata.name} container ${String(c["name"])} uses image "${image}", ` +
            `which is not in the catalog (only ${o.sourceImage} is expected), so it would not be mirrored`,
        );
      }
      c["image"] = o.controllerImage;
      rewritten++;
    }
  }
  hardenPod(pod);
  if (o.pullSecretName !== undefined) {
    const existing = ((pod["imagePullSecrets"] as { name: string }[] | undefined) ?? []).map((s) => s.name);
    const names = [...new Set([...existing, o.pullSecretName])].sort();
    pod["imagePullSecrets"] = names.map((n) => ({ name: n }));
  }
  return rewritten;
}

function stripCaBundle(crd: K8sObject): void {
  const conversion = (crd["spec"] as Record<string, unknown> | undefined)?.["conversion"] as Record<string, unknown> | undefined;
  const clientConfig = (conversion?.["webhook"] as Record<string, unknown> | undefined)?.["clientConfig"] as Record<string, unknown> | undefined;
  if (clientConfig !== undefined) delete clientConfig["caBundle"];
}

export function prepareAgentSandbox(text: string, o: AgentSandboxOptions): AgentSandboxParts {
  const all = parseManifest(o.id, text);
  const namespaces = all.filter((x) => x.kind === "Namespace");
  const crds = all.filter((x) => x.kind === "CustomResourceDefinition");
  const objects = all.filter((x) => x.kind !== "Namespace" && x.kind !== "CustomResourceDefinition");

  if (namespaces.length !== 1 || namespaces[0]!.metadata.name !== AGENT_SANDBOX_NAMESPACE) {
    throw new ManifestError(
      `manifest "${o.id}" should declare exactly the Namespace ${AGENT_SANDBOX_NAMESPACE}, found: ${
        namespaces.map((n) => n.metadata.name).join(", ") || "none"
      }`,
    );
  }
  if (!crds.some((c) => c.metadata.name === SANDBOX_CRD)) {
    throw new ManifestError(`manifest "${o.id}" has no CustomResourceDefinition ${SANDBOX_CRD}: is it the agent-sandbox release?`);
  }
  for (const crd of crds) stripCaBundle(crd);

  let controllers = 0;
  for (const obj of objects) {
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== AGENT_SANDBOX_NAMESPACE) {
      throw new ManifestError(`manifest "${o.id}": ${obj.kind} ${obj.metadata.name} is in namespace ${obj.metadata.namespace}, expected ${AGENT_SANDBOX_NAMESPACE}`);
    }
    if (!WORKLOADS.has(obj.kind)) continue;
    const pod = podSpecOf(obj);
    if (pod !== undefined) controllers += rewritePod(pod, obj, o);
  }
  if (controllers === 0) {
    throw new ManifestError(`manifest "${o.id}" has no workload running ${o.sourceImage}: the controller is missing`);
  }
  return { namespace: namespaces[0]!, crds, objects };
}

/** The images the prepared objects pull (for audits and tests). */
export function imagesOf(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  for (const obj of objects) {
    if (!WORKLOADS.has(obj.kind)) continue;
    const pod = podSpecOf(obj);
    for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
      for (const c of (pod?.[field] as Record<string, unknown>[] | undefined) ?? []) out.push(formatImageRef(parseImageRef(String(c["image"]))));
    }
  }
  return out;
}
