/**
 * The Kubernetes objects the program itself registers, taken from a mock-engine evaluation of
 * index.ts, in the order the engine may create them: each object after everything its resource
 * depends on (dependsOn and property dependencies; a component stands for all its descendants),
 * ties broken by registration order. Chart renders (helm.v4.Chart) happen in the provider and are
 * not here; a ConfigGroup contributes the objects it was given, Namespaces and CRDs first as the
 * provider applies them. `*Patch` resources are server-side apply patches of their kind.
 *
 * Example stacks and the variant matrix of `npm run graph` are evaluated with the real
 * agent-sandbox release manifest of the pinned version (rebuilt from its Go module) served where
 * the plan fetches it, so the CRDs and controller objects applied are upstream's.
 */
import { RELEASES } from "../../catalog/artifacts";
import { VARIANTS } from "../../bench/graph";
import { FIXTURE_SHA256, FIXTURE_V05_SHA256, exampleConfig, withFixtureDigests } from "../harness/examples";
import { UNKNOWN_VALUE, type Evaluation, type Registered } from "../harness/mocks";
import { runProgram } from "../harness/program";
import { EXAMPLE_STACKS, type StackConfigMap } from "../harness/stackConfig";
import type { K8sObject } from "./api";
import { tlsMaterial } from "./controlPlane";
import { agentSandboxManifest, sha256 } from "./upstream";

export interface GraphObject {
  /** The registered resource's name (a ConfigGroup's objects carry the group's name and an index). */
  readonly resource: string;
  readonly object: K8sObject;
  /** Some input is unknown (only in a preview evaluation, with `allowComputed`): the provider previews it from its inputs. */
  readonly computed?: boolean;
  /** Resource hooks bound to the registered resource (`beforeCreate` → hook names). */
  readonly hooks?: Readonly<Record<string, readonly string[]>>;
}

const K8S_TYPE = /^kubernetes:([^:]+)\/([^:/]+):([A-Za-z]+)$/;

function apiVersionOf(group: string, version: string): string {
  return group === "core" ? version : `${group}/${version}`;
}

function objectsOf(r: Registered): K8sObject[] {
  const m = K8S_TYPE.exec(r.type);
  if (m === null) return [];
  const [, group, version, kind] = m as unknown as [string, string, string, string];
  if (group === "helm.sh") return [];
  if (group === "yaml") {
    const objs = (r.inputs["objs"] ?? []) as K8sObject[];
    const rank = (o: K8sObject): number => (o.kind === "Namespace" ? 0 : o.kind === "CustomResourceDefinition" ? 1 : 2);
    return objs.map((o, i) => [o, i] as const).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([o]) => o);
  }
  const object = { ...r.inputs, apiVersion: apiVersionOf(group, version), kind: kind.replace(/Patch$/, "") } as K8sObject;
  return [object.kind === "Secret" && object["type"] === "kubernetes.io/tls" ? withRealTls(object) : object];
}

/** A TLS Secret with the mock engine's placeholder PEMs replaced by a real certificate and key. */
function withRealTls(secret: K8sObject): K8sObject {
  const material = tlsMaterial();
  const stringData = secret["stringData"] as Record<string, string> | undefined;
  if (stringData === undefined) throw new Error(`Secret ${secret.metadata.name}: kubernetes.io/tls without stringData`);
  const real = Object.fromEntries(Object.keys(stringData).map((k) => [k, k in material ? material[k as keyof typeof material] : stringData[k]!]));
  return { ...secret, stringData: real };
}

