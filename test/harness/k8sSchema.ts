/**
 * Validates Kubernetes objects against the upstream OpenAPI schemas, using
 * the generated validators of `kubernetes-models` (maintained, per
 * Kubernetes release). Covers plain objects the graph registers as
 * `kubernetes:<group>/<version>:<Kind>` resources and objects inside
 * ConfigGroups (`objs`). Custom resources (CloudNativePG, agent-sandbox)
 * have no schema here and are reported as skipped, never as valid.
 */
import { objectKindOf } from "../../lib/kubeTypes";
import type { Evaluation } from "./mocks";

export interface K8sObject {
  apiVersion?: unknown;
  kind?: unknown;
  [key: string]: unknown;
}

export interface SchemaResult {
  readonly object: string;
  /** `valid`, `invalid` (with errors) or `skipped` (no built-in schema). */
  readonly status: "valid" | "invalid" | "skipped";
  readonly errors: readonly string[];
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`; core `v1` → `kubernetes-models/v1/…`. */
export function modelModule(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/** Built-in API groups kubernetes-models ships. Anything else is a custom resource. */
const BUILTIN_GROUP = /^(v1|(apps|batch|autoscaling|policy|[a-z0-9-]+\.k8s\.io)\/v[0-9a-z]+)$/;

const cache = new Map<string, ModelClass | null>();

async function loadModel(apiVersion: string, kind: string): Promise<ModelClass | null> {
  const key = `${apiVersion}/${kind}`;
  if (cache.has(key)) return cache.get(key)!;
  let model: ModelClass | null = null;
  if (BUILTIN_GROUP.test(apiVersion)) {
    try {
      const mod = (await import(/* @vite-ignore */ modelModule(apiVersion, kind))) as Record<string, ModelClass>;
      model = mod[kind] ?? null;
    } catch {
      model = null;
    }
  }
  cache.set(key, model);
  return model;
}

/** Drops Pulumi-only fields before validation. */
function plain(obj: K8sObject): K8sObject {
  const out: K8sObject = {};
  for (const [k, v] of Object.entries(obj)) if (!k.startsWith("__")) out[k] = v;
  return out;
}

export async function validateObject(obj: K8sObject): Promise<SchemaResult> {
  const apiVersion = String(obj.apiVersion ?? "");
  const kind = String(obj.kind ?? "");
  const meta = (obj["metadata"] ?? {}) as { name?: string; namespace?: string };
  const label = `${apiVersion} ${kind} ${meta.namespace !== undefined ? `${meta.namespace}/` : ""}${meta.name ?? "<generated>"}`;
  if (apiVersion === "" || kind === "") return { object: label, status: "invalid", errors: ["apiVersion and kind are required"] };
  const model = await loadModel(apiVersion, kind);
  if (model === null) {
    // A built-in group with an unknown kind is a typo, not a custom resource.
    if (BUILTIN_GROUP.test(apiVersion)) return { object: label, status: "invalid", errors: [`no ${kind} in ${apiVersion}`] };
    return { object: label, status: "skipped", errors: [] };
  }
  try {
    new model(plain(obj)).validate();
    return { object: label, status: "valid", errors: [] };
  } catch (err) {
    const details = (err as { errors?: { instancePath?: string; message?: string }[] }).errors;
    const errors =
      details !== undefined ? details.map((e) => `${e.instancePath ?? ""} ${e.message ?? ""}`.trim()) : [String((err as Error).message)];
    return { object: label, status: "invalid", errors };
  }
}

/** The object a type token manages (lib/kubeTypes.ts), undefined when it is not one object. */
export function typeToGvk(type: string): { readonly apiVersion: string; readonly kind: string } | undefined {
  const gvk = objectKindOf(type);
  return typeof gvk === "object" ? gvk : undefined;
}

/**
 * Every plain Kubernetes object the evaluation registered: Pulumi
 * Kubernetes resources plus the `objs` of ConfigGroups.
 */
export function kubernetesObjects(ev: Evaluation): K8sObject[] {
  const out: K8sObject[] = [];
  for (const r of ev.resources) {
    const gvk = typeToGvk(r.type);
    if (gvk !== undefined) {
      out.push({ ...r.inputs, apiVersion: gvk.apiVersion, kind: gvk.kind });
      continue;
    }
    if (r.type === "kubernetes:yaml/v2:ConfigGroup" && Array.isArray(r.inputs["objs"])) {
      for (const o of r.inputs["objs"] as K8sObject[]) out.push(o);
    }
  }
  return out;
}

/** Validates every object; returns all results (tests assert none is invalid). */
export async function validateAll(objects: readonly K8sObject[]): Promise<SchemaResult[]> {
  return Promise.all(objects.map((o) => validateObject(o)));
}
