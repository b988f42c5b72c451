/**
 * The house rules of the source tree, over its relative imports (type-only
 * ones included: a loop of types is still a loop for the reader):
 *
 * 1. no import loop between files;
 * 2. imports point down: a room (top-level folder) imports only rooms on a
 *    lower floor (FLOORS), save the climbs CLIMBS names and justifies.
 *
 * docs/development.md "Layers" describes the floors; change both together.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");
/** Not the project's source: tests, dependencies, build output. */
const SKIP = new Set(["node_modules", "test", "bin", "docs"]);

/** Floors, lowest first. A room may import rooms on lower floors only. */
export const FLOORS: readonly (readonly string[])[] = [
  ["lib", "registry", "pki", "state"], // leaves: helpers, image references and mirror rules, certificates, the protection table and state contract
  ["migration"], // agent-sandbox storage-version migration rules and jobs
  ["catalog"], // pinned upstream artifacts and what they need
  ["config"], // the stack's settings: schema, defaults, rules, loading
  ["plan"], // settings + catalog → the resolved plan
  ["manifests"], // builders, lowest first: upstream manifests, sandbox templates, labels
  ["values"], // chart values
  ["security"], // namespaces, network policies, quotas, RBAC
  ["components", "inventory", "policy"], // Pulumi components; the image inventory; the policy pack
  ["verify"], // reads a live cluster against what the builders expect
  ["(root)"], // index.ts: the Pulumi program
  ["automation"], // the platform command on the Automation API
  ["scripts"], // npm scripts
  ["bench"], // benchmarks and the graph dump (run index.ts and scripts)
];

/**
 * Imports allowed to climb, as "from -> to" file pairs, each with why. Keep
 * the same reason in a one-line comment at the import. None today: add one
 * only where moving the shared code down would be wrong, e.g.
 *   "catalog/x.ts -> config/schema.ts": "type only: ...",
 */
export const CLIMBS: Readonly<Record<string, string>> = {};

/** The project's .ts files, relative to the root with "/" separators. */
export function sourceFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    if (SKIP.has(e) || e.startsWith(".")) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) out.push(relative(ROOT, p).split(sep).join("/"));
  }
  return out.sort();
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']/g;

const DYNAMIC = /\b(?:import|require)\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

/** Relative import specifiers of a source text (import/export ... from, side-effect, dynamic import() and require()). */
/** The text without comments: whole-line // comments first (one may hold "/*", a glob, which would open a block). */
const withoutComments = (text: string): string => text.replace(/^\s*\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");

export function relativeImports(text: string): string[] {
  const noComments = withoutComments(text);
  return [...noComments.matchAll(IMPORT), ...noComments.matchAll(DYNAMIC)].map((m) => m[1]!);
}

/** file → the project files it imports (imports of test/ helpers, e.g. from bench/, are left out). */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const targets: string[] = [];
    for (const spec of relativeImports(readFileSync(join(ROOT, f), "utf8"))) {
      const base = relative(ROOT, resolve(ROOT, dirname(f), spec)).split(sep).join("/");
      const hit = [`${base}.ts`, base, `${base}/index.ts`].find((c) => known.has(c));
      if (hit !== undefined) targets.push(hit);
      else if (!base.startsWith("test/") && !/\.(json|mts)$/.test(base)) throw new Error(`${f}: cannot resolve ${spec}`);
    }
    graph.set(f, [...new Set(targets)].sort());
  }
  return graph;
}

/** Every import loop (strongly connected set of two or more files, or a file importing itself). */
export function importLoops(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) loops.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return loops;
}

export const roomOf = (file: string): string => (file.includes("/") ? file.split("/")[0]! : "(root)");

/** Imports from one room to another that is not on a lower floor ("from -> to"). */
export function climbs(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const floor = new Map(FLOORS.flatMap((rooms, i) => rooms.map((r) => [r, i] as const)));
  const out: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const a = roomOf(from);
      const b = roomOf(to);
      if (a !== b && floor.get(b)! >= floor.get(a)!) out.push(`${from} -> ${to}`);
    }
  }
  return out.sort();
}

