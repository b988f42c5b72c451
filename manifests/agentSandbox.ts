/**
 * The agent-sandbox release manifest, made ready for the graph: parsed,
 * checked to be what it claims, the controller image rewritten through the
 * registry resolver, pull secrets added, and split into the parts the graph
 * orders explicitly (Namespace, CRDs, the rest).
 *
 * The controller patches `caBundle` into its CRDs' conversion webhook: the
 * field is removed here and ignored on the CRD resources, so `pulumi up`
 * never fights the controller.
 *
 * Two additions make Pulumi's await of the controller mean something: health
 * probes on the controller container (releases declare none; the catalog
 * says which versions serve the endpoints), and a `depends-on` annotation
 * on each workload naming the objects of the group it uses (ServiceAccount,
 * its RBAC, ConfigMaps, Secrets), which the ConfigGroup turns into
 * dependsOn, so the workload is created after them.
 */
import { parseAllDocuments } from "yaml";
import { AGENT_SANDBOX_NAMESPACE, type HealthEndpoints } from "../catalog/artifacts";
import { formatImageRef, imageName, parseImageRef } from "../registry/imageRef";
import { ManifestError } from "./load";
import { loadAllCore } from "./yamlCore";

export { AGENT_SANDBOX_NAMESPACE };

export type K8sObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
};

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
  /** Where the controller serves its health checks (catalog agentSandboxHealth); probes are added when set. */
  readonly health?: HealthEndpoints;
}

export interface AgentSandboxParts {
  readonly namespace: K8sObject;
  /** CRDs, caBundle removed, in manifest order. */
  readonly crds: readonly K8sObject[];
  /** Every other object, in manifest order. */
  readonly objects: readonly K8sObject[];
}

const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]);

/**
 * The cli-utils annotation yaml/v2.ConfigGroup (and helm.v4.Chart) read to
 * order the objects they register: a comma-separated list of
 * `<group>/namespaces/<namespace>/<Kind>/<name>` (namespaced) or
 * `<group>/<Kind>/<name>` (cluster-scoped); each must be in the same group.
 */
export const DEPENDS_ON_ANNOTATION = "config.kubernetes.io/depends-on";

/** Probe timing: a first check soon after start, then every period; three failures in a row count. */
const PROBE_TIMING = {
  readiness: { initialDelaySeconds: 5, periodSeconds: 10 },
  liveness: { initialDelaySeconds: 15, periodSeconds: 20 },
} as const;

/**
 * Parses a multi-document YAML manifest into Kubernetes objects. Read through
 * js-yaml with the core schema (manifests/yamlCore.ts: the same values as
 * `yaml`, faster); a text js-yaml refuses is read with `yaml`, whose message
 * names the document.
 */
