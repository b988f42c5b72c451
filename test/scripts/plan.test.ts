import { describe, expect, it } from "vitest";
import { runCommand } from "../../scripts/cli";
import { USAGE, clusterPreflight, clusterTarget, parsePlanArgs, planCommand, type Environment } from "../../scripts/plan";
import { runPreflight, type Preflight } from "../../migration/preflight";
import { FakeCluster, upgradedV05Cluster } from "../migration/fakeCluster";
import { planStackFile } from "../../plan/fromStackFile";
import { ROOT } from "../harness/stackConfig";

/** No kubeconfig on this machine: the plan still says which one `pulumi up` would read. */
const NOWHERE: Environment = {
  home: "/home/ops",
  readFile: (p) => {
    throw new Error(`ENOENT ${p}`);
  },
};
const plan = (argv: string[], env: Environment = NOWHERE) => runCommand(USAGE, argv, (a) => planCommand(ROOT, a, env));

describe("npm run plan", () => {
  it("dev: cluster, components, order, versions, images, settings and the relaxations in force", () => {
    const { code, stdout, stderr } = plan(["--stack", "dev"]);
    expect([code, stderr]).toEqual([0, ""]);
    expect(stdout.split("\n").slice(0, 4)).toEqual([
      "stack dev (tier dev, Kubernetes 1.34, registry online)",
      "cluster: context the kubeconfig's current-context (not readable here; set cluster.context to pin it); kubeconfig /home/ops/.kube/config (the default); identifier dev (the stack name; set cluster.identifier)",
      "components: agentSandbox on, openshell on, cloudnativePg off, gpuOperator off, csiDriverNfs off, cephCsi off",
      "install order: namespaces -> policies -> agent-sandbox -> pki -> gateway (critical path 3: namespaces -> policies -> gateway)",
    ]);
    expect(stdout).toContain("  database: SQLite\n");
    expect(stdout).toContain("  gateway: 1 replica(s) in openshell, sandboxes in openshell-sandboxes, auth unauthenticated users allowed, telemetry off\n");
    expect(stdout).toContain("  podSecurity: agent-sandbox-system=baseline, openshell=baseline, openshell-sandboxes=privileged\n");
    expect(stdout).toContain("relaxations:\n  namespace agent-sandbox-system: Pod Security enforced at baseline, not restricted (policies.profile: relaxed)\n");
  });

  it("staging: what each component waits for; Postgres waits for no storage, the gateway for its NFS workspaces", () => {
    const { code, stdout } = plan(["--stack", "staging"]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    const from = lines.indexOf("waits (a component's resources are created once these are ready):");
    expect(lines.slice(from, from + 9)).toEqual([
      "waits (a component's resources are created once these are ready):",
      "  namespaces: nothing",
      "  policies: namespaces/agent-sandbox-system, namespaces/cnpg-system, namespaces/csi-nfs, namespaces/openshell, namespaces/openshell-sandboxes",
      "  agent-sandbox: namespaces/agent-sandbox-system",
      "  pki: namespaces/openshell, namespaces/openshell-sandboxes",
      "  storage: namespaces/csi-nfs",
      "  database: namespaces/cnpg-system, namespaces/openshell",
      "  gateway: agent-sandbox/controller, agent-sandbox/crds, agent-sandbox/migration, database/cluster, namespaces/openshell, namespaces/openshell-sandboxes, pki/secrets, policies/objects, storage/class/nfs, storage/driver/nfs",
      "versions: agentSandbox v1.0.1, openshell 0.0.111, gpuOperator v26.7.0, cloudnativePg 0.29.0, cloudnativePgOperator 1.30.0, csiDriverNfs 4.13.4, cephCsi 3.13.1",
    ]);
    expect(stdout).toContain("  database: Postgres 2 instance(s), 10Gi, Ready awaited for up to 20 min\n");
  });

  it("prod: nothing waits for the GPU Operator, and the plan says so", () => {
    const { stdout } = plan(["--stack", "prod"]);
    expect(stdout).toContain("  gpu-operator: namespaces/gpu-operator\n");
    expect(stdout).toContain("  nothing waits for: gpu-operator (a failure there holds nothing else back)\n");
  });

  it("names the context the kubeconfig would pick, so nobody deploys to the wrong one", () => {
    const env: Environment = {
      KUBECONFIG: "/etc/kube/a.yaml:/etc/kube/b.yaml",
      home: "/home/ops",
      readFile: (p) => (p === "/etc/kube/b.yaml" ? "current-context: kind-lab\n" : "apiVersion: v1\n"),
    };
    const { plan: dev } = planStackFile(ROOT, "dev");
    expect(clusterTarget(dev, env)).toEqual({
      kubeconfig: "/etc/kube/a.yaml:/etc/kube/b.yaml ($KUBECONFIG)",
      context: "kind-lab (the kubeconfig's current-context: set cluster.context to pin it)",
      identifier: "dev (the stack name; set cluster.identifier)",
    });
    const { plan: prod } = planStackFile(ROOT, "prod");
    expect(clusterTarget(prod, env)).toEqual({
      kubeconfig: "/etc/kube/a.yaml:/etc/kube/b.yaml ($KUBECONFIG)",
      context: "prod (cluster.context)",
      identifier: "prod-cluster",
    });
  });

  it("prod: the secrets it still needs are listed and noted on stderr; pulumi up refuses until they are set", () => {
    const { code, stdout, stderr } = plan(["--stack", "prod"]);
    expect(code).toBe(0);
    expect(stdout).toContain("secrets:\n  inferenceApiKey: missing\n  registryPassword: missing\n");
    expect(stderr).toBe(
      [
        'note: inferenceApiKey: required when inference.provider is "nvidia-nim"; set it with `pulumi config set --secret inferenceApiKey <value>` (pulumi up refuses the stack until it is set)',
        "note: registryPassword: required when registry.username is set; set it with `pulumi config set --secret registryPassword <value>` (pulumi up refuses the stack until it is set)",
        "",
      ].join("\n"),
    );
  });

  it("--json writes only JSON to stdout, the same summary as data", () => {
    const { code, stdout } = plan(["--stack", "staging", "--json"]);
    expect(code).toBe(0);
    const s = JSON.parse(stdout) as { components: Record<string, boolean>; settings: { database: string }; images: string[]; cluster: { context: string } };
    expect(s.components).toEqual({ agentSandbox: true, openshell: true, cloudnativePg: true, gpuOperator: false, csiDriverNfs: true, cephCsi: false });
    expect(s.settings.database).toBe("Postgres 2 instance(s), 10Gi, Ready awaited for up to 20 min");
    expect(s.cluster.context).toBe("staging (cluster.context)");
    expect(s.images).toHaveLength(13);
  });

  it("protection, rotation and the upgrade notes of a release moved off its pin", async () => {
    const { mkdtempSync, copyFileSync, writeFileSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const root = mkdtempSync(join(tmpdir(), "plan-"));
    copyFileSync(join(ROOT, "Pulumi.yaml"), join(root, "Pulumi.yaml"));
    const staging = readFileSync(join(ROOT, "Pulumi.staging.yaml"), "utf8");
    writeFileSync(join(root, "Pulumi.staging.yaml"), `${staging}  agent-platform:catalog:\n    versions:\n      openshell: 0.0.112\n  agent-platform:pki:\n    rotation:\n      jwtKey: 2\n`);
    const { code, stdout } = runCommand(USAGE, ["--stack", "staging"], (a) => planCommand(root, a, NOWHERE));
    expect(code).toBe(0);
    expect(stdout).toContain("protection: on: protect the CA, JWT key, KEK and Postgres Cluster; retain the CRDs and namespaces openshell, openshell-sandboxes\n");
    expect(stdout).toContain(
      "rotation: ca 1, jwtKey 2, kek 1\n  before the pulumi up that applies a raised generation (once), unprotect the keys it replaces:\n    pulumi state unprotect --stack staging 'urn:pulumi:staging::agent-platform::agent-platform:platform:Pki$tls:index/privateKey:PrivateKey::pki-jwt-key'\n",
    );
    expect(stdout).toContain("upgrade openshell 0.0.111 -> 0.0.112:\n  - The chart version is the gateway and supervisor image tag");
    expect(plan(["--stack", "dev"]).stdout).toContain("protection: off (protection.enabled): destroy deletes everything, the CRDs and their custom resources included\n");
  });

  it("--help prints the usage and exits 0", () => {
    expect(plan(["--help"])).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: "" });
  });

  it.each([
    [[], "--stack is required"],
    [["--stack"], "--stack needs a value"],
    [["--stack", "dev", "--yaml"], 'unknown argument "--yaml"'],
  ])("%j: exit 2 with the reason and the usage", (argv, message) => {
    expect(() => parsePlanArgs(argv)).toThrow(message);
    expect(plan(argv)).toEqual({ code: 2, stdout: "", stderr: `${message}\n${USAGE}\n` });
  });
});

