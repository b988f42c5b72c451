/**
 * How the tier fails when its control plane cannot be had: one error naming the step, the command
 * and the last lines of the log, within a bound, with nothing left running. Runs in `npm test`
 * (no Go, no binaries): stand-in executables play etcd and kube-apiserver.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ControlPlaneError, startControlPlane } from "./controlPlane";
import { warningTexts } from "./api";
import { ROOT } from "../harness/stackConfig";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function assets(etcd: string, apiserver: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fake-envtest-"));
  dirs.push(dir);
  for (const [name, body] of [["etcd", etcd], ["kube-apiserver", apiserver]] as const) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

const alive = (pid: number): boolean => spawnSync("kill", ["-0", String(pid)]).status === 0;

describe("startControlPlane", () => {
  it("names the step, the command and the log's last lines when a process exits", async () => {
    const dir = assets('echo "etcdmain: listen tcp: address already in use" >&2; exit 3', "sleep 60");
    const err = await startControlPlane({ assets: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlPlaneError);
    const msg = (err as Error).message;
    expect(msg.split("\n")[0]).toBe("envtest: start etcd (exited with 3) failed");
    expect(msg).toContain(`  command: etcd --data-dir=`);
    expect(msg).toContain("    | etcdmain: listen tcp: address already in use");
  });

  it("is bounded when a process never becomes ready, and stops every process it started", async () => {
    // etcd's stand-in answers /health; the API server's never listens.
    const dir = assets(
      `port=$(echo "$@" | sed -n 's/.*--listen-client-urls=http:\\/\\/127.0.0.1:\\([0-9]*\\).*/\\1/p'); exec node -e "require('http').createServer((q,s)=>s.end('{}')).listen($port,'127.0.0.1')"`,
      'echo "$$" > "$(dirname "$0")/apiserver.pid"; echo "waiting for etcd forever"; exec sleep 60',
    );
    const started = Date.now();
    const err = await startControlPlane({ assets: dir, startTimeoutMs: 1500 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    const msg = (err as Error).message;
    expect(msg.split("\n")[0]).toBe("envtest: start kube-apiserver (not ready within 1.5 s) failed");
    expect(msg).toContain("    | waiting for etcd forever");
    const pid = Number(execFileSync("cat", [join(dir, "apiserver.pid")], { encoding: "utf8" }).trim());
    expect(alive(pid)).toBe(false);
  });

  it("refuses to start without binaries, naming the command that provides them", async () => {
    const empty = mkdtempSync(join(tmpdir(), "no-envtest-"));
    dirs.push(empty);
    mkdirSync(join(empty, "x"));
    const saved = process.env["KUBEBUILDER_ASSETS"];
    process.env["KUBEBUILDER_ASSETS"] = empty;
    try {
      await expect(startControlPlane()).rejects.toThrow(/find the control plane binaries failed[\s\S]*run `npm run test:cluster`/);
    } finally {
      if (saved === undefined) delete process.env["KUBEBUILDER_ASSETS"];
      else process.env["KUBEBUILDER_ASSETS"] = saved;
    }
  });
});

describe("scripts/envtest-assets.sh", () => {
  const run = (env: Record<string, string>) => spawnSync("bash", [join(ROOT, "scripts", "envtest-assets.sh")], { encoding: "utf8", env: { HOME: tmpdir(), ...env } });

  it("uses KUBEBUILDER_ASSETS as it is, printing only the folder on stdout", () => {
    const dir = assets("exit 0", "exit 0");
    const res = run({ PATH: process.env["PATH"]!, KUBEBUILDER_ASSETS: dir });
    expect(res.status).toBe(0);
    expect(res.stdout).toBe(`${dir}\n`);
    expect(res.stderr).toBe(`envtest-assets: using KUBEBUILDER_ASSETS=${dir}\n`);
  });

  it("refuses a KUBEBUILDER_ASSETS folder without the binaries", () => {
    const dir = mkdtempSync(join(tmpdir(), "no-envtest-"));
    dirs.push(dir);
    const res = run({ PATH: process.env["PATH"]!, KUBEBUILDER_ASSETS: dir });
    expect(res.status).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toBe(`envtest-assets: FAILED: KUBEBUILDER_ASSETS=${dir} has no executable etcd\nenvtest-assets: command: test -x ${dir}/etcd\n`);
  });

  it("says which step failed when Go is missing", () => {
    // The script looks for Go before it runs any other program: an empty PATH has none.
    const empty = mkdtempSync(join(tmpdir(), "no-go-"));
    dirs.push(empty);
    const res = spawnSync("/bin/bash", [join(ROOT, "scripts", "envtest-assets.sh")], { encoding: "utf8", env: { HOME: tmpdir(), PATH: empty } });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("envtest-assets: FAILED: find the Go toolchain (needed to build etcd and kube-apiserver; or set KUBEBUILDER_ASSETS)");
  });
});

describe("warningTexts", () => {
  it("reads each warning of a Warning header, quotes unescaped", () => {
    expect(warningTexts(['299 - "would violate PodSecurity \\"restricted:v1.34\\": privileged"', '299 - "a", 299 - "b"'])).toEqual([
      'would violate PodSecurity "restricted:v1.34": privileged',
      "a",
      "b",
    ]);
  });
});
