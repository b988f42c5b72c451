/**
 * Multi-document YAML read the way the `yaml` package reads it by default
 * (YAML 1.2, core schema: `yaml.parseAllDocuments(text).map(d => d.toJS())`),
 * through js-yaml, which reads the agent-sandbox release manifest in a tenth
 * of the time (it is already loaded by the SDK). The manifest is read before
 * the provider is registered, so its parse is on the path every preview
 * waits for: 0.1 s of it on the real engine (docs/development.md).
 *
 * js-yaml's own schemas differ from the core schema on a few plain scalars
 * (`0b101`, `-.5`, `-0`), so the implicit types below are the core schema's
 * resolution rules (YAML 1.2.2 §10.3.2), with the `yaml` package's choices:
 * integers as numbers, `.nan` as NaN, merge keys (`<<`) as plain keys.
 *
 * Map keys are where the two differ beyond scalars. A null key is "" in
 * both (NullNode below). An empty key is "" in `yaml` and "null" in js-yaml,
 * and a collection key is its YAML text in `yaml` and its JavaScript string
 * in js-yaml. Kubernetes objects have neither, so a text that has a "null"
 * key once read, or may have a collection key (LEFT_TO_YAML), is left to
 * `yaml`, as is a text with an alias (`yaml` caps how far aliases expand,
 * js-yaml does not) and a text js-yaml refuses (syntax, or a tag outside the
 * core schema): undefined is returned and the caller reads it with `yaml`,
 * which keeps its checks and messages. The release manifests have none of
 * these.
 * test/manifests/yamlCore.test.ts checks both agree on scalars and documents.
 */
import * as jsyaml from "js-yaml";

const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
  new jsyaml.Type(`tag:yaml.org,2002:${tag}`, { kind: "scalar", resolve: (s: unknown) => typeof s === "string" && test.test(s), construct });

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

function int(s: string): number {
  if (s.startsWith("0o")) return parseInt(s.slice(2), 8);
  if (s.startsWith("0x")) return parseInt(s.slice(2), 16);
  return parseInt(s, 10);
}

function float(s: string): number {
  const special = s.slice(-3).toLowerCase();
  if (special === "nan") return NaN;
  if (special === "inf") return s.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return parseFloat(s);
}

/**
 * What a null node is built as: js-yaml makes a map key of it with String(),
 * which gives "" as `yaml` does (js-yaml's own null gives "null"); values are
 * put back to null after loading (restoreNulls).
 */
class NullNode {
  get [Symbol.toStringTag](): string {
    return "NullNode";
  }
  toString(): string {
    return "";
  }
}
const NULL_NODE = new NullNode();

/** Thrown by restoreNulls at a key js-yaml may have made from an empty key. */
class EmptyKey extends Error {}

/**
 * Puts null back for NullNode values. A key "null" is what js-yaml makes of
 * an empty key (`yaml`: ""), since a null key is "" here: it throws EmptyKey,
 * and the text is left to `yaml` (a quoted "null" key is a false alarm).
 */
function restoreNulls(value: unknown): unknown {
  if (value === NULL_NODE) return null;
  if (value === null || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  const isArray = Array.isArray(value);
  for (const k of Object.keys(o)) {
    if (!isArray && k === "null") throw new EmptyKey();
    o[k] = restoreNulls(o[k]);
  }
  return value;
}

/** The core schema's implicit scalars over js-yaml's failsafe schema (str, seq, map). */
export const CORE = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    // js-yaml passes an empty node (`key:`) as null.
    new jsyaml.Type("tag:yaml.org,2002:null", { kind: "scalar", resolve: (s: unknown) => s === null || (typeof s === "string" && NULL.test(s)), construct: () => NULL_NODE }),
    scalar("bool", BOOL, (s) => s[0] === "t" || s[0] === "T"),
    scalar("int", INT, int),
    scalar("float", FLOAT, float),
  ],
});

/** Texts left to `yaml` (a false alarm only costs the speed-up): see the file comment. */
export const LEFT_TO_YAML: readonly RegExp[] = [
  /^[ \t]*(?:-[ \t]+)*\?(?:[ \t]|$)/m, // an explicit key, block (a collection may follow)
  /[{,[][ \t]*\?(?:[ \t]|$)/m, // an explicit key, flow
  /[\]}][ \t]*:/, // a flow collection as a key
  /(?:^|[\s[{,])\*[^\s,[\]{}]/m, // an alias
];

/** Every document's value, as `yaml` returns them; undefined when the text is left to `yaml` (see the file comment). */
export function loadAllCore(text: string): unknown[] | undefined {
  if (LEFT_TO_YAML.some((re) => re.test(text))) return undefined;
  try {
    return (jsyaml.loadAll(text, null, { schema: CORE }) as unknown[]).map(restoreNulls);
  } catch {
    return undefined;
  }
}
