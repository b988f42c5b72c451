/** automation/ has no import cycle (#24: client, deps, orchestrate and verify used to import each other through orchestrate). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const DIR = join(__dirname, "..", "..", "automation");

/** Runtime imports between automation modules (`import type` is erased, so it cannot loop). */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of readdirSync(DIR).filter((n) => n.endsWith(".ts"))) {
    const text = readFileSync(join(DIR, f), "utf8");
    const deps = [...text.matchAll(/^import (?!type )[^;]*? from "\.\/([\w-]+)";/gms)].map((m) => `${m[1]}.ts`);
    g.set(f, deps);
  }
  return g;
}

describe("automation imports", () => {
  it("form no cycle; stacks.ts, fleet.ts, pending.ts, args.ts and engine.ts import no other command module", () => {
    const g = graph();
    const cycles: string[] = [];
    const visit = (n: string, path: string[]) => {
      if (path.includes(n)) return void cycles.push([...path.slice(path.indexOf(n)), n].join(" → "));
      for (const d of g.get(n) ?? []) visit(d, [...path, n]);
    };
    for (const n of g.keys()) visit(n, []);
    expect(cycles).toEqual([]);
    for (const low of ["stacks.ts", "fleet.ts", "pending.ts", "args.ts", "engine.ts"]) {
      expect([low, (g.get(low) ?? []).filter((d) => !["stacks.ts", "fleet.ts", "pending.ts", "args.ts", "engine.ts"].includes(d))]).toEqual([low, []]);
    }
    expect(g.get("orchestrate.ts")).toEqual(expect.arrayContaining(["stacks.ts", "client.ts", "verify.ts", "recover.ts"]));
  });
});
