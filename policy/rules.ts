/**
 * The policy pack's rules as pure functions over resources as policy packs
 * see them (type, name, props). policy/index.ts wires them into
 * @pulumi/policy; test/policy tests each rule on good and bad resources and
 * runs all of them over every example stack's graph.
 */
import { parseImageRef } from "../registry/imageRef";

export interface Res {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
}

export interface PackConfig {
  readonly tier: "dev" | "staging" | "prod";
  /** Set for mirrored stacks: every image, chart and manifest must come from this host. */
  readonly mirrorHost?: string;
}

/** Without --policy-pack-config the strictest tier applies, and the mirror rule is off. */
export function packConfig(given: Partial<PackConfig>): PackConfig {
  return { tier: given.tier ?? "prod", ...(given.mirrorHost !== undefined ? { mirrorHost: given.mirrorHost } : {}) };
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((cur, k) => obj(cur)?.[k], o);

const POD_TEMPLATE: Readonly<Record<string, string[]>> = {
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
  "kubernetes:core/v1:Pod": ["spec"],
  // agent-sandbox extensions: the controller starts warm-pool pods from the template's pod spec.
  "kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate": ["spec", "podTemplate", "spec"],
};

/** Every image a resource makes the cluster pull. */
export function imagesOf(r: Res): string[] {
  const path = POD_TEMPLATE[r.type];
  if (path !== undefined) {
    const pod = obj(at(r.props, ...path));
    const out: string[] = [];
    for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
      for (const c of (pod?.[field] as Obj[] | undefined) ?? []) if (typeof c["image"] === "string") out.push(c["image"]);
    }
    for (const v of (pod?.["volumes"] as Obj[] | undefined) ?? []) {
      const ref = at(v, "image", "reference");
      if (typeof ref === "string") out.push(ref);
    }
    return out;
  }
  if (r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster") {
    const image = at(r.props, "spec", "imageName");
    return typeof image === "string" ? [image] : [];
  }
  return [];
}

function registryOf(image: string): string | undefined {
  try {
    return parseImageRef(image).registry;
  } catch {
    return undefined;
  }
}

