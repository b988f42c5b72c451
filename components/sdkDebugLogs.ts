/**
 * The Node.js SDK sends the engine a debug-level message for each step of
 * every registration ("Registering resource", "RegisterResource RPC
 * prepared", "... finished", the same for outputs): 240 per no-op preview of
 * prod. The SDK delivers log messages one at a time (each waits for the
 * engine's reply to the one before) and the program cannot end before the
 * last is delivered, so this chatter runs beside every registration and
 * finishes the run: 0.18 s of a 4.6 s no-op preview of prod on the real
 * engine (docs/development.md). The engine shows debug messages only under
 * `pulumi ... --debug`.
 *
 * So debug-level messages are not sent unless `AGENT_PLATFORM_SDK_DEBUG_LOGS`
 * is `true` (set it with `--debug` when the SDK's own lines are wanted).
 * Info, warnings and errors are untouched; this program sends no debug
 * message of its own.
 */

/** What is used of the SDK's `log` module (@pulumi/pulumi/log; every SDK module calls `log.debug` on it at each call). */
export interface SdkLog {
  debug?: (...args: unknown[]) => Promise<void>;
  [PATCHED]?: true;
}

const PATCHED = Symbol.for("agent-platform/sdk-debug-logs-off");

export const SDK_DEBUG_LOGS_ENV = "AGENT_PLATFORM_SDK_DEBUG_LOGS";

/**
 * Idempotent; does nothing when AGENT_PLATFORM_SDK_DEBUG_LOGS is `true`.
 * Throws when the SDK's log module no longer has `debug`, so an upgrade that
 * moves it fails the tests instead of silently costing the time again.
 */
export function sdkDebugLogsOnlyWhenAsked(env: NodeJS.ProcessEnv = process.env): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  withoutDebugLogs(require("@pulumi/pulumi/log") as SdkLog, env);
}

/** The switch, on a given module object (the tests pass stand-ins). */
export function withoutDebugLogs(log: SdkLog, env: NodeJS.ProcessEnv): void {
  if (env[SDK_DEBUG_LOGS_ENV] === "true") return;
  if (log[PATCHED] === true) return;
  if (typeof log.debug !== "function") throw new Error("sdkDebugLogsOnlyWhenAsked: @pulumi/pulumi/log has no debug (SDK changed)");
  log.debug = () => Promise.resolve();
  log[PATCHED] = true;
}
