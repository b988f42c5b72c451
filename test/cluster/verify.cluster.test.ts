/**
 * `platform verify` against the tier's real kube-apiserver, through the real client layer
 * (@kubernetes/client-node, verify/cluster.ts): the objects of each example stack applied with the
 * status a healthy cluster reports (the real agent-sandbox and CloudNativePG CRDs; the GPU
 * Operator's stood in by CRDs of the same names and versions) pass; each broken variant gives
 * exactly its finding and exit 1; an API server that never answers gives exit 2 within --timeout.
 */
import { createServer, type Server, type Socket } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlatformDeps } from "../../automation/deps";
import { run, type Workspace } from "../../automation/orchestrate";
import { fakeDeps, fakeStack } from "../automation/fakes";
import { planStackFile } from "../../plan/fromStackFile";
import type { KubeObject } from "../../verify/checks";
import { connectCluster } from "../../verify/cluster";
import { crdsOf, expectations } from "../../verify/expectations";
import { rowReference } from "../../verify/troubleshooting";
import { ROOT } from "../harness/stackConfig";
import { fixtureCert, healthyObjects } from "../verify/healthy";
import type { K8sObject } from "./api";
import { applyObjects } from "./apply";
import { evaluateRun, graphObjects } from "./graph";
import { probePlan } from "../../verify/probe";
import { startControlPlane, type ControlPlane } from "./controlPlane";
import { agentSandboxCrds, cloudnativePgCrds } from "./upstream";

const VARS = { PULUMI_BACKEND_URL: "s3://state-bucket/platform", PULUMI_CONFIG_PASSPHRASE: "pass" };
const CRDS = crdsOf(agentSandboxCrds(undefined, false) as unknown as Parameters<typeof crdsOf>[0]);
const REAL_CRDS = new Set([...agentSandboxCrds(), ...cloudnativePgCrds()].map((c) => c.metadata.name));
const WITH_STATUS = new Set(["Deployment", "StatefulSet", "Cluster"]);

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane();
  for (const crd of [...agentSandboxCrds(), ...cloudnativePgCrds()]) await cp.client.installCrd(crd);
});
afterAll(async () => cp?.stop());

const workspace: Workspace = {
  cliVersion: async () => "v3.270.0",
  stack: async () => fakeStack({ outputs: async () => ({ caCertificate: fixtureCert("ca") }) }),
};

/** The real dependencies, pointed at the tier's kubeconfig (the stacks name contexts it does not have). */
function deps(kubeconfigPath: string): PlatformDeps {
  const plan = (stack: string) => planStackFile(ROOT, stack).plan;
  return fakeDeps({
    verify: { plan, agentSandboxCrds: async () => CRDS, connect: (_source, timeoutMs) => connectCluster({ path: kubeconfigPath }, timeoutMs), now: () => new Date("2026-12-04T12:00:00Z") },
    client: { plan },
  });
}

const verify = (stack: string, extra: string[] = []) => run(["verify", "--stack", stack, "--json", ...extra], workspace, VARS, ROOT, deps(cp.kubeconfigPath));
const findingsOf = (text: string) => (JSON.parse(text) as { findings: unknown[] }).findings;

const healthy = (stack: string): KubeObject[] => healthyObjects(expectations(planStackFile(ROOT, stack).plan, { agentSandboxCrds: CRDS, caPem: fixtureCert("ca") }));

/** Applies objects as a healthy cluster holds them: namespaces, stand-in CRDs, the rest, then the status controllers report. */
async function applyHealthy(objects: readonly KubeObject[]): Promise<void> {
  const k = (o: KubeObject) => o as unknown as K8sObject;
  const order = (o: KubeObject) => (o["kind"] === "Namespace" ? 0 : o["kind"] === "CustomResourceDefinition" ? 1 : 2);
  for (const o of [...objects].sort((a, b) => order(a) - order(b))) {
    if (o["kind"] === "CustomResourceDefinition") {
      if (!REAL_CRDS.has(k(o).metadata.name)) await cp.client.installCrd(k({ ...o, status: undefined }));
      continue;
    }
    const { status, ...body } = o as Record<string, unknown>;
    await cp.client.apply(k(body as KubeObject));
    if (WITH_STATUS.has(String(o["kind"])) && status !== undefined) await cp.client.patchStatus(k(o), status);
  }
}

