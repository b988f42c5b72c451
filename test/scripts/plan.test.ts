import { describe, expect, it } from "vitest";
import { runCommand } from "../../scripts/cli";
import { USAGE, clusterTarget, parsePlanArgs, planCommand, type Environment } from "../../scripts/plan";
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
      "  gateway: agent-sandbox/controller, agent-sandbox/crds, database/cluster, namespaces/openshell, namespaces/openshell-sandboxes, pki/secrets, policies/objects, storage/class/nfs, storage/driver/nfs",
      "versions: agentSandbox v0.5.6, openshell 0.0.111, gpuOperator v26.7.0, cloudnativePg 0.29.0, cloudnativePgOperator 1.30.0, csiDriverNfs 4.13.4, cephCsi 3.13.1",
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
