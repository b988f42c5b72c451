/** The CLI probe driven through an injected runner: argument lists, isolation, the port-forward's lifetime, cleanup on every failure path, timeouts. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { planStackFile } from "../../plan/fromStackFile";
import type { KubeObject } from "../../verify/checks";
import { cliProbePlan, type CliResult } from "../../verify/openshellProbe";
import { findOnPath, forwardLifetimeMs, runCliProbe, type CliRunOptions, type CliRunner } from "../../verify/openshellRun";
import { rowReference } from "../../verify/troubleshooting";
import { ROOT } from "../harness/stackConfig";
import { fakeCluster } from "./fakeCluster";

const dev = planStackFile(ROOT, "dev").plan;
const prod = planStackFile(ROOT, "prod").plan;
const GATEWAY_POD: KubeObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "openshell-0", namespace: "openshell", labels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } },
  status: { conditions: [{ type: "Ready", status: "True" }] },
};
const SANDBOX = "verify-probe-a1b2c3";
const STUCK: KubeObject = {
  apiVersion: "agents.x-k8s.io/v1beta1",
  kind: "Sandbox",
  metadata: { name: `default--${SANDBOX}`, namespace: "openshell-sandboxes", labels: { "openshell.ai/sandbox-name": SANDBOX } },
  status: { conditions: [{ type: "Ready", status: "False", reason: "DependenciesNotReady", message: "Pod is Pending" }] },
};
const CLIENT = { certPem: "CLIENT CERT", keyPem: "CLIENT KEY" };
const TOKEN = `platform-verify ${SANDBOX}`;
const expected = cliProbePlan(dev, { port: 48080, nonce: "a1b2c3", timeoutSeconds: 120 });

interface Seen {
  readonly args: readonly string[];
  readonly o: CliRunOptions;
  /** The files under the run's root while this call ran. */
  readonly files: readonly string[];
}

const walk = (dir: string, base = dir): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), base) : [join(dir, e.name).slice(base.length + 1)]));

type Answer = Partial<CliResult> | ((args: readonly string[]) => Promise<Partial<CliResult>>);

/** A runner answering by step (the subcommand after the gateway flag); exit 0 with the token by default. */
function runner(answers: Partial<Record<"register" | "create" | "exec" | "delete", Answer>> = {}): CliRunner & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    async run(_cli, args, o) {
      const root = join(o.env["HOME"]!, "..");
      seen.push({ args, o, files: walk(root).sort() });
      const step = args[0] === "gateway" ? "register" : (args[3] as "create" | "exec" | "delete");
      const a = answers[step];
      const base: CliResult = { code: 0, stdout: step === "exec" ? `${TOKEN}\n` : "", stderr: "", timedOut: false, ms: 100 };
      if (a === undefined) return base;
      return { ...base, ...(typeof a === "function" ? await a(args) : a) };
    },
  };
}

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "probe-run-test-"));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(tmp, { recursive: true, force: true });
});

function probe(r: CliRunner, opts: { objects?: KubeObject[]; plan?: typeof dev; env?: Record<string, string>; client?: typeof CLIENT | undefined } = {}) {
  const cluster = fakeCluster(opts.objects ?? [GATEWAY_POD]);
  let t = 0;
  const run = runCliProbe(
    cluster,
    { plan: opts.plan ?? dev, caPem: "CA PEM", ...("client" in opts ? (opts.client !== undefined ? { client: opts.client } : {}) : { client: CLIENT }), timeoutSeconds: 120 },
    { cli: "/opt/openshell", runner: r, env: opts.env ?? { PATH: "/usr/bin", HOME: "/home/me", OPENSHELL_GATEWAY: "mine" }, tmpRoot: tmp, nonce: () => "a1b2c3", clock: () => (t += 5) },
  );
  return { cluster, run };
}

const stepsOf = (r: { seen: Seen[] }) => r.seen.map((s) => (s.args[0] === "gateway" ? "register" : s.args[3]));

