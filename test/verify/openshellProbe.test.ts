/** The CLI probe's pure parts: image, name, argument lists per step, the isolated environment, judging and the report line. */
import { describe, expect, it } from "vitest";
import { planStackFile } from "../../plan/fromStackFile";
import {
  cliDirs,
  cliEnvironment,
  cliMessage,
  cliProbePlan,
  formatCliProbe,
  judgeStep,
  lastCondition,
  mtlsDir,
  probeSandboxImage,
  probeSandboxName,
  stepFinding,
} from "../../verify/openshellProbe";
import { rowReference } from "../../verify/troubleshooting";
import { ROOT } from "../harness/stackConfig";

const dev = planStackFile(ROOT, "dev").plan;
const prod = planStackFile(ROOT, "prod").plan;
const input = { port: 41234, nonce: "A1B2C3ff", timeoutSeconds: 300 };

describe("probe image and name", () => {
  it("the stack's default sandbox image (the mirror's in mirrored stacks), or --probe-image", () => {
    expect(probeSandboxImage(dev)).toBe("ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da");
    expect(probeSandboxImage(prod)).toBe("harbor.example.internal/mirror/ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da");
    expect(probeSandboxImage(prod, "registry.example/agents/claude:1.2")).toBe("registry.example/agents/claude:1.2");
  });

  it("a routable name of at most 19 characters", () => {
    expect(probeSandboxName("A1B2C3ff")).toBe("verify-probe-a1b2c3");
    expect(probeSandboxName("a1b2c3").length).toBeLessThanOrEqual(19);
    expect(() => probeSandboxName("xyz")).toThrow('the probe nonce needs 6 hex digits, got "xyz"');
  });
});

describe("cliProbePlan: the exact argument list of each step", () => {
  it("dev (mTLS, no OIDC): gateway add --local, create --detach -- sleep, exec -n, delete", () => {
    const p = cliProbePlan(dev, input);
    expect(p).toEqual({
      gateway: "openshell-dev",
      endpoint: "https://127.0.0.1:41234",
      sandbox: "verify-probe-a1b2c3",
      image: "ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da",
      expectedOutput: "platform-verify verify-probe-a1b2c3",
      oidc: false,
      register: { step: "register", args: ["gateway", "add", "https://127.0.0.1:41234", "--local", "--name", "openshell-dev"], timeoutMs: 60_000, failsOn: ["Gateway is not reachable"] },
      create: {
        step: "create",
        args: [
          "--gateway", "openshell-dev", "sandbox", "create", "--name", "verify-probe-a1b2c3",
          "--from", "ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da",
          "--detach", "--no-auto-providers", "--no-tty", "--", "sleep", "360",
        ],
        timeoutMs: 315_000,
      },
      exec: {
        step: "exec",
        args: ["--gateway", "openshell-dev", "sandbox", "exec", "-n", "verify-probe-a1b2c3", "--no-tty", "--timeout", "60", "--", "echo", "platform-verify", "verify-probe-a1b2c3"],
        timeoutMs: 65_000,
      },
      delete: { step: "delete", args: ["--gateway", "openshell-dev", "sandbox", "delete", "verify-probe-a1b2c3"], timeoutMs: 60_000 },
    });
  });

  it("prod (OIDC): gateway add with the issuer and client id; a reported failed login fails the step; the mirrored image", () => {
    const p = cliProbePlan(prod, { ...input, timeoutSeconds: 30 });
    expect(p.register).toEqual({
      step: "register",
      args: ["gateway", "add", "https://127.0.0.1:41234", "--local", "--name", "openshell-prod", "--oidc-issuer", "https://login.example.internal/realms/platform", "--oidc-client-id", "openshell-cli"],
      timeoutMs: 30_000,
      failsOn: ["Authentication failed"],
    });
    expect(p.oidc).toBe(true);
    expect(p.create.args.slice(6, 8)).toEqual(["--from", "harbor.example.internal/mirror/ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da"]);
    expect(p.create.args.slice(-3)).toEqual(["--", "sleep", "90"]);
    expect(p.create.timeoutMs).toBe(45_000);
    expect(p.exec.args.slice(7, 9)).toEqual(["--timeout", "30"]);
  });

  it("the sandbox's main process is never a short command: --detach and a sleep longer than the probe", () => {
    const p = cliProbePlan(dev, input);
    const dash = p.create.args.indexOf("--");
    expect(p.create.args).toContain("--detach");
    expect(p.create.args.slice(dash + 1)).toEqual(["sleep", String(input.timeoutSeconds + 60)]);
  });
});

