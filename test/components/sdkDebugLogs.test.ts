/**
 * components/sdkDebugLogs.ts: the SDK's debug-level messages are not sent
 * unless AGENT_PLATFORM_SDK_DEBUG_LOGS=true; other severities are untouched.
 */
import { describe, expect, it } from "vitest";
import { sdkDebugLogsOnlyWhenAsked, withoutDebugLogs, type SdkLog } from "../../components/sdkDebugLogs";

describe("the SDK's debug messages", () => {
  it("dropped: debug resolves without calling the original", async () => {
    const sent: unknown[] = [];
    const log: SdkLog = { debug: async (m: unknown) => void sent.push(m) };
    withoutDebugLogs(log, {});
    await expect(log.debug!("Registering resource: t=x")).resolves.toBeUndefined();
    expect(sent).toEqual([]);
  });

  it("AGENT_PLATFORM_SDK_DEBUG_LOGS=true: left as it is; any other value drops them", () => {
    const fn = async () => undefined;
    const kept: SdkLog = { debug: fn };
    withoutDebugLogs(kept, { AGENT_PLATFORM_SDK_DEBUG_LOGS: "true" });
    expect(kept.debug).toBe(fn);
    const dropped: SdkLog = { debug: fn };
    withoutDebugLogs(dropped, { AGENT_PLATFORM_SDK_DEBUG_LOGS: "1" });
    expect(dropped.debug).not.toBe(fn);
  });

  it("idempotent; refuses a module without debug, naming the SDK change", () => {
    const log: SdkLog = { debug: async () => undefined };
    withoutDebugLogs(log, {});
    const once = log.debug;
    withoutDebugLogs(log, {});
    expect(log.debug).toBe(once);
    expect(() => withoutDebugLogs({}, {})).toThrow("sdkDebugLogsOnlyWhenAsked: @pulumi/pulumi/log has no debug (SDK changed)");
  });

  it("on the SDK: pulumi.log.debug and the runtime's own calls reach the switched function; info still goes out", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdkLog = require("@pulumi/pulumi/log") as { debug: unknown; info: unknown };
    const info = sdkLog.info;
    sdkDebugLogsOnlyWhenAsked({});
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require("@pulumi/pulumi") as { log: { debug: unknown } };
    expect(pulumi.log.debug).toBe(sdkLog.debug);
    // The runtime modules import the same module object (esModule: __importStar returns it as is).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect((require("@pulumi/pulumi/log") as { __esModule?: boolean }).__esModule).toBe(true);
    expect(sdkLog.info).toBe(info);
    await expect((sdkLog.debug as (m: string) => Promise<void>)("x")).resolves.toBeUndefined();
  });
});