describe("runCliProbe", () => {
  it("a healthy gateway: register, create, exec, delete with the exact argument lists and bounds, in an isolated directory that is removed", async () => {
    const r = runner();
    const { cluster, run } = probe(r);
    const out = await run;
    expect(out.findings).toEqual([]);
    expect(r.seen.map((s) => [s.args, s.o.timeoutMs])).toEqual([
      [expected.register.args, 60_000],
      [expected.create.args, 135_000],
      [expected.exec.args, 65_000],
      [expected.delete.args, 60_000],
    ]);
    const root = join(r.seen[0]!.o.env["HOME"]!, "..");
    expect(root.startsWith(join(tmp, "platform-verify-openshell-"))).toBe(true);
    // The user's HOME, config and gateway selection never reach the CLI.
    for (const s of r.seen) {
      expect(s.o.cwd).toBe(join(root, "home"));
      expect(s.o.env).toMatchObject({ HOME: join(root, "home"), XDG_CONFIG_HOME: join(root, "home/.config"), OPENSHELL_LOCAL_TLS_DIR: join(root, "bundle"), OPENSHELL_SYSTEM_GATEWAY_DIR: join(root, "system") });
      expect(s.o.env).not.toHaveProperty("OPENSHELL_GATEWAY");
      expect(Object.values(s.o.env)).not.toContain("/home/me");
    }
    // The client bundle as `platform client` writes it, there before registration.
    expect(r.seen[0]!.files).toEqual(["bundle/ca.crt", "bundle/client/tls.crt", "bundle/client/tls.key", "bundle/register.sh"]);
    expect(existsSync(root)).toBe(false);
    expect(cluster.calls).toEqual(["forward openshell/openshell-0:8080", "close 8080"]);
    expect(out.outcome).toEqual({
      ran: true,
      cli: "/opt/openshell",
      sandbox: SANDBOX,
      image: "ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da",
      steps: [
        { step: "port-forward", ms: 5, ok: true },
        { step: "register", ms: 100, ok: true },
        { step: "create", ms: 100, ok: true },
        { step: "exec", ms: 100, ok: true },
        { step: "delete", ms: 100, ok: true },
      ],
    });
  });

  it("register fails: no sandbox calls, the forward closed, the directory removed", async () => {
    const r = runner({ register: { code: 1, stderr: "Error: BadSignature\n" } });
    const { cluster, run } = probe(r);
    const out = await run;
    expect(stepsOf(r)).toEqual(["register"]);
    expect(out.findings).toEqual([
      {
        check: "openshell",
        object: `OpenShell register (gateway openshell-dev, sandbox ${SANDBOX})`,
        expected: "`openshell gateway add https://127.0.0.1:48080 --local --name openshell-dev` to succeed",
        found: "exit 1: Error: BadSignature",
        troubleshooting: rowReference("openshellRegister"),
      },
    ]);
    expect(cluster.calls.at(-1)).toBe("close 8080");
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("create fails: the finding carries the CLI's message and the Sandbox's last condition; the sandbox is deleted anyway", async () => {
    const r = runner({ create: { code: 1, stderr: "Error: sandbox provisioning timed out after 120s\n" } });
    const { cluster, run } = probe(r, { objects: [GATEWAY_POD, STUCK] });
    const out = await run;
    expect(stepsOf(r)).toEqual(["register", "create", "delete"]);
    expect(out.findings.map((f) => [f.object, f.found, f.troubleshooting])).toEqual([
      [
        `OpenShell create (gateway openshell-dev, sandbox ${SANDBOX})`,
        "exit 1: Error: sandbox provisioning timed out after 120s; Sandbox: Ready=False (DependenciesNotReady: Pod is Pending)",
        rowReference("openshellCreate"),
      ],
    ]);
    expect(cluster.calls.at(-1)).toBe("close 8080");
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("exec prints something else, or times out: one finding each, the sandbox deleted", async () => {
    const wrong = runner({ exec: { stdout: "hello\n" } });
    const a = await probe(wrong).run;
    expect(stepsOf(wrong)).toEqual(["register", "create", "exec", "delete"]);
    expect(a.findings.map((f) => f.found)).toEqual([`printed "hello", not "${TOKEN}"; Sandbox: no Sandbox object`]);
    expect(a.findings[0]!.troubleshooting).toBe(rowReference("openshellExec"));
    const slow = runner({ exec: { code: null, stdout: "", timedOut: true } });
    const b = await probe(slow).run;
    expect(stepsOf(slow)).toEqual(["register", "create", "exec", "delete"]);
    expect(b.findings.map((f) => f.found)).toEqual(["no answer within 65 s; Sandbox: no Sandbox object"]);
    expect(b.outcome.ran && b.outcome.steps.map((s) => s.ok)).toEqual([true, true, true, false, true]);
  });

  it("delete fails: its own finding after a good run; folded into the first finding after a failed one", async () => {
    const r1 = runner({ delete: { code: 1, stderr: "Error: status: Unavailable\n" } });
    const a = await probe(r1).run;
    expect(a.findings.map((f) => [f.object, f.found, f.troubleshooting])).toEqual([
      [`OpenShell delete (gateway openshell-dev, sandbox ${SANDBOX})`, "exit 1: Error: status: Unavailable; Sandbox: no Sandbox object", rowReference("openshellDelete")],
    ]);
    const r2 = runner({ create: { code: 1, stderr: "Error: denied\n" }, delete: { code: 1, stderr: "Error: status: Unavailable\n" } });
    const b = await probe(r2).run;
    expect(b.findings.map((f) => f.found)).toEqual([`exit 1: Error: denied; Sandbox: no Sandbox object; the cleanup \`sandbox delete ${SANDBOX}\` failed too: exit 1: Error: status: Unavailable`]);
  });

  it("a runner that throws mid-run: the sandbox is still deleted, the forward closed, the directory removed, the error surfaces", async () => {
    const r = runner({
      exec: async () => {
        throw new Error("runner broke");
      },
    });
    const { cluster, run } = probe(r);
    await expect(run).rejects.toThrow("runner broke");
    expect(stepsOf(r)).toEqual(["register", "create", "exec", "delete"]);
    expect(cluster.calls.at(-1)).toBe("close 8080");
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("the port-forward's lifetime is bounded: it closes on its own when a call hangs past every bound", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let release: () => void = () => undefined;
    const r = runner({ create: () => new Promise((resolve) => (release = () => resolve({ code: 0 }))) });
    const { cluster, run } = probe(r);
    const lifetime = forwardLifetimeMs(expected);
    expect(lifetime).toBe(60_000 + 135_000 + 65_000 + 60_000 + 10_000);
    await vi.advanceTimersByTimeAsync(lifetime - 1);
    expect(cluster.calls).toEqual(["forward openshell/openshell-0:8080"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(cluster.calls).toEqual(["forward openshell/openshell-0:8080", "close 8080"]);
    release();
    await run;
    // Closed once only.
    expect(cluster.calls).toEqual(["forward openshell/openshell-0:8080", "close 8080"]);
  });

  it("no Ready gateway pod: a port-forward finding, no CLI call", async () => {
    const r = runner();
    const out = await probe(r, { objects: [] }).run;
    expect(r.seen).toEqual([]);
    expect(out.findings.map((f) => [f.object, f.found, f.troubleshooting])).toEqual([
      [`OpenShell port-forward (gateway openshell-dev, sandbox ${SANDBOX})`, "no Ready gateway pod in openshell [app.kubernetes.io/instance=openshell,app.kubernetes.io/name=openshell]: 0 pod(s), none Ready", rowReference("openshellRegister")],
    ]);
  });

  it("OIDC stacks: not run without a client secret; with one, the mTLS files owner-only in the throw-away config before gateway add --oidc-issuer", async () => {
    const none = runner();
    const a = await probe(none, { plan: prod }).run;
    expect(none.seen).toEqual([]);
    expect(a).toEqual({ findings: [], outcome: { ran: false, reason: "the gateway takes OIDC users (gateway.oidc.issuer): set OPENSHELL_OIDC_CLIENT_SECRET for a client-credentials login as openshell-cli" } });
    let modes: number[] = [];
    const r = runner({
      register: async (args) => {
        const env = r.seen[0]!.o.env;
        const dir = join(env["XDG_CONFIG_HOME"]!, "openshell/gateways/openshell-prod/mtls");
        modes = ["ca.crt", "tls.crt", "tls.key"].map((f) => statSync(join(dir, f)).mode & 0o777);
        expect(readFileSync(join(dir, "tls.key"), "utf8")).toBe("CLIENT KEY");
        expect(args).toContain("--oidc-issuer");
        expect(env["OPENSHELL_OIDC_CLIENT_SECRET"]).toBe("s3cret");
        return {};
      },
    });
    const b = await probe(r, { plan: prod, env: { PATH: "/usr/bin", OPENSHELL_OIDC_CLIENT_SECRET: "s3cret" } }).run;
    expect(b.findings).toEqual([]);
    expect(modes).toEqual([0o600, 0o600, 0o600]);
  });

  it("no client certificate in the stack outputs: not run", async () => {
    const r = runner();
    expect(await probe(r, { client: undefined }).run).toEqual({ findings: [], outcome: { ran: false, reason: "the stack outputs have no clientCertificate/clientKey for the client bundle" } });
  });
});

describe("findOnPath", () => {
  it("the first executable of that name on PATH; relative and empty entries ignored", () => {
    expect(findOnPath("definitely-not-a-command-xyz", `/usr/bin:relative:`)).toBeUndefined();
    expect(findOnPath("sh", "relative:/bin:/usr/bin")).toMatch(/^\/(usr\/)?bin\/sh$/);
    expect(findOnPath("sh", undefined)).toBeUndefined();
  });
});
