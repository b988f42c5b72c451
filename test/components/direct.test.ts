/**
 * Every component built on its own under the mock engine, with small
 * arguments and no configuration or plan (the way awsx tests
 * `new FargateService(...)`): exact children, names, parents and options,
 * and the guard errors of arguments that cannot work.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AgentSandbox } from "../../components/agentSandbox";
import { Database } from "../../components/database";
import { GpuOperator } from "../../components/gpuOperator";
import { Namespaces } from "../../components/namespaces";
import { OpenShellGateway } from "../../components/openshellGateway";
import { Pki, type PkiArgs } from "../../components/pki";
import { Policies } from "../../components/policies";
import { Storage } from "../../components/storage";
import { EvaluationError, UNKNOWN_VALUE as UNKNOWN, find, inventoryOf, type Evaluation } from "../harness/mocks";
import { runComponents } from "../harness/program";

const chart = (name: string, namespace: string) => ({ chart: `oci://registry.example/${name}`, version: "1.0.0", name, namespace, values: { a: 1 } });
const meta = (name: string, namespace: string) => ({ name, namespace });

async function failure(build: () => void): Promise<string> {
  const err = await runComponents(build).then(
    () => undefined,
    (e: unknown) => e as EvaluationError,
  );
  if (err === undefined) throw new Error("expected the component to refuse its arguments");
  return err.message;
}

const names = (ev: Evaluation) => inventoryOf(ev).filter((l) => !l.startsWith("pulumi:"));

describe("Namespaces", () => {
  it("a namespace, its default service account patch, its mirror CA and pull Secret; dependencies per namespace", async () => {
    let deps: Record<string, number> = {};
    const ev = await runComponents(() => {
      const n = new Namespaces("ns", {
        namespaces: [{ name: "a", labels: { x: "1" }, retainOnDelete: true }, { name: "b", labels: {} }],
        credentials: { host: "registry.example", username: "u", password: pulumi.secret("pw"), secretName: "pull" },
        mirrorCaBundle: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----",
      });
      deps = Object.fromEntries(Object.entries(n.dependsOnByNamespace).map(([k, v]) => [k, v.length]));
    });
    expect(names(ev)).toEqual([
      "agent-platform:platform:Namespaces ns",
      "kubernetes:core/v1:ConfigMap ns-a-mirror-ca",
      "kubernetes:core/v1:ConfigMap ns-b-mirror-ca",
      "kubernetes:core/v1:Namespace ns-a",
      "kubernetes:core/v1:Namespace ns-b",
      "kubernetes:core/v1:Secret ns-a-pull",
      "kubernetes:core/v1:Secret ns-b-pull",
      "kubernetes:core/v1:ServiceAccountPatch ns-a-default-sa",
      "kubernetes:core/v1:ServiceAccountPatch ns-b-default-sa",
    ]);
    expect([find(ev, "kubernetes:core/v1:Namespace", "ns-a").retainOnDelete, find(ev, "kubernetes:core/v1:Namespace", "ns-b").retainOnDelete]).toEqual([true, false]);
    expect(deps).toEqual({ a: 2, b: 2 });
  });

  it("refuses a namespace listed twice", async () => {
    expect(await failure(() => new Namespaces("ns", { namespaces: [{ name: "a", labels: {} }, { name: "a", labels: {} }] }))).toBe("Namespaces: a listed more than once");
  });
});

describe("Policies", () => {
  const objects = {
    networkPolicies: [{ metadata: meta("default-deny", "a"), spec: { podSelector: {}, policyTypes: ["Ingress"] } }],
    quota: { metadata: meta("q", "a"), spec: { hard: { pods: "1" } } },
    limitRange: { metadata: meta("l", "a"), spec: { limits: [] } },
    egressPolicy: { metadata: meta("egress", "a"), data: { "policy.yaml": "version: 1\n" } },
  };

  it("registers each object after its namespace and exposes them as its dependencies", async () => {
    let count = 0;
    const ev = await runComponents(() => {
      const ns = new Namespaces("ns", { namespaces: [{ name: "a", labels: {} }] });
      count = new Policies("pol", { ...objects, dependsOnByNamespace: ns.dependsOnByNamespace }).dependencies.length;
    });
    const nsUrn = find(ev, "kubernetes:core/v1:Namespace", "ns-a").urn;
    for (const [type, name] of [
      ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "pol-a-default-deny"],
      ["kubernetes:core/v1:ResourceQuota", "pol-sandbox-quota"],
      ["kubernetes:core/v1:LimitRange", "pol-sandbox-limits"],
      ["kubernetes:core/v1:ConfigMap", "pol-egress"],
    ] as const) {
      expect(find(ev, type, name).dependsOn).toContain(nsUrn);
    }
    expect(count).toBe(4);
  });

  it("refuses an object in a namespace the graph does not own", async () => {
    expect(await failure(() => new Policies("pol", { ...objects, dependsOnByNamespace: {} }))).toBe("Policies: default-deny is in namespace a, which the graph does not own");
  });
});

describe("AgentSandbox", () => {
  const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "things.example.io" }, spec: {} };
  const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "c", namespace: "agent-sandbox-system" }, spec: {} };
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "agent-sandbox-system" } };

  const webhookCrd = {
    ...crd,
    metadata: { name: "olds.example.io" },
    spec: { conversion: { strategy: "Webhook", webhook: { clientConfig: { service: { name: "w", namespace: "agent-sandbox-system" } } } } },
  };

  it("one CRD resource per CRD (retained when asked; the caBundle ignored where a webhook converts), the rest in a ConfigGroup after them", async () => {
    const ev = await runComponents(() => {
      new AgentSandbox("as", { parts: { namespace: ns, crds: [crd, webhookCrd], objects: [deployment] }, dependsOn: [], retainCrds: true });
    });
    const c = find(ev, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "as-crd-things.example.io");
    const old = find(ev, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "as-crd-olds.example.io");
    expect([c.retainOnDelete, c.ignoreChanges, c.dependsOn]).toEqual([true, [], []]);
    expect([old.retainOnDelete, old.ignoreChanges]).toEqual([true, ["spec.conversion.webhook.clientConfig.caBundle"]]);
    expect(find(ev, "kubernetes:yaml/v2:ConfigGroup", "as-controller").dependsOn).toEqual([c.urn, old.urn]);
    expect(ev.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap")).toEqual([]);
    expect(ev.hooks).toEqual([]);
  });

  it("with a migration: prepare's ConfigMap before the CRDs, finish's after the CRDs and controller, both hooks also run in preview", async () => {
    let as: AgentSandbox | undefined;
    const noop = async () => {};
    const ev = await runComponents(() => {
      as = new AgentSandbox("as", {
        parts: { namespace: ns, crds: [crd], objects: [deployment] },
        dependsOn: [],
        retainCrds: false,
        migration: { record: { target: "v1.0.1" }, prepare: noop, finish: noop },
      });
    });
    const prepared = find(ev, "kubernetes:core/v1:ConfigMap", "as-migration");
    const done = find(ev, "kubernetes:core/v1:ConfigMap", "as-migration-done");
    const c = find(ev, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "as-crd-things.example.io");
    const controller = find(ev, "kubernetes:yaml/v2:ConfigGroup", "as-controller");
    expect(prepared.inputs["metadata"]).toEqual({
      name: "agent-platform-migration-v1",
      namespace: "agent-sandbox-system",
      labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" },
    });
    expect([prepared.inputs["data"], done.inputs["data"]]).toEqual([{ target: "v1.0.1" }, { target: "v1.0.1" }]);
    expect(prepared.hooks).toEqual({ beforeCreate: ["as-migration-prepare"], beforeUpdate: ["as-migration-prepare"] });
    expect(done.hooks).toEqual({ beforeCreate: ["as-migration-finish"], beforeUpdate: ["as-migration-finish"] });
    expect(ev.hooks).toEqual([
      { name: "as-migration-prepare", onDryRun: true },
      { name: "as-migration-finish", onDryRun: true },
    ]);
    expect(c.dependsOn).toEqual([prepared.urn]);
    expect(controller.dependsOn).toEqual([c.urn]);
    expect(done.dependsOn).toEqual([c.urn, controller.urn]);
    expect((as?.migration ?? []).length).toBe(2);
  });

  it("a CRD the migration has yet to change is previewed with a computed spec.conversion; the others, and every CRD under up, exactly as the manifest has them", async () => {
    const noop = async () => {};
    const other = { ...crd, metadata: { name: "others.example.io" }, spec: { group: "example.io" } };
    const build = (awaiting: readonly string[]) => () => {
      new AgentSandbox("as", {
        parts: { namespace: ns, crds: [crd, other], objects: [deployment] },
        dependsOn: [],
        retainCrds: true,
        migration: { record: { target: "v1.0.1" }, prepare: noop, finish: noop, awaitingMigration: async () => new Set(awaiting) },
      });
    };
    const inputsOf = (ev: Evaluation) =>
      ["things.example.io", "others.example.io"].map((n) => find(ev, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", `as-crd-${n}`).inputs);
    expect(inputsOf(await runComponents(build(["things.example.io"]), true))).toEqual([
      { ...crd, spec: { conversion: UNKNOWN } },
      other,
    ]);
    // Nothing awaiting (a migrated or fresh cluster, or up): byte-identical to the manifest.
    expect(inputsOf(await runComponents(build([]), true))).toEqual([crd, other]);
    expect(inputsOf(await runComponents(build([]), false))).toEqual([crd, other]);
  });

  it("refuses parts without a CRD", async () => {
    expect(await failure(() => new AgentSandbox("as", { parts: { namespace: ns, crds: [], objects: [deployment] }, dependsOn: [], retainCrds: false }))).toBe(
      "AgentSandbox: the manifest parts hold no CustomResourceDefinition",
    );
  });
});

const PKI: PkiArgs = {
  namespace: "gw",
  sandboxNamespace: "gw",
  keyAlgorithm: "ECDSA-P384",
  caValidityHours: 100,
  certValidityHours: 50,
  earlyRenewalHours: 5,
  serverDnsNames: ["gw.example"],
  serverIpAddresses: [],
  protect: false,
  rotation: { ca: 1, jwtKey: 2, kek: 1 },
  dependsOn: [],
};

describe("Pki", () => {
  it("keys, CA and certificates, and one client TLS Secret when sandboxes share the gateway namespace", async () => {
    const ev = await runComponents(() => {
      new Pki("p", PKI);
    });
    expect(ev.resources.filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => r.name).sort()).toEqual(["p-client-ca", "p-client-tls", "p-jwt-keys", "p-kek", "p-server-tls"]);
    expect(find(ev, "tls:index/privateKey:PrivateKey", "p-ca-key").inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P384" });
    expect(find(ev, "tls:index/privateKey:PrivateKey", "p-jwt-key").replacementTrigger).toBe(2);
    expect(find(ev, "tls:index/certRequest:CertRequest", "p-server-csr").inputs["dnsNames"]).toEqual(["gw.example"]);
  });

  it("refuses a server certificate without a name", async () => {
    expect(await failure(() => new Pki("p", { ...PKI, serverDnsNames: [] }))).toBe("Pki: the server certificate needs at least one DNS name");
  });
});

describe("Storage", () => {
  const sc = (name: string, provisioner: string) => ({ metadata: { name }, provisioner });

  it("each class waits for its own driver only (a Rook class for none), and is replaced before it is recreated", async () => {
    let parts: Record<string, readonly pulumi.Resource[]> = {};
    const ev = await runComponents(() => {
      const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: "csi" } });
      const st = new Storage("st", {
        nfs: { chart: chart("nfs", "csi"), dependsOn: [ns] },
        cephfs: { chart: chart("ceph", "ceph-csi"), secret: { name: "s", namespace: "ceph-csi", userId: "admin" }, userKey: pulumi.secret("k"), dependsOn: [] },
        classes: [
          { spec: sc("fast", "nfs.csi.k8s.io"), driver: "nfs" },
          { spec: sc("shared", "cephfs.csi.ceph.com"), driver: "cephfs" },
          { spec: sc("rook", "rook-ceph.cephfs.csi.ceph.com") },
        ],
      });
      parts = st.parts;
    });
    const urn = (type: string, name: string) => find(ev, type, name).urn;
    const nfs = urn("kubernetes:helm.sh/v4:Chart", "st-nfs");
    const ceph = [urn("kubernetes:core/v1:Secret", "st-ceph-credentials"), urn("kubernetes:helm.sh/v4:Chart", "st-cephfs")];
    const klass = (name: string) => find(ev, "kubernetes:storage.k8s.io/v1:StorageClass", `st-class-${name}`);
    expect([klass("fast").dependsOn, [...klass("shared").dependsOn].sort(), klass("rook").dependsOn]).toEqual([[nfs], [...ceph].sort(), []]);
    expect(find(ev, "kubernetes:helm.sh/v4:Chart", "st-nfs").dependsOn).toEqual([urn("kubernetes:core/v1:Namespace", "ns")]);
    expect(Object.keys(parts).sort()).toEqual(["class/fast", "class/rook", "class/shared", "driver/cephfs", "driver/nfs"]);
  });

  it("refuses a class whose driver it does not install", async () => {
    expect(await failure(() => new Storage("st", { classes: [{ spec: sc("fast", "nfs.csi.k8s.io"), driver: "nfs" }] }))).toBe(
      "Storage: class fast is provisioned by the nfs driver, which this component does not install",
    );
  });

  it("refuses Ceph credentials outside the driver's namespace", async () => {
    const cephfs = { chart: chart("ceph", "ceph-csi"), secret: { name: "s", namespace: "elsewhere", userId: "admin" }, userKey: pulumi.secret("k"), dependsOn: [] };
    expect(await failure(() => new Storage("st", { cephfs, classes: [] }))).toBe(
      "Storage: the Ceph credentials Secret must be in the driver's namespace (ceph-csi), not elsewhere",
    );
  });
});

describe("GpuOperator", () => {
  it("the time-slicing ConfigMap before the chart; the chart keeps its CRDs when asked", async () => {
    const ev = await runComponents(() => {
      new GpuOperator("gpu", { chart: chart("gpu-operator", "gpu"), timeSlicing: { name: "ts", namespace: "gpu", data: { any: "x" } }, retainCrds: true, dependsOn: [] });
    });
    const c = find(ev, "kubernetes:helm.sh/v4:Chart", "gpu-chart");
    expect([c.dependsOn, c.transforms.length]).toEqual([[find(ev, "kubernetes:core/v1:ConfigMap", "gpu-time-slicing").urn], 1]);
  });

  it("refuses a time-slicing ConfigMap the device plugin would not see", async () => {
    expect(await failure(() => new GpuOperator("gpu", { chart: chart("gpu-operator", "gpu"), timeSlicing: { name: "ts", namespace: "other", data: {} }, retainCrds: false, dependsOn: [] }))).toBe(
      "GpuOperator: the time-slicing ConfigMap must be in the operator's namespace (gpu), not other",
    );
  });
});

describe("Database", () => {
  const cluster = { apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", metadata: { name: "db", namespace: "gw" }, spec: { instances: 1 } };
  const backup = (namespace: string) => ({
    secret: { name: "db-backup", namespace },
    accessKeyId: pulumi.secret("a"),
    secretAccessKey: pulumi.secret("b"),
    schedule: { apiVersion: "postgresql.cnpg.io/v1", kind: "ScheduledBackup", metadata: { name: "db-daily", namespace } },
  });

  it("the operator, the Cluster after it (protected when asked), the backup Secret and schedule", async () => {
    const ev = await runComponents(() => {
      new Database("db", { operator: chart("cnpg", "cnpg"), cluster, protect: true, backup: backup("gw"), secretName: "db-app", operatorDependsOn: [], clusterDependsOn: [] });
    });
    const c = find(ev, "kubernetes:postgresql.cnpg.io/v1:Cluster", "db-cluster");
    expect(c.protect).toBe(true);
    expect([...c.dependsOn].sort()).toEqual([find(ev, "kubernetes:helm.sh/v4:Chart", "db-operator").urn, find(ev, "kubernetes:core/v1:Secret", "db-backup-credentials").urn].sort());
    expect(find(ev, "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup", "db-backup-schedule").dependsOn).toEqual([c.urn]);
  });

  it("refuses backup credentials the Cluster could not read", async () => {
    expect(await failure(() => new Database("db", { operator: chart("cnpg", "cnpg"), cluster, protect: false, backup: backup("other"), secretName: "db-app", operatorDependsOn: [], clusterDependsOn: [] }))).toBe(
      "Database: the backup credentials Secret must be in the Cluster's namespace (gw), not other",
    );
  });
});

describe("OpenShellGateway", () => {
  it("the chart after its ServiceAccount, Secrets and the SCC grant; a PDB and a ServiceMonitor after the chart; the endpoint", async () => {
    let endpoint = "";
    const ev = await runComponents(() => {
      endpoint = new OpenShellGateway("gw", {
        chart: chart("openshell", "gw"),
        serviceAccount: "openshell",
        namespace: "gw",
        sandboxNamespace: "sb",
        inference: { provider: "nvidia-nim", endpoint: "https://nim.example/v1", apiKey: pulumi.secret("k") },
        upstreamProxyCredentials: pulumi.secret("u:p"),
        openshiftSandboxScc: true,
        disruptionBudget: true,
        serviceMonitor: { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "m", namespace: "gw" }, spec: {} },
        dependsOn: [],
      }).endpoint;
    });
    const c = find(ev, "kubernetes:helm.sh/v4:Chart", "gw-chart");
    expect([...c.dependsOn].sort()).toEqual(
      [
        find(ev, "kubernetes:core/v1:ServiceAccount", "gw-service-account").urn,
        find(ev, "kubernetes:core/v1:Secret", "gw-inference").urn,
        find(ev, "kubernetes:core/v1:Secret", "gw-upstream-proxy").urn,
        find(ev, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "gw-sandbox-scc").urn,
      ].sort(),
    );
    expect(find(ev, "kubernetes:core/v1:ServiceAccount", "gw-service-account").inputs["metadata"]).toEqual({
      name: "openshell",
      namespace: "gw",
      labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" },
    });
    expect((find(ev, "kubernetes:core/v1:Secret", "gw-upstream-proxy").inputs["metadata"] as { namespace: string }).namespace).toBe("sb");
    expect(find(ev, "kubernetes:policy/v1:PodDisruptionBudget", "gw-pdb").dependsOn).toEqual([c.urn]);
    expect(endpoint).toBe("openshell.gw.svc.cluster.local:8080");
  });

  it("refuses an inference provider without an endpoint", async () => {
    expect(
      await failure(
        () =>
          new OpenShellGateway("gw", { chart: chart("openshell", "gw"), serviceAccount: "openshell", namespace: "gw", sandboxNamespace: "gw", inference: { provider: "openai-compatible", endpoint: "", apiKey: "k" }, openshiftSandboxScc: false, disruptionBudget: false, dependsOn: [] }),
      ),
    ).toBe("OpenShellGateway: inference provider openai-compatible needs an endpoint");
  });
});

describe("components know neither the configuration nor the plan", () => {
  it("no component module imports config/ or plan/ (their arguments come from components/fromPlan.ts)", () => {
    const dir = join(__dirname, "..", "..", "components");
    // graph.ts is fromPlan.ts's pure half (the parts and waits a plan implies), no component.
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && f !== "fromPlan.ts" && f !== "graph.ts")
      .filter((f) => /from "\.\.\/(config|plan)\//.test(readFileSync(join(dir, f), "utf8")));
    expect(offenders).toEqual([]);
  });
});
