/** `platform verify` and `up --verify`, driven through a fake Workspace and a fake cluster. */
import { describe, expect, it } from "vitest";
import { run, type Environment, type Workspace } from "../../automation/orchestrate";
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
    stack: async () => ({
      preview: async () => ({ same: 1 }),
      refresh: async () => ({ same: 1 }),
      up: async () => ({ create: 3, same: 40 }),
      destroy: async () => ({ delete: 1 }),
      outputs: async () => outputs,
      kubeconfig: async () => undefined,
    }),
  };
}

function deps(cluster: Cluster, seen: KubeconfigSource[] = []): PlatformDeps {
  const verify: VerifyDeps = {
    plan: (env: Environment) => planStackFile(ROOT, env).plan,
    agentSandboxCrds: async () => CRDS,
    connect: (source) => {
      seen.push(source);
      return cluster;
    },
    now: () => new Date("2026-12-04T12:00:00Z"),
  };
  return { verify, client: { plan: verify.plan } };
}

const healthy = (stack: string): KubeObject[] => healthyObjects(expectations(planStackFile(ROOT, stack).plan, { agentSandboxCrds: CRDS, caPem: fixtureCert("ca") }));

describe("platform verify", () => {
  it("--help: the usage on stdout, exit 0", async () => {
    expect(await run(["verify", "--help"], workspace(), VARS, ROOT, deps(fakeCluster([])))).toEqual({ code: 0, results: [], text: VERIFY_USAGE, stream: "stdout" });
  });

  it.each([
    [[], "--env is required"],
    [["--env"], "--env needs a value"],
    [["--env", "all"], 'unknown environment "all"; allowed: dev, staging, prod'],
    [["--env", "dev", "--timeout", "0"], '--timeout must be whole seconds from 1 to 3600, got "0"'],
    [["--env", "dev", "--kubectl"], 'unknown argument "--kubectl"'],
  ])("%j: exit 2 with the usage on stderr", async (argv, message) => {
    expect(await run(["verify", ...argv], workspace(), VARS, ROOT, deps(fakeCluster([])))).toEqual({ code: 2, results: [], text: `${message}\n${VERIFY_USAGE}`, stream: "stderr" });
  });

  it("a healthy dev cluster: exit 0, one summary line, the plan's context", async () => {
    const seen: KubeconfigSource[] = [];
    const out = await run(["verify", "--env", "dev"], workspace(), VARS, ROOT, deps(fakeCluster(healthy("dev")), seen));
    expect(out.code).toBe(0);
    expect(out.stream).toBe("stdout");
    expect(out.text).toMatch(/^verify dev: context "kind-dev" \(https:\/\/127\.0\.0\.1:6443\), Kubernetes v1\.34\.1: \d+ checks, all passed$/);
    expect(seen).toEqual([{}]);
  });

  it("prod: the kubeconfig context the stack pins", async () => {
    const seen: KubeconfigSource[] = [];
    await run(["verify", "--env", "prod"], workspace(), VARS, ROOT, deps(fakeCluster(healthy("prod")), seen));
    expect(seen).toEqual([{ context: "prod" }]);
  });

  it("a broken cluster: exit 1, each finding with its object, expectation, finding and troubleshooting row; --json is pure JSON", async () => {
    const objects = healthy("dev").filter((o) => o["kind"] !== "CustomResourceDefinition");
    const out = await run(["verify", "--env", "dev"], workspace(), VARS, ROOT, deps(fakeCluster(objects)));
    expect(out.code).toBe(1);
    expect(out.text.split("\n").slice(1)).toEqual([
      "FAIL CustomResourceDefinition sandboxes.agents.x-k8s.io",
      "  expected: the CRD, Established, serving v1beta1",
      "  found:    not found",
      `  see:      ${rowReference("crd")}`,
    ]);
    const json = await run(["verify", "--env", "dev", "--json"], workspace(), VARS, ROOT, deps(fakeCluster(objects)));
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.text) as { env: string; context: string; findings: unknown[] };
    expect(parsed).toMatchObject({ env: "dev", context: "kind-dev", server: "https://127.0.0.1:6443", serverVersion: "v1.34.1" });
    expect(parsed.findings).toEqual([
      { check: "crd", object: "CustomResourceDefinition sandboxes.agents.x-k8s.io", expected: "the CRD, Established, serving v1beta1", found: "not found", troubleshooting: rowReference("crd") },
    ]);
  });

  it("an unreachable cluster: exit 2, one message on stderr naming the context and server", async () => {
    const message = 'cannot reach the Kubernetes API server of context "kind-dev" (https://127.0.0.1:6443): GET /version: no answer within 5 s';
    const out = await run(["verify", "--env", "dev", "--timeout", "5"], workspace(), VARS, ROOT, deps(fakeCluster([], { unreachable: message })));
    expect(out).toEqual({ code: 2, results: [], text: `verify dev: ${message}`, stream: "stderr" });
  });

  it("no Pulumi CLI, or a stack that was never deployed: exit 2", async () => {
    expect(await run(["verify", "--env", "dev"], workspace({}, null), VARS, ROOT, deps(fakeCluster([])))).toMatchObject({ code: 2, stream: "stderr", text: expect.stringContaining("the Pulumi CLI was not found on PATH") });
    expect(await run(["verify", "--env", "dev"], workspace({}), VARS, ROOT, deps(fakeCluster([])))).toEqual({
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
    const out = await run(["verify", "--env", "dev", "--probe"], workspace(outputs), VARS, ROOT, { ...d, verify: { ...d.verify, gateway } });
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
    const bad = await run(["verify", "--env", "dev", "--probe"], workspace(outputs), VARS, ROOT, { ...d, verify: { ...d.verify, gateway: broken } });
    expect(bad.code).toBe(1);
    expect(bad.text.split("\n").slice(1)).toEqual([
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
    const out = await run(["verify", "--env", "dev", "--probe", "--timeout", "60", "--json"], workspace(), VARS, ROOT, { ...d, verify });
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
  it("verifies each stack after its up; a failed verify stops before the next stack with its exit code", async () => {
    const objects = healthy("dev").filter((o) => !(o["kind"] === "Deployment" && (o["metadata"] as { name: string }).name === "agent-sandbox-controller"));
    const out = await run(["up", "--env", "all", "--verify"], workspace(), VARS, ROOT, deps(fakeCluster(objects)));
    expect(out.code).toBe(1);
    expect(out.results.map((r) => [r.env, r.ok, r.verify?.code])).toEqual([["dev", false, 1]]);
    expect(out.text.split("\n")[0]).toBe("dev: up ok (create 3, same 40)");
    expect(out.text).toContain("FAIL Deployment agent-sandbox-system/agent-sandbox-controller");
  });

  it("--verify applies to up only", async () => {
    const out = await run(["preview", "--env", "dev", "--verify"], workspace(), VARS, ROOT, deps(fakeCluster([])));
    expect(out.code).toBe(2);
    expect(out.text.split("\n")[0]).toBe("--verify applies to up, not preview");
  });
});