describe("the import graph", () => {
  const files = sourceFiles();
  const graph = importGraph(files);

  it("covers the whole source tree", () => {
    const rooms = new Set(files.map(roomOf));
    for (const room of ["(root)", "config", "catalog", "plan", "values", "manifests", "security", "components", "verify", "automation", "scripts", "migration", "registry", "pki", "state", "inventory", "lib", "policy"]) {
      expect(rooms, room).toContain(room);
    }
    expect(files).toContain("index.ts");
    // Every import of a project file was resolved (a typo'd or new kind of specifier would hide edges).
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
  });

  it("every room has a floor", () => {
    const placed = new Set(FLOORS.flat());
    expect([...new Set(files.map(roomOf))].filter((r) => !placed.has(r))).toEqual([]);
    expect(FLOORS.flat().length).toBe(placed.size);
  });

  it("has no import loop", () => {
    expect(importLoops(graph)).toEqual([]);
  });

  it("points down: no room imports one on its own or a higher floor, save the justified climbs", () => {
    expect(climbs(graph)).toEqual(Object.keys(CLIMBS).sort());
  });

  it("the justified climbs carry a comment at the import", () => {
    for (const pair of Object.keys(CLIMBS)) {
      const [from, to] = pair.split(" -> ") as [string, string];
      const lines = readFileSync(join(ROOT, from), "utf8").split("\n");
      const spec = to.replace(/\.ts$/, "").replace(`${roomOf(to)}/`, `../${roomOf(to)}/`);
      const at = lines.findIndex((l) => l.includes(`"${spec}"`));
      expect(at, pair).toBeGreaterThan(0);
      expect(lines[at - 1], pair).toMatch(/^\/\/ /);
    }
  });
});

/** Specifiers a file loads when it runs: static imports that are not type-only (all-`type` brace lists included). */
export function valueImports(text: string): string[] {
  const noComments = withoutComments(text);
  const out: string[] = [];
  for (const m of noComments.matchAll(/(?:^|[\s;])(import|export)\s+(type\s+)?([\w*{}\s,$]*?\s+from\s+)?["']([^"']+)["']/g)) {
    if (m[2] !== undefined) continue;
    const names = /\{([^}]*)\}/.exec(m[3] ?? "")?.[1];
    const onlyTypes = names !== undefined && !/^[^{]*\w[^{]*\{/.test(m[3] ?? "") && names.split(",").map((n) => n.trim()).filter((n) => n !== "").every((n) => n.startsWith("type "));
    if (!onlyTypes) out.push(m[4]!);
  }
  return out;
}

describe("what a preview loads", () => {
  it("@kubernetes/client-node only when the kubeconfig needs it: neither index.ts's static imports nor the preview's migration read (migration/kubeRead.ts) reach it", () => {
    const known = new Set(sourceFiles());
    const seen = new Set<string>();
    const reached: string[] = [];
    const visit = (f: string): void => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const spec of valueImports(readFileSync(join(ROOT, f), "utf8"))) {
        if (!spec.startsWith(".")) {
          if (spec === "@kubernetes/client-node") reached.push(f);
          continue;
        }
        const base = relative(ROOT, resolve(ROOT, dirname(f), spec)).split(sep).join("/");
        const hit = [`${base}.ts`, `${base}/index.ts`].find((c) => known.has(c));
        if (hit !== undefined) visit(hit);
      }
    };
    visit("index.ts");
    visit("migration/kubeRead.ts");
    expect(seen.has("lib/kubeRest.ts")).toBe(true);
    expect(seen.has("components/fromPlan.ts")).toBe(true);
    expect(reached).toEqual([]);
    // The check sees a value import where there is one (lib/kubeconfig.ts is what kubeClient.ts loads).
    expect(valueImports(readFileSync(join(ROOT, "lib/kubeconfig.ts"), "utf8"))).toContain("@kubernetes/client-node");
  });

  it("valueImports skips type-only imports", () => {
    expect(valueImports('import type { A } from "./a";\nimport { type B, type C } from "./b";\nimport { type D, e } from "./d";\nimport * as k from "k";\nimport "./side";\nexport type { F } from "./f";')).toEqual(["./d", "k", "./side"]);
  });
});

describe("the import-graph check itself", () => {
  it("finds loops, including through type-only imports", () => {
    const g = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(importLoops(g)).toEqual([["a.ts", "b.ts", "c.ts"]]);
    expect(relativeImports('import type { X } from "./x";\nexport { y } from "../y";\nimport "./side";\nimport {\n  a,\n  type B,\n} from "./multi";\nconst k = await import("./lazy");\nconst i = require("../index");')).toEqual(["./x", "../y", "./side", "./multi", "./lazy", "../index"]);
  });

  it("ignores commented-out imports", () => {
    expect(relativeImports('// import { x } from "./x";\n/* import { y } from "./y"; */')).toEqual([]);
  });

  it("flags a climb and a sideways import", () => {
    const g = new Map([
      ["catalog/a.ts", ["values/b.ts"]],
      ["components/c.ts", ["inventory/d.ts"]],
      ["values/b.ts", ["catalog/a.ts"]],
    ]);
    expect(climbs(g)).toEqual(["catalog/a.ts -> values/b.ts", "components/c.ts -> inventory/d.ts"]);
  });
});
