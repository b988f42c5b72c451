/** The fleet's pure logic: waves, the bounded pool, failure isolation, exit codes, the summary (table and property tests). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fleetExitCode, formatChanges, runFleet, waves, type Outcome, type StackResult } from "../../automation/fleet";
import { TIERS, type Tier } from "../../automation/stacks";

type S = { name: string; tier: Tier };
const stackArb = fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), tier: fc.constantFrom(...TIERS) }), { minLength: 1, maxLength: 24, selector: (s) => s.name });

/** Runs the fleet with operations that take `delay(name)` ticks; records the in-flight high-water mark and the event order. */
async function simulate(stacks: S[], parallel: number, opts: { tierOrder: boolean; failFast?: boolean; fail?: ReadonlySet<string>; delay?: (n: string) => number }) {
  let inFlight = 0;
  let max = 0;
  const events: string[] = [];
  const results = await runFleet(waves(stacks, opts.tierOrder), "up", { parallel, failFast: opts.failFast ?? false }, async (s) => {
    inFlight++;
    max = Math.max(max, inFlight);
    events.push(`start ${s.name}`);
    for (let i = 0; i < (opts.delay?.(s.name) ?? 1); i++) await Promise.resolve();
    inFlight--;
    events.push(`end ${s.name}`);
    if (opts.fail?.has(s.name)) throw new Error("boom");
    return { stack: s.name, tier: s.tier, operation: "up", result: "ok", durationMs: 1 };
  });
  return { results, max, events };
}

describe("runFleet", () => {
  it("never has more than N stacks in flight, and reaches N when a wave is large enough (property)", async () => {
    await fc.assert(
      fc.asyncProperty(stackArb, fc.integer({ min: 1, max: 8 }), fc.func(fc.integer({ min: 1, max: 5 })), async (stacks, n, delay) => {
        const { results, max } = await simulate(stacks, n, { tierOrder: false, delay });
        expect(max).toBeLessThanOrEqual(n);
        expect(max).toBe(Math.min(n, stacks.length));
        expect(results.map((r) => r.stack).sort()).toEqual(stacks.map((s) => s.name).sort());
      }),
      { numRuns: 60 },
    );
  });

  it("tier order: no stack of a tier starts before every stack of the tiers before it has ended (property)", async () => {
    await fc.assert(
      fc.asyncProperty(stackArb, fc.integer({ min: 1, max: 6 }), fc.func(fc.integer({ min: 0, max: 4 })), async (stacks, n, delay) => {
        const { events } = await simulate(stacks, n, { tierOrder: true, delay });
        const tierOf = new Map(stacks.map((s) => [s.name, TIERS.indexOf(s.tier)]));
        const ended = new Set<string>();
        for (const e of events) {
          const [what, name] = e.split(" ") as [string, string];
          if (what === "end") ended.add(name);
          else for (const s of stacks) if (tierOf.get(s.name)! < tierOf.get(name)!) expect(ended.has(s.name)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("a failure never stops the other stacks of its wave without --fail-fast; later waves are skipped (property)", async () => {
    await fc.assert(
      fc.asyncProperty(stackArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 23 }), async (stacks, n, pick) => {
        const failing = stacks[pick % stacks.length]!;
        const { results } = await simulate(stacks, n, { tierOrder: true, fail: new Set([failing.name]) });
        const rank = (t: Tier) => TIERS.indexOf(t);
        for (const r of results) {
          const expected: Outcome = r.stack === failing.name ? "failed" : rank(r.tier) <= rank(failing.tier) ? "ok" : "skipped";
          expect([r.stack, r.result]).toEqual([r.stack, expected]);
        }
        expect(fleetExitCode(results)).toBe(1);
      }),
      { numRuns: 60 },
    );
  });

  it("--fail-fast: only the stacks already in flight finish after a failure", async () => {
    const stacks: S[] = ["a", "b", "c", "d", "e"].map((name) => ({ name, tier: "dev" }));
    const { results, events } = await simulate(stacks, 2, { tierOrder: false, failFast: true, fail: new Set(["a"]), delay: (n) => (n === "a" ? 0 : 3) });
    expect(events.filter((e) => e.startsWith("start"))).toEqual(["start a", "start b"]);
    expect(results.map((r) => r.result)).toEqual(["failed", "ok", "skipped", "skipped", "skipped"]);
  });

  it("refuses a parallelism below 1", async () => {
    await expect(runFleet([], "up", { parallel: 0, failFast: false }, async () => ({}) as StackResult)).rejects.toThrow("parallel must be a whole number of at least 1, got 0");
  });
});

describe("waves", () => {
  it("tier order: one wave per tier present, by name within; otherwise one wave", () => {
    const s: S[] = [
      { name: "prod-us", tier: "prod" },
      { name: "dev-bob", tier: "dev" },
      { name: "dev", tier: "dev" },
      { name: "prod-eu", tier: "prod" },
    ];
    expect(waves(s, true).map((w) => w.map((x) => x.name))).toEqual([["dev", "dev-bob"], ["prod-eu", "prod-us"]]);
    expect(waves(s, false).map((w) => w.map((x) => x.name))).toEqual([["dev", "dev-bob", "prod-eu", "prod-us"]]);
    expect(waves([], false)).toEqual([]);
  });
});

describe("fleetExitCode", () => {
  it.each([
    [[], 0],
    [["ok", "ok"], 0],
    [["ok", "drift"], 3],
    [["drift", "failed"], 1],
    [["ok", "skipped"], 1],
    [["failed"], 1],
  ] as [Outcome[], number][])("%j → %i", (outcomes, code) => {
    expect(fleetExitCode(outcomes.map((result) => ({ result })))).toBe(code);
  });

  it("is 1 whenever any stack failed, 3 only for drift without failure (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Outcome>("ok", "drift", "failed", "skipped")), (outcomes) => {
        const code = fleetExitCode(outcomes.map((result) => ({ result })));
        const bad = outcomes.some((o) => o === "failed" || o === "skipped");
        expect(code).toBe(bad ? 1 : outcomes.includes("drift") ? 3 : 0);
      }),
    );
  });
});

describe("formatChanges", () => {
  it.each([
    [undefined, ""],
    [{}, ""],
    [{ same: 40 }, "=40"],
    [{ create: 3, update: 1, replace: 2, delete: 1, same: 40 }, "+3 ~1 +-2 -1 =40"],
    [{ import: 2, same: 0 }, "import 2"],
  ])("%j → %j", (c, text) => {
    expect(formatChanges(c)).toBe(text);
  });
});
