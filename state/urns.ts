/**
 * URNs as the engine records them in a stack's state, and the aliases that
 * map a resource to the URN an older version of the program gave it.
 *
 * Pulumi identifies a resource by its URN:
 * `urn:pulumi:<stack>::<project>::<parent's qualified type>$<type>::<name>`,
 * the qualified type being the chain of parent types below the stack. A
 * changed name, type or parent is a new URN, and without an alias the engine
 * plans a create of the new one and a delete of the old one: a new CA, a new
 * KEK, a deleted CRD (and with it every sandbox).
 *
 * The alias rule reproduces the engine's (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go: collapseAliasToUrn, generateAliases,
 * inheritedChildAlias): an alias fills what it leaves out from the resource
 * itself; a child inherits its parent's aliases, its name's parent-name
 * prefix swapped for the alias's name.
 */

/** One registration, as the mock engine recorded it. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  /** The URN the engine returned (the mock engine's own scheme). */
  readonly urn: string;
  /** The parent's URN, as the engine returned it; "" for none. */
  readonly parent: string;
  readonly aliases: readonly Alias[];
}

export type Alias =
  | { readonly urn: string }
  | { readonly name?: string; readonly type?: string; readonly stack?: string; readonly project?: string; readonly parentUrn?: string; readonly noParent?: boolean };

const STACK_TYPE = "pulumi:pulumi:Stack";

export function urnOf(stack: string, project: string, qualifiedType: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/** The qualified type of a URN (`Parent$Child`), and its name. */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; name: string } {
  const m = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/.exec(urn);
  if (m === null) throw new Error(`not a URN: ${urn}`);
  return { stack: m[1]!, project: m[2]!, qualifiedType: m[3]!, name: m[4]! };
}

/** The type chain a child of `parentUrn` gets: the parent's qualified type, unless the parent is the stack. */
function childType(parentUrn: string | undefined, type: string): string {
  if (parentUrn === undefined) return type;
  const qt = parseUrn(parentUrn).qualifiedType;
  return qt === STACK_TYPE ? type : `${qt}$${type}`;
}

export interface UrnIndex {
  /** The state URN of a registration. */
  readonly urn: (r: Registration) => string;
  /** Every URN the engine would match the registration against in an older state: its own and its aliases'. */
  readonly candidates: (r: Registration) => ReadonlySet<string>;
}

/** State URNs and alias candidates for a set of registrations of one stack. */
export function indexUrns(registrations: readonly Registration[], stack: string, project: string): UrnIndex {
  const byEngineUrn = new Map(registrations.map((r) => [r.urn, r]));
  const urns = new Map<Registration, string>();
  const candidateSets = new Map<Registration, Set<string>>();

  const parentOf = (r: Registration): Registration | undefined => (r.parent === "" ? undefined : byEngineUrn.get(r.parent));
  /** A parent URN as the state holds it (a stack parent is no parent). */
  const stateParent = (r: Registration): string | undefined => {
    const p = parentOf(r);
    return p === undefined || p.type === STACK_TYPE ? undefined : urn(p);
  };
  const urn = (r: Registration): string => {
    const hit = urns.get(r);
    if (hit !== undefined) return hit;
    const parent = parentOf(r);
    const u = urnOf(stack, project, childType(parent === undefined || parent.type === STACK_TYPE ? undefined : urn(parent), r.type), r.name);
    urns.set(r, u);
    return u;
  };
  /** An alias spec collapsed to a URN, with what it leaves out taken from the resource. */
  const collapse = (a: Alias, r: Registration, parentUrn: string | undefined): string => {
    if ("urn" in a) return a.urn;
    const parent = a.noParent === true ? undefined : a.parentUrn !== undefined ? translate(a.parentUrn) : parentUrn;
    return urnOf(a.stack ?? stack, a.project ?? project, childType(parent, a.type ?? r.type), a.name ?? r.name);
  };
  /**
   * An engine URN given as an alias parent, as the state holds it: a
   * registration's, or one the SDK derived from a registration's with
   * createUrn (`<its URN up to the name>$<type>::<name>`, e.g. the URN of a
   * child not registered yet), which is that child's URN in the state.
   */
  const translate = (engineUrn: string): string | undefined => {
    const r = byEngineUrn.get(engineUrn);
    if (r !== undefined) return r.type === STACK_TYPE ? undefined : urn(r);
    const prefixOf = (x: Registration) => `${x.urn.slice(0, x.urn.lastIndexOf("::"))}$`;
    const from = registrations.filter((x) => engineUrn.startsWith(prefixOf(x))).sort((a, b) => prefixOf(b).length - prefixOf(a).length)[0];
    if (from === undefined) return engineUrn;
    const rest = engineUrn.slice(prefixOf(from).length);
    const sep = rest.indexOf("::");
    if (sep < 0) return engineUrn;
    return urnOf(stack, project, childType(from.type === STACK_TYPE ? undefined : urn(from), rest.slice(0, sep)), rest.slice(sep + 2));
  };
  const candidates = (r: Registration): Set<string> => {
    const hit = candidateSets.get(r);
    if (hit !== undefined) return hit;
    const own = urn(r);
    const out = new Set<string>([own]);
    const parentUrn = stateParent(r);
    for (const a of r.aliases) out.add(collapse(a, r, parentUrn));
    const parent = parentOf(r);
    if (parent !== undefined && parent.type !== STACK_TYPE) {
      for (const parentAlias of candidates(parent)) {
        if (parentAlias === urn(parent)) continue;
        const aliasName = parseUrn(parentAlias).name;
        const name = r.name.startsWith(parent.name) ? `${aliasName}${r.name.slice(parent.name.length)}` : r.name;
        out.add(urnOf(stack, project, childType(parentAlias, r.type), name));
        for (const a of r.aliases) out.add(collapse(a, r, parentAlias));
      }
    }
    candidateSets.set(r, out);
    return out;
  };
  return { urn, candidates };
}

/** Resource types whose state users cannot get back, or whose loss takes such state with it. */
export function isStateful(type: string): boolean {
  return (
    type.startsWith("tls:") ||
    type.startsWith("random:") ||
    [
      "kubernetes:core/v1:Secret",
      "kubernetes:core/v1:Namespace",
      "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
      "kubernetes:postgresql.cnpg.io/v1:Cluster",
      "kubernetes:storage.k8s.io/v1:StorageClass",
      // A chart's children (CRDs, the gateway's volumes) go with it; the provider takes everything.
      "kubernetes:helm.sh/v4:Chart",
      "pulumi:providers:kubernetes",
    ].includes(type)
  );
}

export interface ContractCheck {
  /** Contract URNs no registration matches, directly or through an alias: they would be deleted. */
  readonly lost: readonly string[];
  /** Stateful URNs the contract does not list yet. */
  readonly unlisted: readonly string[];
}

/** Compares one stack's registrations with the URNs its users' states hold. */
export function checkContract(contract: readonly string[], registrations: readonly Registration[], stack: string, project: string): ContractCheck {
  const index = indexUrns(registrations, stack, project);
  const matched = new Set(registrations.flatMap((r) => [...index.candidates(r)]));
  const listed = new Set(contract);
  return {
    lost: contract.filter((u) => !matched.has(u)).sort(),
    unlisted: registrations
      .filter((r) => isStateful(r.type))
      .map((r) => index.urn(r))
      .filter((u) => !listed.has(u))
      .sort(),
  };
}
