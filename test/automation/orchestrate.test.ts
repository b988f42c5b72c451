/** The automation CLI's orchestration, driven through a fake Workspace (no Pulumi CLI). */
import { describe, expect, it } from "vitest";
import { USAGE, backendFor, run, type Changes, type Environment, type Workspace } from "../../automation/orchestrate";

interface Call {
  readonly env: Environment;
  readonly op: string;
  readonly backend?: { url: string; passphrase?: string };
  readonly expectNoChanges?: boolean;
}

function fake(opts: { cli?: string | undefined; changes?: Partial<Record<Environment, Changes>>; failOn?: Environment } = {}): { ws: Workspace; calls: Call[] } {
  const calls: Call[] = [];
  const ws: Workspace = {
    cliVersion: async () => ("cli" in opts ? opts.cli : "v3.270.0"),
    stack: async (env, backend) => {
      calls.push({ env, op: "select", backend });
      const result = async (op: string, expectNoChanges?: boolean): Promise<Changes> => {
        calls.push({ env, op, ...(expectNoChanges !== undefined ? { expectNoChanges } : {}) });
        if (opts.failOn === env) throw new Error(`${op} of ${env} failed: cluster unreachable`);
        return opts.changes?.[env] ?? { same: 40 };
      };
      return {
        preview: ({ expectNoChanges }) => result("preview", expectNoChanges),
        refresh: ({ expectNoChanges }) => result("refresh", expectNoChanges),
        up: () => result("up"),
        destroy: () => result("destroy"),
        outputs: async () => ({}),
        kubeconfig: async () => undefined,
      };
    },
  };
  return { ws, calls };
}

const VARS = { PULUMI_BACKEND_URL: "s3://state-bucket/platform", PULUMI_CONFIG_PASSPHRASE: "pass" };

describe("argument errors", () => {
  it.each([
    [[], "a command is required"],
    [["deploy", "--env", "dev"], 'unknown command "deploy"; allowed: preview, up, destroy, refresh, verify, client'],
    [["up"], "--env is required"],
    [["up", "--env"], "--env needs a value"],
    [["up", "--env", "qa"], 'unknown environment "qa"; allowed: dev, staging, prod, all'],
    [["up", "--env", "dev", "--force"], 'unknown argument "--force"'],
    [["up", "--env", "dev", "--expect-no-changes"], "--expect-no-changes applies to preview and refresh, not up"],
  ])("%j: exit 2, the reason and the usage on stderr", async (argv, message) => {
    const { ws, calls } = fake();
    expect(await run(argv, ws, VARS, "/repo")).toEqual({ code: 2, results: [], text: `${message}\n${USAGE}`, stream: "stderr" });
    expect(calls).toEqual([]);
  });

  it("--help prints the usage on stdout and exits 0, touching nothing", async () => {
    const { ws, calls } = fake();
    expect(await run(["--help"], ws, VARS, "/repo")).toEqual({ code: 0, results: [], text: USAGE, stream: "stdout" });
    expect(await run(["up", "--env", "prod", "-h"], ws, VARS, "/repo")).toEqual({ code: 0, results: [], text: USAGE, stream: "stdout" });
    expect(calls).toEqual([]);
  });
});

describe("orchestration", () => {
  it("all environments in order dev, staging, prod, each with the backend and passphrase", async () => {
    const { ws, calls } = fake();
    const out = await run(["up", "--env", "all"], ws, VARS, "/repo");
    expect(out.code).toBe(0);
    expect(calls.map((c) => `${c.env}:${c.op}`)).toEqual(["dev:select", "dev:up", "staging:select", "staging:up", "prod:select", "prod:up"]);
    expect(calls[0]!.backend).toEqual({ url: "s3://state-bucket/platform", passphrase: "pass" });
    expect(out.text).toBe("dev: up ok (same 40)\nstaging: up ok (same 40)\nprod: up ok (same 40)");
  });

  it("stops at the first failure: a broken staging never reaches prod", async () => {
    const { ws, calls } = fake({ failOn: "staging" });
    const out = await run(["up", "--env", "all", "--json"], ws, VARS, "/repo");
    expect(out.code).toBe(1);
    expect(calls.map((c) => `${c.env}:${c.op}`)).toEqual(["dev:select", "dev:up", "staging:select", "staging:up"]);
    expect(JSON.parse(out.text)).toEqual({
      command: "up",
      results: [
        { env: "dev", command: "up", ok: true, changes: { same: 40 } },
        { env: "staging", command: "up", ok: false, error: "up of staging failed: cluster unreachable" },
      ],
    });
  });

  it("--expect-no-changes: drift is exit code 3, and no drift is 0", async () => {
    const drift = fake({ changes: { prod: { same: 38, update: 2 } } });
    const out = await run(["preview", "--env", "prod", "--expect-no-changes"], drift.ws, VARS, "/repo");
    expect([out.code, out.text]).toEqual([3, "prod: preview found drift (same 38, update 2)"]);
    const clean = fake();
    expect((await run(["refresh", "--env", "prod", "--expect-no-changes"], clean.ws, VARS, "/repo")).code).toBe(0);
  });

  it("a missing Pulumi CLI is a clear error before anything runs", async () => {
    const { ws, calls } = fake({ cli: undefined });
    const out = await run(["preview", "--env", "dev"], ws, {}, "/repo");
    expect(out.code).toBe(2);
    expect(out.text).toBe(
      "the Pulumi CLI was not found on PATH: install it (https://www.pulumi.com/docs/install/); `npm test`, `npm run plan` and `npm run inventory` need no CLI",
    );
    expect(calls).toEqual([]);
  });
});

describe("backend and passphrase", () => {
  it("dev defaults to a file backend inside the repository; staging and prod refuse to guess", () => {
    expect(backendFor("dev", { PULUMI_CONFIG_PASSPHRASE: "p" }, "/repo")).toEqual({ url: "file:///repo/.pulumi-state", passphrase: "p" });
    expect(() => backendFor("prod", { PULUMI_CONFIG_PASSPHRASE: "p" }, "/repo")).toThrow(
      "PULUMI_BACKEND_URL is required for prod (a shared backend: Pulumi Cloud, s3://, azblob://, gs://); only dev defaults to the local .pulumi-state/",
    );
  });

  it("a self-managed backend needs a passphrase (or a passphrase file); Pulumi Cloud does not", () => {
    expect(() => backendFor("dev", {}, "/repo")).toThrow(
      "PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) is required: the file backend encrypts secrets with a passphrase",
    );
    expect(backendFor("staging", { PULUMI_BACKEND_URL: "s3://b", PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/p" }, "/repo")).toEqual({ url: "s3://b" });
    expect(backendFor("prod", { PULUMI_BACKEND_URL: "https://api.pulumi.com" }, "/repo")).toEqual({ url: "https://api.pulumi.com" });
  });

  it("a backend error for one environment fails that run with the message", async () => {
    const { ws } = fake();
    const out = await run(["preview", "--env", "prod"], ws, {}, "/repo");
    expect(out.code).toBe(1);
    expect(out.text).toBe(
      "prod: preview failed: PULUMI_BACKEND_URL is required for prod (a shared backend: Pulumi Cloud, s3://, azblob://, gs://); only dev defaults to the local .pulumi-state/",
    );
  });
});
