/** The real workspace's pure parts: where a file backend keeps its locks, and reading them as the CLI writes them. */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { fileBackendDir, fileBackendLocks, localWorkspace } from "../../automation/workspace";

describe("fileBackendDir", () => {
  it.each([
    ["file:///var/state", "/var/state"],
    ["file:///var/state?no_tmp_dir=true", "/var/state"],
    ["file://~", "/home/ci"],
    ["file://~/pulumi", "/home/ci/pulumi"],
    ["file://./state", "/repo/state"],
    ["file:///var/my%20state", "/var/my state"],
    ["s3://bucket/x", undefined],
    ["https://api.pulumi.com", undefined],
  ])("%s → %s", (url, dir) => expect(fileBackendDir(url, "/home/ci", "/repo")).toBe(dir));
});

describe("fileBackendLocks", () => {
  it("reads each lock the CLI leaves (.pulumi/locks/organization/<project>/<stack>/<id>.json, its .attrs sidecar ignored)", () => {
    const dir = mkdtempSync(join(tmpdir(), "locks-"));
    const locks = join(dir, ".pulumi", "locks", "organization", "agent-platform", "prod");
    mkdirSync(locks, { recursive: true });
    // As Pulumi CLI 3.274.1 wrote it after a SIGKILLed up.
    writeFileSync(join(locks, "257e57e7-74ca-4c38-96f0-6c53e86f3151.json"), '{"pid":29879,"username":"root","hostname":"vm","timestamp":"2026-12-07T23:09:46.843372431Z"}');
    writeFileSync(join(locks, "257e57e7-74ca-4c38-96f0-6c53e86f3151.json.attrs"), "{}");
    expect(fileBackendLocks(pathToFileURL(dir).href, "agent-platform", "prod")).toEqual([
      { path: join(locks, "257e57e7-74ca-4c38-96f0-6c53e86f3151.json"), pid: 29879, username: "root", hostname: "vm", timestamp: "2026-12-07T23:09:46.843372431Z" },
    ]);
    expect(fileBackendLocks(pathToFileURL(dir).href, "agent-platform", "staging")).toEqual([]);
    expect(fileBackendLocks("s3://bucket/state", "agent-platform", "prod")).toEqual([]);
  });
});

describe("localWorkspace cliVersion", () => {
  it("runs `pulumi version` once per workspace, however often it is asked", async () => {
    const bin = mkdtempSync(join(tmpdir(), "fake-pulumi-"));
    const calls = join(bin, "calls");
    writeFileSync(join(bin, "pulumi"), `#!/bin/sh\necho "$@" >> '${calls}'\necho v3.270.0\n`);
    chmodSync(join(bin, "pulumi"), 0o755);
    const path = process.env["PATH"];
    process.env["PATH"] = `${bin}:${path ?? ""}`;
    try {
      const ws = localWorkspace(bin);
      expect([await ws.cliVersion(), await ws.cliVersion(), await ws.cliVersion()]).toEqual(["v3.270.0", "v3.270.0", "v3.270.0"]);
      expect(readFileSync(calls, "utf8")).toBe("version\n");
    } finally {
      process.env["PATH"] = path;
    }
  });
});
