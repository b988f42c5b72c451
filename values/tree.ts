/** Helm values trees: typed JSON, set by dotted path, keys sorted for byte-stable inputs. */

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

/** Deep merge of values trees (right wins; lists replace). */
export function mergeValues(...trees: Values[]): Values {
  const out: Values = {};
  for (const t of trees) {
    for (const [k, v] of Object.entries(t)) {
      const prev = out[k];
      out[k] = isObject(prev) && isObject(v) ? mergeValues(prev, v) : v;
    }
  }
  return out;
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
