/** `platform verify` and `up --verify`, driven through a fake Workspace and a fake cluster. */
import { describe, expect, it } from "vitest";
import { run, type Workspace } from "../../automation/orchestrate";
import { fakeDeps, fakeStack } from "./fakes";
import { VERIFY_USAGE, type VerifyDeps } from "../../automation/verify";
import type { PlatformDeps } from "../../automation/deps";
import { parseManifest } from "../../manifests/agentSandbox";
import { planStackFile } from "../../plan/fromStackFile";
import type { Cluster, KubeconfigSource } from "../../verify/cluster";
import { crdsOf, expectations } from "../../verify/expectations";
import { rowReference } from "../../verify/troubleshooting";
import { FIXTURE_MANIFEST } from "../harness/examples";
import { ROOT } from "../harness/stackConfig";
import { fakeCluster } from "../verify/fakeCluster";
import { fixtureCert, healthyObjects } from "../verify/healthy";
import type { KubeObject } from "../../verify/checks";

const CRDS = crdsOf(parseManifest("agent-sandbox", FIXTURE_MANIFEST));
const VARS = { PULUMI_BACKEND_URL: "s3://state-bucket/platform", PULUMI_CONFIG_PASSPHRASE: "pass" };

function workspace(outputs: Record<string, unknown> = { caCertificate: fixtureCert("ca") }, cli: string | null = "v3.270.0"): Workspace {
  return {
    cliVersion: async () => cli ?? undefined,
    stack: async () => fakeStack({ up: async () => ({ create: 3, same: 40 }), outputs: async () => outputs }),
  };
}

function deps(cluster: Cluster, seen: KubeconfigSource[] = []): PlatformDeps {
  const verify: VerifyDeps = {
    plan: (stack: string) => planStackFile(ROOT, stack).plan,
    agentSandboxCrds: async () => CRDS,
    connect: (source) => {
      seen.push(source);
      return cluster;
    },
    now: () => new Date("2026-12-04T12:00:00Z"),
  };
  return fakeDeps({ verify, client: { plan: verify.plan } });
}

const healthy = (stack: string): KubeObject[] => healthyObjects(expectations(planStackFile(ROOT, stack).plan, { agentSandboxCrds: CRDS, caPem: fixtureCert("ca") }));