export function parseManifest(id: string, text: string): K8sObject[] {
  const values = loadAllCore(text) ?? parseAllDocuments(text).map((doc, i) => {
    if (doc.errors.length > 0) throw new ManifestError(`manifest "${id}": document ${i + 1} is not valid YAML: ${doc.errors[0]!.message}`);
    return doc.toJS() as unknown;
  });
  const out: K8sObject[] = [];
  values.forEach((obj, i) => {
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
      if (field === "containers" && o.health !== undefined) addProbes(c, obj, o.id, o.health);
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

/** Readiness and liveness probes on the controller container; a probe the manifest declares is kept. */
function addProbes(c: Record<string, unknown>, obj: K8sObject, id: string, health: HealthEndpoints): void {
  const ports = (c["ports"] as { name?: unknown }[] | undefined) ?? [];
  if (!ports.some((p) => p.name === health.port)) {
    throw new ManifestError(
      `manifest "${id}": ${obj.kind} ${obj.metadata.name} container ${String(c["name"])} declares no port named ${health.port}, ` +
        `where the catalog says this version serves ${health.readiness} and ${health.liveness}`,
    );
  }
  c["readinessProbe"] ??= { httpGet: { path: health.readiness, port: health.port }, ...PROBE_TIMING.readiness };
  c["livenessProbe"] ??= { httpGet: { path: health.liveness, port: health.port }, ...PROBE_TIMING.liveness };
}

/** `group/namespaces/ns/Kind/name` or `group/Kind/name`: how the depends-on annotation names an object. */
export function objectRef(obj: Pick<K8sObject, "apiVersion" | "kind" | "metadata">): string {
  const slash = obj.apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : obj.apiVersion.slice(0, slash);
  const ns = obj.metadata.namespace;
  return ns !== undefined ? `${group}/namespaces/${ns}/${obj.kind}/${obj.metadata.name}` : `${group}/${obj.kind}/${obj.metadata.name}`;
}

type Spec = Record<string, unknown>;
const list = (v: unknown): Spec[] => (Array.isArray(v) ? (v as Spec[]) : []);
const field = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((x, k) => (typeof x === "object" && x !== null ? (x as Spec)[k] : undefined), v);

/** ConfigMap and Secret names a pod spec reads: volumes (projected too), envFrom, env, image pull secrets. */
function podReferences(pod: Spec): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const add = (set: Set<string>, name: unknown) => {
    if (typeof name === "string") set.add(name);
  };
  for (const v of list(pod["volumes"])) {
    add(configMaps, field(v, "configMap", "name"));
    add(secrets, field(v, "secret", "secretName"));
    for (const src of list(field(v, "projected", "sources"))) {
      add(configMaps, field(src, "configMap", "name"));
      add(secrets, field(src, "secret", "name"));
    }
  }
  for (const c of [...list(pod["initContainers"]), ...list(pod["containers"])]) {
    for (const e of list(c["envFrom"])) {
      add(configMaps, field(e, "configMapRef", "name"));
      add(secrets, field(e, "secretRef", "name"));
    }
    for (const e of list(c["env"])) {
      add(configMaps, field(e, "valueFrom", "configMapKeyRef", "name"));
      add(secrets, field(e, "valueFrom", "secretKeyRef", "name"));
    }
  }
  for (const s of list(pod["imagePullSecrets"])) add(secrets, s["name"]);
  return { configMaps, secrets };
}

/**
 * The objects of the group a workload uses: its ServiceAccount, the
 * bindings that grant that account (and the roles they bind), and the
 * ConfigMaps and Secrets its pods read. Objects outside the group (the
 * mirror pull Secret, Secrets the controller makes itself) are not listed.
 */
export function usedObjects(workload: K8sObject, objects: readonly K8sObject[]): K8sObject[] {
  const pod = podSpecOf(workload);
  if (pod === undefined) return [];
  const ns = workload.metadata.namespace;
  const account = String(pod["serviceAccountName"] ?? pod["serviceAccount"] ?? "default");
  const refs = podReferences(pod);
  const inNs = (o: K8sObject) => o.metadata.namespace === ns;
  const grantsAccount = (o: K8sObject) =>
    (o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding") &&
    list(o["subjects"]).some((s) => s["kind"] === "ServiceAccount" && s["name"] === account && (s["namespace"] ?? o.metadata.namespace) === ns);
  const bindings = objects.filter(grantsAccount);
  const bound = (o: K8sObject) =>
    bindings.some((b) => {
      const ref = b["roleRef"] as Spec | undefined;
      if (ref?.["name"] !== o.metadata.name || ref["kind"] !== o.kind) return false;
      return o.kind === "ClusterRole" || (o.kind === "Role" && b.metadata.namespace === o.metadata.namespace);
    });
  return objects.filter(
    (o) =>
      (o.kind === "ServiceAccount" && inNs(o) && o.metadata.name === account) ||
      (o.kind === "ConfigMap" && inNs(o) && refs.configMaps.has(o.metadata.name)) ||
      (o.kind === "Secret" && inNs(o) && refs.secrets.has(o.metadata.name)) ||
      bindings.includes(o) ||
      bound(o),
  );
}

/** Every workload names what it uses in the depends-on annotation (merged with one the manifest has). */
function orderWorkloads(objects: readonly K8sObject[]): void {
  for (const w of objects.filter((o) => WORKLOADS.has(o.kind))) {
    const used = usedObjects(w, objects).map(objectRef);
    if (used.length === 0) continue;
    const annotations = (w.metadata["annotations"] as Record<string, string> | undefined) ?? {};
    const existing = (annotations[DEPENDS_ON_ANNOTATION] ?? "").split(",").map((x) => x.trim()).filter((x) => x !== "");
    w.metadata["annotations"] = { ...annotations, [DEPENDS_ON_ANNOTATION]: [...new Set([...existing, ...used])].sort().join(",") };
  }
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
  orderWorkloads(objects);
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
