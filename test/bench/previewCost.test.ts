/** bench/previewCost.ts: the pure parts (no engine, no timing): medians, GNU time lines, the gRPC log sum, the report. */
import { describe, expect, it } from "vitest";
import { median, parseTime, report, summarizeGrpcLog } from "../../bench/previewCost";

describe("preview cost bench, pure parts", () => {
  it("median of odd and even counts, unsorted input", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("reads the last line GNU time writes, CPU = user + system", () => {
    expect(parseTime("Previewing...\n8.40 9.50 2.46 385024\n")).toEqual({ wall: 8.4, cpu: 11.96, maxRssKiB: 385024 });
    expect(() => parseTime("Command exited with non-zero status 1\n")).toThrow(/no GNU time line/);
  });

  it("sums completed calls only, splits invokes by token and remote registrations", () => {
    const log = [
      { method: "/pulumirpc.ResourceMonitor/Invoke", request: { tok: "pulumi:pulumi:getResource", args: { urn: "u" } }, progress: "request_started" },
      { method: "/pulumirpc.ResourceMonitor/Invoke", request: { tok: "pulumi:pulumi:getResource", args: { urn: "u" } }, response: { return: { state: "x" } }, progress: "response_completed" },
      { method: "/pulumirpc.ResourceMonitor/RegisterResource", request: { type: "kubernetes:helm.sh/v4:Chart", remote: true }, response: { urn: "c" }, progress: "response_completed" },
      { method: "/pulumirpc.ResourceMonitor/RegisterResource", request: { type: "kubernetes:core/v1:ConfigMap" }, response: { urn: "m" }, progress: "response_completed" },
      {
        method: "/pulumirpc.ResourceMonitor/RegisterResource",
        request: { type: "kubernetes:core/v1:Service", parent: "urn:pulumi:s::p::agent-platform:platform:Database$kubernetes:helm.sh/v4:Chart::database-operator" },
        response: { urn: "svc" },
        progress: "response_completed",
      },
      { method: "/pulumirpc.ResourceProvider/Diff", request: { a: 1 }, response: {}, progress: "response_completed" },
    ]
      .map((e) => JSON.stringify(e))
      .join("\n");
    const s = summarizeGrpcLog(`${log}\n{"method": "cut`);
    expect([...s.keys()].sort()).toEqual([
      "ResourceMonitor/Invoke pulumi:pulumi:getResource",
      "ResourceMonitor/RegisterResource",
      "ResourceMonitor/RegisterResource (chart/ConfigGroup child, by the provider)",
      "ResourceMonitor/RegisterResource (remote)",
      "ResourceProvider/Diff",
    ]);
    expect(s.get("ResourceMonitor/Invoke pulumi:pulumi:getResource")).toEqual({
      calls: 1,
      requestBytes: JSON.stringify({ tok: "pulumi:pulumi:getResource", args: { urn: "u" } }).length,
      responseBytes: JSON.stringify({ return: { state: "x" } }).length,
    });
  });

  it("the report: medians, both ratios, a row per method and the totals", () => {
    const a = [8, 9, 10].map((wall) => ({ wall, cpu: wall + 2, maxRssKiB: 400 * 1024 }));
    const b = [2, 2, 3].map((wall) => ({ wall, cpu: wall, maxRssKiB: 180 * 1024 }));
    const g = summarizeGrpcLog(JSON.stringify({ method: "/pulumirpc.ResourceProvider/Check", request: {}, response: {}, progress: "response_completed" }));
    const text = report("prod", a, b, g, new Map());
    expect(text).toContain("| prod no-op preview | 9.00 s | 11.00 s | 400 MiB |");
    expect(text).toContain("| ratio | **4.50×** | **5.50×** | |");
    expect(text).toContain("| ResourceProvider/Check | 1 | 0.0 | 0.0 | – | – | – |");
    expect(text).toContain("| **total** | 1 | 0.0 | 0.0 | 0 | 0.0 | 0.0 |");
    expect(text.split("\n")[0]).toBe("### prod: no-op preview vs one-resource program (3 + 3 runs, alternated; medians)");
    expect(report("prod", a, b, g, new Map(), true).split("\n")[0]).toBe(
      "### prod: no-op preview vs one-resource program (3 + 3 runs, alternated; medians; cold compile cache, as on a fresh CI runner)",
    );
  });
});