describe("platform verify", () => {
  it("--help: the usage on stdout, exit 0", async () => {
    expect(await run(["verify", "--help"], workspace(), VARS, ROOT, deps(fakeCluster([])))).toEqual({ code: 0, results: [], text: VERIFY_USAGE, stream: "stdout" });
  });

  it.each([
    [[], "choose stacks: --stack NAME[,NAME|GLOB…], --tier dev|staging|prod or --all"],
    [["--stack"], "--stack needs a value"],
    [["--stack", "qa"], 'unknown stack "qa": no Pulumi.qa.yaml; stacks: dev, staging, prod'],
    [["--stack", "dev", "--timeout", "0"], '--timeout must be whole seconds from 1 to 3600, got "0"'],
    [["--stack", "dev", "--kubectl"], 'unknown argument "--kubectl"'],
    [["--stack", "dev", "--openshell-cli", "/usr/bin/openshell"], "--openshell-cli applies with --probe"],
    [["--stack", "dev", "--probe-image", "registry.example/agents/claude:1"], "--probe-image applies with --probe"],
    [["--stack", "dev", "--probe", "--probe-image"], "--probe-image needs a value"],
  ])("%j: exit 2 with the usage on stderr", async (argv, message) => {
    expect(await run(["verify", ...argv], workspace(), VARS, ROOT, deps(fakeCluster([])))).toEqual({ code: 2, results: [], text: `${message}\n${VERIFY_USAGE}`, stream: "stderr" });
  });

  it("a healthy dev cluster: exit 0, one summary line, the plan's context", async () => {
    const seen: KubeconfigSource[] = [];
    const out = await run(["verify", "--stack", "dev"], workspace(), VARS, ROOT, deps(fakeCluster(healthy("dev")), seen));
    expect(out.code).toBe(0);
    expect(out.stream).toBe("stdout");
    expect(out.text).toMatch(/^verify dev: context "kind-dev" \(https:\/\/127\.0\.0\.1:6443\), Kubernetes v1\.34\.1: \d+ checks, all passed$/);
    expect(seen).toEqual([{}]);
  });

  it("prod: the kubeconfig context the stack pins", async () => {
    const seen: KubeconfigSource[] = [];
    await run(["verify", "--stack", "prod"], workspace(), VARS, ROOT, deps(fakeCluster(healthy("prod")), seen));
    expect(seen).toEqual([{ context: "prod" }]);
  });

  it("a broken cluster: exit 1, each finding with its object, expectation, finding and troubleshooting row; --json is pure JSON", async () => {
    const objects = healthy("dev").filter((o) => o["kind"] !== "CustomResourceDefinition");
    const out = await run(["verify", "--stack", "dev"], workspace(), VARS, ROOT, deps(fakeCluster(objects)));
    expect(out.code).toBe(1);
    expect(out.text.split("\n").slice(1)).toEqual([
      "FAIL CustomResourceDefinition sandboxes.agents.x-k8s.io",
      "  expected: the CRD, Established, serving v1beta1",
      "  found:    not found",
      `  see:      ${rowReference("crd")}`,
    ]);
    const json = await run(["verify", "--stack", "dev", "--json"], workspace(), VARS, ROOT, deps(fakeCluster(objects)));
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.text) as { stack: string; context: string; findings: unknown[] };
    expect(parsed).toMatchObject({ stack: "dev", context: "kind-dev", server: "https://127.0.0.1:6443", serverVersion: "v1.34.1" });
    expect(parsed.findings).toEqual([
      { check: "crd", object: "CustomResourceDefinition sandboxes.agents.x-k8s.io", expected: "the CRD, Established, serving v1beta1", found: "not found", troubleshooting: rowReference("crd") },
    ]);
  });

  it("an unreachable cluster: exit 2, one message on stderr naming the context and server", async () => {
    const message = 'cannot reach the Kubernetes API server of context "kind-dev" (https://127.0.0.1:6443): GET /version: no answer within 5 s';
    const out = await run(["verify", "--stack", "dev", "--timeout", "5"], workspace(), VARS, ROOT, deps(fakeCluster([], { unreachable: message })));
    expect(out).toEqual({ code: 2, results: [], text: `verify dev: ${message}`, stream: "stderr" });
  });

  it("no Pulumi CLI, or a stack that was never deployed: exit 2", async () => {
    expect(await run(["verify", "--stack", "dev"], workspace({}, null), VARS, ROOT, deps(fakeCluster([])))).toMatchObject({ code: 2, stream: "stderr", text: expect.stringContaining("the Pulumi CLI was not found on PATH") });
    expect(await run(["verify", "--stack", "dev"], workspace({}), VARS, ROOT, deps(fakeCluster([])))).toEqual({
      code: 2,
      results: [],
      text: "verify dev: the stack has no caCertificate output: run `npm run -s platform -- up` first",
      stream: "stderr",
    });
  });

  it("--probe: creates the probe Sandbox, waits for Ready, deletes it and its PVC, then calls the gateway through port-forwards", async () => {
    const gatewayPod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "openshell-0", namespace: "openshell", labels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } },
      status: { conditions: [{ type: "Ready", status: "True" }] },
    };
    const cluster = fakeCluster([...healthy("dev"), gatewayPod], {
      onCreate: (o) => ({ ...o, status: { conditions: [{ type: "Ready", status: "True", reason: "DependenciesReady" }] } }),
    });
    const calls: string[] = [];
    const d = deps(cluster);
    const gateway = {
      handshake: async (port: number, servername: string, id: { caPem: string; certPem: string; keyPem: string }) => {
        calls.push(`handshake ${port} ${servername} ${id.certPem} ${id.keyPem} ${id.caPem === fixtureCert("ca")}`);
        return undefined;
      },
      readyz: async (port: number) => {
        calls.push(`readyz ${port}`);
        return undefined;
      },
    };
    const outputs = { caCertificate: fixtureCert("ca"), clientCertificate: "CERT", clientKey: "KEY" };
    const out = await run(["verify", "--stack", "dev", "--probe"], workspace(outputs), VARS, ROOT, { ...d, verify: { ...d.verify, gateway } });
    expect(out.code).toBe(0);
    expect(calls).toEqual(["handshake 48080 openshell.openshell.svc.cluster.local CERT KEY true", "readyz 48081"]);
    expect(cluster.calls).toEqual([
      "delete agents.x-k8s.io/v1beta1/Sandbox openshell-sandboxes/platform-verify-probe",
      "delete v1/PersistentVolumeClaim openshell-sandboxes/workspace-platform-verify-probe",
      "create agents.x-k8s.io/v1beta1/Sandbox openshell-sandboxes/platform-verify-probe",
      "delete agents.x-k8s.io/v1beta1/Sandbox openshell-sandboxes/platform-verify-probe",
      "delete v1/PersistentVolumeClaim openshell-sandboxes/workspace-platform-verify-probe",
      "forward openshell/openshell-0:8080",
      "close 8080",
      "forward openshell/openshell-0:8081",
      "close 8081",
    ]);
    // A gateway that refuses the client certificate and is not ready: each named, exit 1.
    const broken = {
      handshake: async () => "the gateway closed the connection (client certificate refused?)",
      readyz: async () => "HTTP 503",
    };
    const bad = await run(["verify", "--stack", "dev", "--probe"], workspace(outputs), VARS, ROOT, { ...d, verify: { ...d.verify, gateway: broken } });
    expect(bad.code).toBe(1);
    // No OpenShell CLI on this PATH: said so, the exit code is the checks' own.
    expect(bad.text.split("\n")[1]).toBe(
      "openshell probe: not run: the OpenShell CLI (openshell) is not on PATH: no sandbox was created through the gateway (install it or pass --openshell-cli <path>)",
    );
    expect(bad.text.split("\n").slice(2)).toEqual([
      "FAIL Pod openshell/openshell-0 port 8080",
      "  expected: an mTLS handshake as openshell.openshell.svc.cluster.local with the stack's CA and client certificate",
      "  found:    the gateway closed the connection (client certificate refused?)",
      `  see:      ${rowReference("mtls")}`,
      "FAIL Pod openshell/openshell-0 port 8081",
      "  expected: GET /readyz: HTTP 200",
      "  found:    HTTP 503",
      `  see:      ${rowReference("mtls")}`,
    ]);
  });

  it("--probe: a Sandbox that never becomes Ready is one finding, and is deleted anyway", async () => {
    let t = Date.parse("2026-12-04T12:00:00Z");
    const cluster = fakeCluster(healthy("dev"), { onCreate: (o) => ({ ...o, status: { conditions: [{ type: "Ready", status: "False", reason: "DependenciesNotReady", message: "Pod is Pending" }] } }) });
    const d = deps(cluster);
    const verify: VerifyDeps = { ...d.verify, now: () => new Date((t += 20_000)), sleep: async () => undefined };
    const out = await run(["verify", "--stack", "dev", "--probe", "--timeout", "60", "--json"], workspace(), VARS, ROOT, { ...d, verify });
    expect(out.code).toBe(1);
    const findings = (JSON.parse(out.text) as { findings: { check: string }[] }).findings;
    expect(findings[0]).toEqual({
      check: "probe",
      object: "Sandbox openshell-sandboxes/platform-verify-probe",
      expected: "Ready=True within 60 s, its PersistentVolumeClaim workspace-platform-verify-probe Bound",
      found: "Ready=False (DependenciesNotReady: Pod is Pending); PersistentVolumeClaim not created",
      troubleshooting: rowReference("probe"),
    });
    expect(findings.slice(1).map((f) => f.check)).toEqual(["mtls"]);
    expect(cluster.calls.slice(-2)).toEqual([
      "delete agents.x-k8s.io/v1beta1/Sandbox openshell-sandboxes/platform-verify-probe",
      "delete v1/PersistentVolumeClaim openshell-sandboxes/workspace-platform-verify-probe",
    ]);
  });
});

