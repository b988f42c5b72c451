/**
 * components/promiseStacks.ts: the SDK's per-promise debug stacks are skipped
 * unless PULUMI_DEBUG_PROMISE_LEAKS asks for them; errors keep their stacks.
 */
import { describe, expect, it } from "vitest";
import { promiseStacksOnlyWhenDebuggingLeaks, withoutDebugStacks, type Debuggable } from "../../components/promiseStacks";

const stackOf = () => new Error("probe").stack ?? "";

describe("debug stacks of the SDK's promises", () => {
  it("the wrapped function runs with no stack frames, and the limit is restored after, also when it throws", () => {
    const seen: string[] = [];
    const mod: Debuggable = {
      debuggablePromise: (p: unknown) => {
        seen.push(stackOf());
        if (p === "throw") throw new Error("boom");
        return p;
      },
    };
    const before = Error.stackTraceLimit;
    withoutDebugStacks(mod, {});
    expect(mod.debuggablePromise!("x")).toBe("x");
    expect(() => mod.debuggablePromise!("throw")).toThrow("boom");
    expect(seen.map((t) => t.includes("\n"))).toEqual([false, false]);
    expect(Error.stackTraceLimit).toBe(before);
    expect(stackOf().split("\n").length).toBeGreaterThan(1);
  });

  it("PULUMI_DEBUG_PROMISE_LEAKS set: left as it is (the leak report prints those stacks)", () => {
    const fn = () => undefined;
    const mod: Debuggable = { debuggablePromise: fn };
    withoutDebugStacks(mod, { PULUMI_DEBUG_PROMISE_LEAKS: "1" });
    expect(mod.debuggablePromise).toBe(fn);
  });

  it("idempotent; refuses a module without debuggablePromise, naming the SDK change", () => {
    const mod: Debuggable = { debuggablePromise: () => undefined };
    withoutDebugStacks(mod, {});
    const once = mod.debuggablePromise;
    withoutDebugStacks(mod, {});
    expect(mod.debuggablePromise).toBe(once);
    expect(() => withoutDebugStacks({}, {})).toThrow(/no debuggablePromise \(SDK changed\)/);
  });

  it("on the SDK: its promises carry no debug stack (source positions are checked on the real engine: bench/README)", async () => {
    promiseStacksOnlyWhenDebuggingLeaks({});
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: string) => Promise<unknown> };
    const p = Promise.resolve(1);
    await debuggable.debuggablePromise(p, "probe");
    const trace = (p as unknown as { _debugStackTrace: string })._debugStackTrace;
    expect(trace.startsWith("Error")).toBe(true);
    expect(trace).not.toContain("\n");
  });
});