const find = (objects: readonly KubeObject[], kind: string, name: string, namespace?: string): K8sObject => {
  const o = objects.find((x) => x["kind"] === kind && (x["metadata"] as { name: string }).name === name && (x["metadata"] as { namespace?: string }).namespace === namespace);
  if (o === undefined) throw new Error(`no ${kind} ${namespace ?? ""}/${name} among the healthy objects`);
  return o as unknown as K8sObject;
};

describe("verify against a real API server", () => {
  it.each(["dev", "staging", "prod"])("%s: the objects of the stack, healthy, pass (exit 0)", async (stack) => {
    await applyHealthy(healthy(stack));
    const out = await verify(stack);
    expect(findingsOf(out.text)).toEqual([]);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.text)).toMatchObject({ stack, context: "envtest", server: cp.server, serverVersion: "v1.34.4" });
  });

  describe("each broken variant gives exactly its finding (exit 1)", () => {
    let objects: KubeObject[];
    beforeAll(async () => {
      objects = healthy("prod");
      await applyHealthy(objects);
    });

    it("a CRD missing", async () => {
      const crd = agentSandboxCrds(undefined, false).find((c) => c.metadata.name === "sandboxes.agents.x-k8s.io")!;
      await cp.client.delete(crd);
      const deadline = Date.now() + 30_000;
      while ((await cp.client.get(crd.apiVersion, crd.kind, crd.metadata.name)) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      try {
        const out = await verify("prod");
        expect(findingsOf(out.text)).toEqual([
          { check: "crd", object: "CustomResourceDefinition sandboxes.agents.x-k8s.io", expected: "the CRD, Established, serving v1beta1", found: "not found", troubleshooting: rowReference("crd") },
        ]);
        expect(out.code).toBe(1);
      } finally {
        await cp.client.installCrd({ ...crd, metadata: { name: crd.metadata.name } });
      }
    });

    it("a Deployment not Available", async () => {
      const d = find(objects, "Deployment", "cnpg-cloudnative-pg", "cnpg-system");
      await cp.client.patchStatus(d, { conditions: [{ type: "Available", status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability.", lastTransitionTime: "2026-12-04T11:00:00Z", lastUpdateTime: "2026-12-04T11:00:00Z" }] });
      try {
        const out = await verify("prod");
        expect(findingsOf(out.text)).toEqual([
          {
            check: "deploymentAvailable",
            object: "Deployment cnpg-system/cnpg-cloudnative-pg",
            expected: "Available=True",
            found: "Available=False (MinimumReplicasUnavailable: Deployment does not have minimum availability.)",
            troubleshooting: rowReference("operator"),
          },
        ]);
        expect(out.code).toBe(1);
      } finally {
        await cp.client.patchStatus(d, d["status"]);
      }
    });

    it("a wrong PSA label", async () => {
      const ns = find(objects, "Namespace", "agent-sandbox-system");
      const labels = (ns.metadata["labels"] as Record<string, string>) ?? {};
      await cp.client.apply({ ...ns, metadata: { ...ns.metadata, labels: { ...labels, "pod-security.kubernetes.io/enforce": "baseline" } } });
      try {
        const out = await verify("prod");
        expect(findingsOf(out.text)).toEqual([
          { check: "namespace", object: "Namespace agent-sandbox-system", expected: "pod-security.kubernetes.io/enforce=restricted", found: "pod-security.kubernetes.io/enforce=baseline", troubleshooting: rowReference("namespace") },
        ]);
        expect(out.code).toBe(1);
      } finally {
        await cp.client.apply(ns);
      }
    });

    it("a server certificate from another CA", async () => {
      const secret = find(objects, "Secret", "openshell-server-tls", "openshell");
      await cp.client.apply({ ...secret, data: { ...(secret["data"] as Record<string, string>), "tls.crt": Buffer.from(fixtureCert("server-other-ca")).toString("base64") } });
      try {
        const out = await verify("prod");
        expect(findingsOf(out.text)).toEqual([
          {
            check: "serverCertificate",
            object: "Secret openshell/openshell-server-tls",
            expected: expect.stringMatching(/^issued and signed by the stack's CA/),
            found: "issued by O=openshell, CN=openshell-ca, not signed by the stack's CA",
            troubleshooting: rowReference("certificate"),
          },
        ]);
        expect(out.code).toBe(1);
      } finally {
        await cp.client.apply(secret);
      }
    });

    it("a missing pull Secret", async () => {
      const secret = find(objects, "Secret", "platform-registry-credentials", "openshell-sandboxes");
      await cp.client.delete(secret);
      try {
        const out = await verify("prod");
        expect(findingsOf(out.text)).toEqual([
          { check: "present", object: "Secret openshell-sandboxes/platform-registry-credentials", expected: "the Secret", found: "not found", troubleshooting: rowReference("pullSecret") },
        ]);
        expect(out.code).toBe(1);
      } finally {
        await cp.client.apply(secret);
      }
    });

    it("restored: prod passes again", async () => {
      const out = await verify("prod");
      expect(findingsOf(out.text)).toEqual([]);
      expect(out.code).toBe(0);
    });
  });

  it("an API server that never answers: exit 2 within --timeout, naming the context and server", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), "verify-unreachable-"));
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        "current-context": "silent",
        clusters: [{ name: "silent", cluster: { server: `https://127.0.0.1:${port}`, "insecure-skip-tls-verify": true } }],
        users: [{ name: "u", user: { token: "t" } }],
        contexts: [{ name: "silent", context: { cluster: "silent", user: "u" } }],
      }),
    );
    try {
      const started = Date.now();
      const out = await run(["verify", "--stack", "dev", "--timeout", "2"], workspace, VARS, ROOT, deps(kubeconfig));
      const took = Date.now() - started;
      expect(out).toEqual({
        code: 2,
        results: [],
        text: `verify dev: cannot reach the Kubernetes API server of context "silent" (https://127.0.0.1:${port}): GET /version: no answer within 2 s`,
        stream: "stderr",
      });
      expect(took).toBeLessThan(2_000 + 1_500);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});

describe("verify --probe's Sandbox on the real API server", () => {
  for (const stack of ["dev", "staging", "prod"]) {
    it(`${stack}: the pinned Sandbox CRD accepts it (strict fields), and its pod is admitted in the sandbox namespace without a Pod Security warning`, async () => {
      const namespaces = graphObjects(await evaluateRun(stack)).filter((o) => o.object.kind === "Namespace");
      expect((await applyObjects(cp.client, namespaces)).failures).toEqual([]);
      const probe = probePlan(planStackFile(ROOT, stack).plan).sandbox as unknown as K8sObject;
      const accepted = await cp.client.apply(probe, { dryRun: true });
      expect(accepted.warnings).toEqual([]);
      const template = (probe["spec"] as { podTemplate: { metadata: Record<string, unknown>; spec: Record<string, unknown> } }).podTemplate;
      const pod = { apiVersion: "v1", kind: "Pod", metadata: { ...template.metadata, name: "probe-pod", namespace: probe.metadata.namespace }, spec: { ...template.spec, volumes: [{ name: "workspace", emptyDir: {} }] } };
      expect((await cp.client.apply(pod, { dryRun: true })).warnings).toEqual([]);
    });
  }
});