describe("up --verify", () => {
  it("verifies each stack after its up; a failed verify fails that stack, and the later tiers do not start", async () => {
    const objects = healthy("dev").filter((o) => !(o["kind"] === "Deployment" && (o["metadata"] as { name: string }).name === "agent-sandbox-controller"));
    const out = await run(["up", "--all", "--verify"], workspace(), VARS, ROOT, deps(fakeCluster(objects)));
    expect(out.code).toBe(1);
    expect(out.results.map((r) => [r.stack, r.result, r.verify?.code])).toEqual([
      ["dev", "failed", 1],
      ["staging", "skipped", undefined],
      ["prod", "skipped", undefined],
    ]);
    expect(out.text.split("\n")[1]).toBe("dev      dev      up         failed   +3 =40   0.0s");
    expect(out.text).toContain("FAIL Deployment agent-sandbox-system/agent-sandbox-controller");
  });

  it("--verify applies to up only", async () => {
    const out = await run(["preview", "--stack", "dev", "--verify"], workspace(), VARS, ROOT, deps(fakeCluster([])));
    expect(out.code).toBe(2);
    expect(out.text.split("\n")[0]).toBe("--verify applies to up, not preview");
  });
});

describe("verify over a selection", () => {
  it("several stacks: each report, then the fleet summary; the exit code is the worst stack's", async () => {
    const objects = healthy("dev");
    const out = await run(["verify", "--stack", "dev,staging", "--parallel", "2"], workspace(), VARS, ROOT, deps(fakeCluster(objects)));
    expect(out.results.map((r) => [r.stack, r.tier, r.operation, r.result])).toEqual([
      ["dev", "dev", "verify", "ok"],
      ["staging", "staging", "verify", "failed"],
    ]);
    expect(out.code).toBe(1);
    expect(out.text).toMatch(/^verify dev: context "kind-dev" .*all passed\n/);
    expect(out.text).toContain("STACK    TIER     OPERATION  RESULT  CHANGES  DURATION");
  });
});

