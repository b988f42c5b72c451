/**
 * The Node.js SDK wraps every promise it makes for a resource (one per
 * output property and per RPC) in `debuggablePromise`, which records
 * `new Error().stack` on it. Under ts-node each such stack is mapped through
 * the source maps of every frame: a tenth of the program's CPU in a no-op
 * preview of prod, on the path before the first chart is registered. The
 * recorded stacks are read only by the promise-leak report that
 * `PULUMI_DEBUG_PROMISE_LEAKS` turns on.
 *
 * So unless that variable is set, `debuggablePromise` runs with
 * `Error.stackTraceLimit` 0 (the limit is restored right after, so errors
 * keep their stacks). Resources' source positions are unaffected: the SDK
 * takes them with a limit of its own (`Resource.callsites`).
 */

/** The SDK module that holds `debuggablePromise` (runtime/debuggable.js; its callers read the export at each call). */
export interface Debuggable {
  debuggablePromise?: (...args: unknown[]) => unknown;
  [PATCHED]?: true;
}

const PATCHED = Symbol.for("agent-platform/debuggable-promise-without-stacks");

/**
 * Idempotent; does nothing when `PULUMI_DEBUG_PROMISE_LEAKS` is set. Throws
 * when the SDK no longer has `runtime/debuggable` `debuggablePromise`, so an
 * upgrade that moves it fails the tests instead of silently costing the time again.
 */
export function promiseStacksOnlyWhenDebuggingLeaks(env: NodeJS.ProcessEnv = process.env): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  withoutDebugStacks(require("@pulumi/pulumi/runtime/debuggable") as Debuggable, env);
}

/** The wrapping, on a given module object (the tests pass stand-ins). */
export function withoutDebugStacks(debuggable: Debuggable, env: NodeJS.ProcessEnv): void {
  if ((env["PULUMI_DEBUG_PROMISE_LEAKS"] ?? "") !== "") return;
  if (debuggable[PATCHED] === true) return;
  const original = debuggable.debuggablePromise;
  if (typeof original !== "function") throw new Error("promiseStacksOnlyWhenDebuggingLeaks: @pulumi/pulumi/runtime/debuggable has no debuggablePromise (SDK changed)");
  debuggable.debuggablePromise = function (this: unknown, ...args: unknown[]) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original.apply(this, args);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  debuggable[PATCHED] = true;
}