describe("npm run plan: the agent-sandbox preflight", () => {
  const withPreflight = (pre: Preflight) => runCommand(USAGE, ["--stack", "dev"], (a) => planCommand(ROOT, a, NOWHERE, pre));
  const { plan: dev } = planStackFile(ROOT, "dev");

  it("without a cluster read: says so, and prints the automated v0.5 path in case the cluster runs v0.5.x", () => {
    const { stdout } = plan(["--stack", "dev"]);
    expect(stdout).toContain("upgrade agentSandbox v0.5.x (if the cluster runs it) -> v1.0.1:\n  - Why: v1.0 serves v1beta1 only and drops the conversion webhook");
    expect(stdout).toContain("  - pulumi up, before the v1.0 CRDs (hook on ConfigMap agent-sandbox-system/agent-platform-migration-v1)");
    expect(stdout).toContain("\npreflight: the cluster was not checked (not asked (npm run plan reads the cluster))\nverify --probe creates, then deletes:\n");
  });

  it("a cluster on v0.5.6 upgraded from v0.4: installed version, stored versions, counts, the verdict and what pulumi up migrates", async () => {
    const pre = await runPreflight(upgradedV05Cluster(false), "v1.0.1");
    const { code, stdout } = withPreflight(pre);
    expect(code).toBe(0);
    expect(stdout).toContain("upgrade agentSandbox v0.5.6 -> v1.0.1:\n");
    const lines = stdout.split("\n");
    const at = lines.indexOf("preflight (read from the cluster):");
    expect(lines[at + 12]).toBe("verify --probe creates, then deletes:");
    expect(lines.slice(at, at + 12)).toEqual([
      "preflight (read from the cluster):",
      "  agent-sandbox installed: v0.5.6",
      '  sandboxes.agents.x-k8s.io: storedVersions ["v1alpha1","v1beta1"], 3 Sandbox object(s)',
      "  sandboxclaims.extensions.agents.x-k8s.io: not installed",
      "  sandboxtemplates.extensions.agents.x-k8s.io: not installed",
      "  sandboxwarmpools.extensions.agents.x-k8s.io: not installed",
      '  target v1.0.1: does not apply as is: the API server would reject the v1.0 CRDs until the migration runs (pulumi up runs it first): rewrite 3 Sandbox object(s) at v1beta1 (storedVersions ["v1alpha1","v1beta1"]); set sandboxes.agents.x-k8s.io status.storedVersions ["v1alpha1","v1beta1"] -> ["v1beta1"]; set sandboxes.agents.x-k8s.io spec.conversion Webhook -> None',
      "  the next pulumi up migrates first:",
      '    - rewrite 3 Sandbox object(s) at v1beta1 (storedVersions ["v1alpha1","v1beta1"])',
      '    - set sandboxes.agents.x-k8s.io status.storedVersions ["v1alpha1","v1beta1"] -> ["v1beta1"]',
      "    - set sandboxes.agents.x-k8s.io spec.conversion Webhook -> None",
      "    - after the v1.0 CRDs and controller: delete Secret agent-sandbox-system/agent-sandbox-webhook-certs",
    ]);
    const json = JSON.parse(runCommand(USAGE, ["--stack", "dev", "--json"], (a) => planCommand(ROOT, a, NOWHERE, pre)).stdout) as { preflight: Preflight };
    expect(json.preflight).toEqual(JSON.parse(JSON.stringify(pre)));
  });

  it("a cluster already on v1.0: applies as is, and no v0.5 notes", async () => {
    const cluster = new FakeCluster().addCrd("sandboxes.agents.x-k8s.io", { versions: ["v1beta1"], conversionStrategy: "None", objects: new Map([["a/x", "v1beta1"]]) });
    cluster.controllerImage = "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1";
    const { stdout } = withPreflight(await runPreflight(cluster, "v1.0.1"));
    expect(stdout).not.toContain("upgrade agentSandbox");
    expect(stdout).toContain("  target v1.0.1: applies as is: every agent-sandbox CRD stores only v1beta1 and has no conversion webhook\n");
  });

  it("unreachable, slow or secret-kubeconfig clusters are reported, never a failure", async () => {
    expect(await clusterPreflight(dev, async () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6443")))).toEqual({
      reachable: false,
      reason: "cluster not reachable: connect ECONNREFUSED 127.0.0.1:6443",
    });
    expect(await clusterPreflight(dev, () => new Promise<never>(() => {}), 50)).toEqual({ reachable: false, reason: "cluster not reachable: no answer within 0.05 s" });
    const secretKubeconfig = { ...dev, provider: { ...dev.provider, kubeconfigFromSecret: true } };
    expect(await clusterPreflight(secretKubeconfig, async () => new FakeCluster())).toEqual({ reachable: false, reason: "the kubeconfig is the secret setting, which plan does not read" });
    const seen: unknown[] = [];
    const withContext = { ...dev, provider: { ...dev.provider, context: "lab", kubeconfigPath: "/etc/kube/lab.yaml" } };
    await clusterPreflight(withContext, async (src) => {
      seen.push(src);
      return new FakeCluster();
    });
    expect(seen).toEqual([{ path: "/etc/kube/lab.yaml", context: "lab" }]);
  });
});