function hostOfUrl(url: string): string {
  return url.replace(/^[a-z]+:\/\//, "").split("/")[0]!;
}

/** Mirrored stacks: no image, chart or manifest from anywhere but the mirror. */
export function mirrorViolations(r: Res, cfg: PackConfig): string[] {
  if (cfg.mirrorHost === undefined) return [];
  const mirror = cfg.mirrorHost;
  const out = imagesOf(r)
    .filter((i) => registryOf(i) !== mirror)
    .map((i) => `image ${i} is not pulled from the mirror ${mirror}`);
  if (r.type === "kubernetes:helm.sh/v4:Chart" || r.type === "kubernetes:helm.sh/v3:Release") {
    const chart = String(r.props["chart"] ?? "");
    const repo = at(r.props, "repositoryOpts", "repo");
    const source = typeof repo === "string" ? hostOfUrl(repo) : chart.startsWith("oci://") ? hostOfUrl(chart) : undefined;
    if (source !== mirror) out.push(`chart ${chart} comes from ${source ?? "a local path"}, not the mirror ${mirror}`);
  }
  if (r.type === "kubernetes:yaml/v2:ConfigGroup" || r.type === "kubernetes:yaml/v2:ConfigFile") {
    const files = ([] as unknown[]).concat(r.props["files"] ?? [], r.props["file"] ?? []);
    for (const f of files) if (typeof f === "string" && /^https?:\/\//.test(f) && hostOfUrl(f) !== mirror) out.push(`manifest ${f} is not on the mirror`);
  }
  return out;
}

/** staging and prod: no `latest` tag, and no untagged image (which means latest). */
export function latestTagViolations(r: Res, cfg: PackConfig): string[] {
  if (cfg.tier === "dev") return [];
  return imagesOf(r).flatMap((i) => {
    try {
      const ref = parseImageRef(i);
      if (ref.tag === "latest") return [`image ${i} uses the latest tag (not allowed in ${cfg.tier})`];
      if (ref.tag === undefined && ref.digest === undefined) return [`image ${i} has no tag, which means latest (not allowed in ${cfg.tier})`];
      return [];
    } catch {
      return [`image ${i} is not a valid reference`];
    }
  });
}

export const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";

/** Every Namespace carries a Pod Security enforce label. */
export function podSecurityViolations(r: Res): string[] {
  if (r.type !== "kubernetes:core/v1:Namespace") return [];
  const level = at(r.props, "metadata", "labels", PSA_ENFORCE);
  return ["privileged", "baseline", "restricted"].includes(String(level))
    ? []
    : [`namespace ${String(at(r.props, "metadata", "name") ?? r.name)} has no ${PSA_ENFORCE} label (privileged, baseline or restricted)`];
}

/** A NetworkPolicy that selects every pod and allows nothing either way. */
export function isDefaultDeny(r: Res): boolean {
  if (r.type !== "kubernetes:networking.k8s.io/v1:NetworkPolicy") return false;
  const spec = obj(r.props["spec"]);
  const selector = obj(spec?.["podSelector"]) ?? {};
  const everyPod = Object.keys(obj(selector["matchLabels"]) ?? {}).length === 0 && ((selector["matchExpressions"] as unknown[] | undefined) ?? []).length === 0;
  const types = (spec?.["policyTypes"] as string[] | undefined) ?? [];
  const empty = (k: string) => ((spec?.[k] as unknown[] | undefined) ?? []).length === 0;
  return everyPod && types.includes("Ingress") && types.includes("Egress") && empty("ingress") && empty("egress");
}

/** Every Namespace the stack creates has a default-deny NetworkPolicy. */
export function defaultDenyViolations(resources: readonly Res[]): string[] {
  const covered = new Set(resources.filter(isDefaultDeny).map((r) => String(at(r.props, "metadata", "namespace"))));
  return resources
    .filter((r) => r.type === "kubernetes:core/v1:Namespace")
    .map((r) => String(at(r.props, "metadata", "name") ?? r.name))
    .filter((ns) => !covered.has(ns))
    .map((ns) => `namespace ${ns} has no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)`);
}

const SECRET_LOOKING = /(token|passw(or)?d|secret|credential|(^|[-_.])(api[-_]?)?key($|[-_.]))/i;

/** ConfigMaps hold no secret-looking keys: those belong in Secrets. */
export function configMapViolations(r: Res): string[] {
  if (r.type !== "kubernetes:core/v1:ConfigMap") return [];
  const keys = [...Object.keys(obj(r.props["data"]) ?? {}), ...Object.keys(obj(r.props["binaryData"]) ?? {})];
  return keys.filter((k) => SECRET_LOOKING.test(k)).map((k) => `ConfigMap ${r.name} has a secret-looking key "${k}": put it in a Secret`);
}

/** prod: no chart repository over plain HTTP. */
export function plainHttpChartViolations(r: Res, cfg: PackConfig): string[] {
  if (cfg.tier !== "prod" || (r.type !== "kubernetes:helm.sh/v4:Chart" && r.type !== "kubernetes:helm.sh/v3:Release")) return [];
  const repo = at(r.props, "repositoryOpts", "repo");
  const out: string[] = [];
  if (r.props["plainHttp"] === true) out.push(`chart ${String(r.props["chart"])} is pulled over plain HTTP (plainHttp)`);
  if (typeof repo === "string" && repo.startsWith("http://")) out.push(`chart repository ${repo} is plain HTTP`);
  return out;
}

/** Every resource-level rule at once (stack-level rules apart). */
export function resourceViolations(r: Res, cfg: PackConfig): string[] {
  return [
    ...mirrorViolations(r, cfg),
    ...latestTagViolations(r, cfg),
    ...podSecurityViolations(r),
    ...configMapViolations(r),
    ...plainHttpChartViolations(r, cfg),
  ];
}
