/** The installer's ClusterRole covers every kind the graph creates, and the file is current. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AGENT_SANDBOX_CRDS } from "../../migration/agentSandbox";
import { covers, installerRbacYaml, installerRules, plural } from "../../security/installerRbac";
import { RBAC_DOC } from "../../scripts/render-docs";
import type { Evaluation } from "../harness/mocks";
import { buildConfigMap, runExample, runProgram } from "../harness/program";
import { FRAMEWORKS_DEV_VALUES } from "../harness/frameworks";

/** (group, resource) of every Kubernetes object the evaluation creates directly or through ConfigGroups. */
function kinds(ev: Evaluation): string[] {
  const out = new Set<string>();
  for (const r of ev.resources) {
    const m = /^kubernetes:([^:]+):([A-Za-z]+)$/.exec(r.type);
    if (m !== null && !["helm.sh/v4", "yaml/v2"].includes(m[1]!)) {
      const group = m[1]!.split("/")[0]!;
      out.add(`${group === "core" ? "" : group}/${plural(m[2]!.replace(/Patch$/, ""))}`);
    }
    if (r.type === "kubernetes:yaml/v2:ConfigGroup") {
      for (const o of r.inputs["objs"] as { apiVersion: string; kind: string }[]) {
        out.add(`${o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : ""}/${plural(o.kind)}`);
      }
    }
  }
  return [...out].sort();
}

describe("installer RBAC", () => {
  it("allows what the agent-sandbox v1.0 migration calls: read and update each kind, patch CRD status, delete a Secret", () => {
    const allows = (group: string, resource: string, verb: string) =>
      installerRules().some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
    for (const c of AGENT_SANDBOX_CRDS) for (const verb of ["get", "list", "update"]) expect([c.group, c.plural, verb, allows(c.group, c.plural, verb)]).toEqual([c.group, c.plural, verb, true]);
    expect(["get", "patch"].map((v) => allows("apiextensions.k8s.io", "customresourcedefinitions/status", v))).toEqual([true, true]);
    expect(["get", "patch"].map((v) => allows("apiextensions.k8s.io", "customresourcedefinitions", v))).toEqual([true, true]);
    expect(["get", "delete"].map((v) => allows("", "secrets", v))).toEqual([true, true]);
    expect(allows("apps", "deployments", "get")).toBe(true);
  });

  it("pluralizes kinds as the API does", () => {
    expect(["Deployment", "NetworkPolicy", "StorageClass", "ServiceMonitor"].map(plural)).toEqual(["deployments", "networkpolicies", "storageclasses", "servicemonitors"]);
  });

  it("covers every kind of every example stack and of a stack with everything on", async () => {
    const everything = await runProgram(
      "staging",
      buildConfigMap(
        {
          tier: "staging",
          kubernetesVersion: "1.34",
          cluster: { openshift: true },
          gateway: { oidc: { issuer: "https://login.example.internal" } },
          policies: { apiServer: { cidrs: ["10.0.0.1/32"] } },
          gpu: { enabled: true, timeSlicingReplicas: 2 },
          storage: { nfs: { enabled: true, server: "n.example.internal", share: "/e" }, cephfs: { mode: "standalone", clusterID: "f", fsName: "fs", monitors: ["10.0.0.1:6789"] } },
          database: { backup: { enabled: true, endpointUrl: "https://s3.example.internal", destinationPath: "s3://b/p" } },
        },
        { cephUserKey: "k", backupAccessKeyId: "a", backupSecretAccessKey: "s" },
      ),
    );
    const frameworks = kinds(await runProgram("dev", buildConfigMap({ ...FRAMEWORKS_DEV_VALUES })));
    expect([...frameworks].filter((k) => k.startsWith("extensions.agents.x-k8s.io/")).sort()).toEqual(["extensions.agents.x-k8s.io/sandboxtemplates", "extensions.agents.x-k8s.io/sandboxwarmpools"]);
    const all = new Set([...kinds(await runExample("dev")), ...kinds(await runExample("prod")), ...kinds(everything), ...frameworks]);
    const rules = installerRules();
    expect([...all].filter((k) => !covers(rules, k.split("/")[0]!, k.split("/")[1]!))).toEqual([]);
    expect(all.size).toBeGreaterThan(15);
  });

  it("grants no wildcard", () => {
    for (const r of installerRules()) {
      expect(r.verbs).not.toContain("*");
      expect(r.resources).not.toContain("*");
      expect(r.apiGroups).not.toContain("*");
    }
  });

  it("docs/installer-rbac.yaml is current (run `npm run docs` if this fails)", () => {
    expect(readFileSync(RBAC_DOC, "utf8")).toBe(installerRbacYaml());
  });
});