/** The objects to apply, in dependency order (with `allowComputed`, objects holding an unknown input are marked, not refused). */
export function graphObjects(ev: Evaluation, opts: { readonly allowComputed?: boolean } = {}): GraphObject[] {
  const byUrn = new Map(ev.resources.map((r) => [r.urn, r]));
  const children = new Map<string, string[]>();
  for (const r of ev.resources) if (r.parent !== "") children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
  const expand = (urn: string): string[] => {
    const r = byUrn.get(urn);
    if (r === undefined) return [];
    return [urn, ...(children.get(urn) ?? []).flatMap(expand)];
  };
  const nodes = ev.resources.filter((r) => objectsOf(r).length > 0);
  const deps = new Map<string, Set<string>>();
  for (const r of nodes) {
    const direct = [...r.dependsOn, ...Object.values(r.propertyDependencies).flat()];
    deps.set(r.urn, new Set(direct.flatMap(expand).filter((u) => u !== r.urn)));
  }
  const done = new Set<string>();
  const out: GraphObject[] = [];
  const pending = [...nodes];
  while (pending.length > 0) {
    const i = pending.findIndex((r) => [...deps.get(r.urn)!].every((u) => done.has(u) || !nodes.some((n) => n.urn === u)));
    if (i < 0) throw new Error(`dependency cycle among ${pending.map((r) => r.name).join(", ")}`);
    const [r] = pending.splice(i, 1) as [Registered];
    done.add(r.urn);
    objectsOf(r).forEach((object, j, all) => {
      const computed = JSON.stringify(object).includes(UNKNOWN_VALUE);
      if (computed && opts.allowComputed !== true) throw new Error(`${r.name}: an input is unknown under the mock engine; the tier cannot apply it`);
      out.push({
        resource: all.length > 1 ? `${r.name}[${j}]` : r.name,
        object,
        ...(computed ? { computed } : {}),
        ...(r.hooks !== undefined ? { hooks: r.hooks } : {}),
      });
    });
  }
  return out;
}

/** The release manifest of `version` served for every agent-sandbox URL the plan may fetch. */
function servedManifests(version: string): { fetches: Record<string, string>; digests: Record<string, string> } {
  const core = agentSandboxManifest(version, false);
  const ext = agentSandboxManifest(version, true);
  const fetches = new Proxy({} as Record<string, string>, {
    get: (_t, url) => (typeof url !== "string" ? undefined : url.endsWith(`/${version}/sandbox.yaml`) ? core : url.endsWith(`/${version}/sandbox-with-extensions.yaml`) ? ext : undefined),
  });
  return { fetches, digests: { "agent-sandbox": sha256(core), "agent-sandbox-with-extensions": sha256(ext) } };
}

/** The agent-sandbox version a configuration installs (its catalog.versions, else the pin). */
function agentSandboxVersionOf(config: StackConfigMap): string {
  const raw = config.config[`${config.project}:catalog`];
  const catalog = (raw !== undefined && raw !== "" ? JSON.parse(raw) : {}) as { versions?: { agentSandbox?: string } };
  return catalog.versions?.agentSandbox ?? RELEASES.agentSandbox.version;
}

/** A stack configuration with every pinned manifest digest set to the served manifest's. */
function withDigests(unpinned: StackConfigMap, digests: Record<string, string>): StackConfigMap {
  // The catalog pins the real release assets' digests; the served manifest is rebuilt here, so every
  // asset is first pinned to a fixture's digest (as the mock tier does), then mapped to the served one.
  const config = withFixtureDigests(unpinned);
  const key = `${config.project}:catalog`;
  const raw = config.config[key];
  if (raw === undefined) return config;
  const catalog = JSON.parse(raw) as { manifestSha256?: Record<string, string> };
  if (catalog.manifestSha256 === undefined) return config;
  const fixtures = [FIXTURE_SHA256, FIXTURE_V05_SHA256];
  const pinned = Object.fromEntries(Object.entries(catalog.manifestSha256).map(([id, sha]) => [id, fixtures.includes(sha) ? (digests[id] ?? sha) : sha]));
  return { ...config, config: { ...config.config, [key]: JSON.stringify({ ...catalog, manifestSha256: pinned }) } };
}

/** Every example stack and every variant of `npm run graph`, by name. */
export const STACK_RUNS: readonly string[] = [...EXAMPLE_STACKS, ...Object.keys(VARIANTS)];

/** Evaluates one example stack or variant under the mock engine with the real manifest served. */
export async function evaluateRun(name: string): Promise<Evaluation> {
  const { stack, config } = runConfig(name);
  return evaluateConfig(stack, config);
}

/** The configuration of an example stack or variant (fixture digests; the real manifest is served by evaluateConfig). */
export function runConfig(name: string): { stack: string; config: StackConfigMap } {
  const variant = VARIANTS[name];
  return variant !== undefined ? { stack: variant.stack, config: variant.config() } : { stack: name, config: exampleConfig(name) };
}

/** Evaluates a stack configuration with the real manifest of its agent-sandbox version served; `preview` as `pulumi preview` runs it. */
export async function evaluateConfig(stack: string, config: StackConfigMap, preview = false): Promise<Evaluation> {
  const { fetches, digests } = servedManifests(agentSandboxVersionOf(config));
  return runProgram(stack, withDigests(config, digests), fetches, preview);
}