describe("cliEnvironment: the user's OpenShell configuration is never read or written", () => {
  it("HOME and every XDG base in the throw-away root; no OPENSHELL_GATEWAY* or workspace from the caller; the bundle as the --local source", () => {
    const dirs = cliDirs("/tmp/run1");
    const env = cliEnvironment(
      {
        PATH: "/usr/bin",
        HOME: "/home/me",
        XDG_CONFIG_HOME: "/home/me/.config",
        OPENSHELL_GATEWAY: "mine",
        OPENSHELL_GATEWAY_ENDPOINT: "https://mine:8080",
        OPENSHELL_GATEWAY_INSECURE: "1",
        OPENSHELL_WORKSPACE: "team",
        OPENSHELL_LOCAL_TLS_DIR: "/home/me/tls",
        KUBECONFIG: "/home/me/.kube/config",
        HTTPS_PROXY: "http://proxy:3128",
      },
      dirs,
      300,
    );
    expect(env).toEqual({
      PATH: "/usr/bin",
      HTTPS_PROXY: "http://proxy:3128",
      HOME: "/tmp/run1/home",
      XDG_CONFIG_HOME: "/tmp/run1/home/.config",
      XDG_STATE_HOME: "/tmp/run1/home/.local/state",
      XDG_DATA_HOME: "/tmp/run1/home/.local/share",
      XDG_CACHE_HOME: "/tmp/run1/home/.cache",
      OPENSHELL_SYSTEM_GATEWAY_DIR: "/tmp/run1/system",
      OPENSHELL_LOCAL_TLS_DIR: "/tmp/run1/bundle",
      OPENSHELL_NO_BROWSER: "1",
      OPENSHELL_PROVISION_TIMEOUT: "300",
      NO_COLOR: "1",
    });
    expect(mtlsDir(dirs, "openshell-prod")).toBe("/tmp/run1/home/.config/openshell/gateways/openshell-prod/mtls");
  });

  it("passes the OIDC client secret through when set", () => {
    expect(cliEnvironment({ OPENSHELL_OIDC_CLIENT_SECRET: "s3cret" }, cliDirs("/r"), 10)["OPENSHELL_OIDC_CLIENT_SECRET"]).toBe("s3cret");
    expect(cliEnvironment({ OPENSHELL_OIDC_CLIENT_SECRET: "" }, cliDirs("/r"), 10)).not.toHaveProperty("OPENSHELL_OIDC_CLIENT_SECRET");
  });
});

describe("judging a step", () => {
  const p = cliProbePlan(dev, input);
  const ok = { code: 0, stdout: "", stderr: "", timedOut: false, ms: 10 };

  it("exit 0 passes; exit n and a timeout carry the CLI's last lines without colour codes", () => {
    expect(judgeStep(p.create, ok)).toBeUndefined();
    expect(judgeStep(p.create, { ...ok, code: 1, stderr: "\u001b[31mError:\u001b[0m sandbox entered error phase\n  reason: ImagePullBackOff\n" })).toBe(
      "exit 1: Error: sandbox entered error phase | reason: ImagePullBackOff",
    );
    expect(judgeStep(p.create, { ...ok, code: null, timedOut: true, stderr: "Provisioning...\r" })).toBe("no answer within 315 s: Provisioning...");
    expect(judgeStep(p.delete, { ...ok, code: null, stderr: "spawn /x ENOENT\n" })).toBe("exit signal: spawn /x ENOENT");
  });

  it("exec passes only when a line is exactly the token", () => {
    expect(judgeStep(p.exec, { ...ok, stdout: "platform-verify verify-probe-a1b2c3\n" }, p.expectedOutput)).toBeUndefined();
    expect(judgeStep(p.exec, { ...ok, stdout: "hello\n" }, p.expectedOutput)).toBe('printed "hello", not "platform-verify verify-probe-a1b2c3"');
  });

  it("OIDC register: exit 0 with a failed login is a failure", () => {
    const r = cliProbePlan(prod, input).register;
    expect(judgeStep(r, { ...ok, stderr: "✓ Gateway 'openshell-prod' added and set as active\n! Authentication failed: invalid_client\n" })).toBe(
      "exit 0 but: ✓ Gateway 'openshell-prod' added and set as active | ! Authentication failed: invalid_client",
    );
  });

  it("mTLS register: exit 0 with the CLI's own health check failing is a failure", () => {
    expect(
      judgeStep(p.register, { ...ok, stderr: "⚠ Gateway is not reachable at https://127.0.0.1:41234. Verify the gateway is running.\n✓ Gateway 'openshell-dev' added and set as active\n" }),
    ).toBe("exit 0 but: ⚠ Gateway is not reachable at https://127.0.0.1:41234. Verify the gateway is running. | ✓ Gateway 'openshell-dev' added and set as active");
  });

  it("cliMessage keeps the last four lines", () => {
    expect(cliMessage({ stdout: "5\n6\n", stderr: "1\n2\n3\n4\n" })).toBe("3 | 4 | 5 | 6");
  });
});