describe("verify --probe with an OpenShell CLI on PATH", () => {
  // A fake `openshell` (a shell script) stands in for the real CLI: it logs each call with the
  // environment it saw, imports the bundle on `gateway add` the way 0.0.111 does, and answers.
  const script = (log: string) => `#!/bin/sh
echo "ARGS $*" >> '${log}'
echo "HOME=$HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME GATEWAY=\${OPENSHELL_GATEWAY:-unset}" >> '${log}'
case "$1 $2" in
  "gateway add")
    d="$XDG_CONFIG_HOME/openshell/gateways/$6/mtls"
    mkdir -p "$d" && cp "$OPENSHELL_LOCAL_TLS_DIR/ca.crt" "$d/ca.crt" && cp "$OPENSHELL_LOCAL_TLS_DIR/client/tls.crt" "$OPENSHELL_LOCAL_TLS_DIR/client/tls.key" "$d/" || exit 1
    echo "Gateway '$6' added and set as active" >&2 ;;
esac
case "$3 $4" in
  "sandbox create") echo "Created sandbox: $6" >&2 ;;
  "sandbox exec") shift 10; exec "$@" ;;
  "sandbox delete") echo "Deleted sandbox $5" ;;
esac
exit 0
`;

  it("creates, execs into and deletes a sandbox through the fake CLI, in a throw-away config; reports each step's time", async () => {
    const { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "fake-openshell-"));
    try {
      const log = join(dir, "calls.log");
      writeFileSync(join(dir, "openshell"), script(log));
      chmodSync(join(dir, "openshell"), 0o755);
      const gatewayPod: KubeObject = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "openshell-0", namespace: "openshell", labels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } },
        status: { conditions: [{ type: "Ready", status: "True" }] },
      };
      const cluster = fakeCluster([...healthy("dev"), gatewayPod], { onCreate: (o) => ({ ...o, status: { conditions: [{ type: "Ready", status: "True" }] } }) });
      const d = deps(cluster);
      const verify: VerifyDeps = { ...d.verify, gateway: { handshake: async () => undefined, readyz: async () => undefined }, nonce: () => "0a0b0c", tmpRoot: dir };
      const outputs = { caCertificate: fixtureCert("ca"), clientCertificate: "CERT", clientKey: "KEY" };
      const vars = { ...VARS, PATH: `${dir}:/usr/bin:/bin`, HOME: "/home/someone", OPENSHELL_GATEWAY: "users-own" };
      const out = await run(["verify", "--stack", "dev", "--probe", "--timeout", "30"], workspace(outputs), vars, ROOT, { ...d, verify });
      expect(out.code).toBe(0);
      expect(out.text.split("\n")[1]).toMatch(
        new RegExp(
          `^openshell probe \\(${join(dir, "openshell").replace(/[/.]/g, "\\$&")}\\): sandbox verify-probe-0a0b0c, image ghcr\\.io/nvidia/openshell-community/sandboxes/base:8f7d0da: port-forward \\d+\\.\\d s, register \\d+\\.\\d s, create→Ready \\d+\\.\\d s, exec round trip \\d+\\.\\d s, delete \\d+\\.\\d s$`,
        ),
      );
      const lines = readFileSync(log, "utf8").trim().split("\n");
      expect(lines.filter((l) => l.startsWith("ARGS ")).map((l) => l.slice(5))).toEqual([
        "gateway add https://127.0.0.1:48080 --local --name openshell-dev",
        "--gateway openshell-dev sandbox create --name verify-probe-0a0b0c --from ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da --detach --no-auto-providers --no-tty -- sleep 90",
        "--gateway openshell-dev sandbox exec -n verify-probe-0a0b0c --no-tty --timeout 30 -- echo platform-verify verify-probe-0a0b0c",
        "--gateway openshell-dev sandbox delete verify-probe-0a0b0c",
      ]);
      for (const l of lines.filter((x) => x.startsWith("HOME="))) {
        expect(l).toMatch(new RegExp(`^HOME=${dir}/platform-verify-openshell-[^/ ]+/home XDG_CONFIG_HOME=${dir}/platform-verify-openshell-[^/ ]+/home/\\.config GATEWAY=unset$`));
      }
      // The throw-away directory is gone; only the fake CLI and its log remain.
      const { readdirSync } = await import("node:fs");
      expect(readdirSync(dir).sort()).toEqual(["calls.log", "openshell"]);
      expect(cluster.calls).toContain("close 8080");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--openshell-cli that is not an executable: exit 2 before touching the cluster", async () => {
    const cluster = fakeCluster(healthy("dev"));
    const out = await run(["verify", "--stack", "dev", "--probe", "--openshell-cli", "/nonexistent/openshell"], workspace(), VARS, ROOT, deps(cluster));
    expect(out).toEqual({ code: 2, results: [], text: "verify dev: --openshell-cli /nonexistent/openshell: not an executable file", stream: "stderr" });
    expect(cluster.calls).toEqual([]);
  });
});
