/**
 * JSON trees (Helm values, configuration sections, Kubernetes objects): typed
 * JSON, set by dotted path, merged, keys sorted for byte-stable inputs. The
 * one merge rule of the project lives here: objects merge key by key, the
 * right side wins, lists and scalars replace, `undefined` keeps the left.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Values = { [key: string]: Json };

/** Sets `a.b.c` in a values tree, creating objects on the way. */
export function setPath(tree: Values, path: string, value: Json): void {
  const parts = path.split(".");
  let cur: Values = tree;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (typeof next !== "object" || next === null || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Values;
  }
  cur[parts[parts.length - 1]!] = value;
}

function isObject(v: unknown): v is Values {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge per key, everything else (lists included) replaces; an undefined override keeps the base. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isObject(base) || !isObject(override)) return override;
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v) as Json;
  return out;
}

/** Values trees merged left to right with `deepMerge`. */
export function mergeValues(...trees: Values[]): Values {
  return trees.reduce<Values>((acc, t) => deepMerge(acc, t) as Values, {});
}

/** Recursively sorts object keys (lists keep their order). */
export function sortKeys<T extends Json>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => sortKeys(x)) as T;
  if (isObject(v)) {
    const out: Values = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]!);
    return out as T;
  }
  return v;
}