describe("findings and the report line", () => {
  const p = cliProbePlan(dev, input);

  it("names the step, the CLI's message, the Sandbox's last condition and the step's row", () => {
    const condition = lastCondition([{ status: { conditions: [{ type: "Ready", status: "False", reason: "DependenciesNotReady", message: "Pod is Pending" }] } }]);
    expect(stepFinding(p, "create", "exit 1: Error: timed out", condition)).toEqual({
      check: "openshell",
      object: "OpenShell create (gateway openshell-dev, sandbox verify-probe-a1b2c3)",
      expected: "sandbox verify-probe-a1b2c3 (image ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da) Ready through the gateway, its main process `sleep` running",
      found: "exit 1: Error: timed out; Sandbox: Ready=False (DependenciesNotReady: Pod is Pending)",
      troubleshooting: rowReference("openshellCreate"),
    });
    expect(stepFinding(p, "register", "exit 1: BadSignature")).toEqual({
      check: "openshell",
      object: "OpenShell register (gateway openshell-dev, sandbox verify-probe-a1b2c3)",
      expected: "`openshell gateway add https://127.0.0.1:41234 --local --name openshell-dev` to succeed",
      found: "exit 1: BadSignature",
      troubleshooting: rowReference("openshellRegister"),
    });
    expect(stepFinding(p, "exec", "x").troubleshooting).toBe(rowReference("openshellExec"));
    expect(stepFinding(p, "delete", "x").troubleshooting).toBe(rowReference("openshellDelete"));
    expect(stepFinding(p, "port-forward", "x").troubleshooting).toBe(rowReference("openshellRegister"));
    expect(lastCondition([])).toBe("no Sandbox object");
  });

  it("each step with its time; or why it did not run", () => {
    expect(
      formatCliProbe({
        ran: true,
        cli: "/usr/local/bin/openshell",
        sandbox: "verify-probe-a1b2c3",
        image: "ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da",
        steps: [
          { step: "port-forward", ms: 12, ok: true },
          { step: "register", ms: 420, ok: true },
          { step: "create", ms: 23_140, ok: true },
          { step: "exec", ms: 810, ok: true },
          { step: "delete", ms: 1_250, ok: true },
        ],
      }),
    ).toBe(
      "openshell probe (/usr/local/bin/openshell): sandbox verify-probe-a1b2c3, image ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da: port-forward 0.0 s, register 0.4 s, create→Ready 23.1 s, exec round trip 0.8 s, delete 1.3 s",
    );
    expect(formatCliProbe({ ran: true, cli: "openshell", sandbox: "s", image: "i", steps: [{ step: "create", ms: 5000, ok: false }] })).toBe("openshell probe (openshell): sandbox s, image i: create→Ready 5.0 s FAILED");
    expect(formatCliProbe({ ran: false, reason: "no CLI" })).toBe("openshell probe: not run: no CLI");
  });
});
