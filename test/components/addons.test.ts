/**
 * GPU Operator and storage through the whole program under mocks, per
 * example stack and for toggled variants: chart references, versions and
 * values, the classes' provisioners and parameters, the storage roles, and
 * an audit that mirrored stacks leave no image key at a public registry.
 */
import { describe, expect, it } from "vitest";
import { audit } from "../airgap/audit";
import { find } from "../harness/mocks";
import { kubernetesObjects, validateAll } from "../harness/k8sSchema";
import { buildConfigMap, runExample, runProgram } from "../harness/program";
import { FIXTURE_SHA256 } from "../harness/examples";
import { stagingValues } from "../harness/stackConfig";

const MIRRORED = {
  tier: "prod",
  kubernetesVersion: "1.34",
  registry: {
    mode: "mirrored",
    host: "harbor.example.internal",
    pathPrefix: "mirror",
    username: "robot",
    manifestBaseUrl: "https://files.example.internal/platform-manifests",
  },
  catalog: { manifestSha256: { "agent-sandbox": FIXTURE_SHA256 } },
  gateway: { oidc: { issuer: "https://login.example.internal" } },
  policies: { apiServer: { cidrs: ["10.0.0.1/32"] } },
};

describe("GPU Operator", () => {
  it("prod: the pinned chart from the mirror in gpu-operator, authenticated", async () => {
    const chart = find(await runExample("prod"), "kubernetes:helm.sh/v4:Chart", "gpu-operator-chart");
    expect([chart.inputs["chart"], chart.inputs["version"], chart.inputs["name"], chart.inputs["namespace"], chart.inputs["repositoryOpts"]]).toEqual([
      "oci://harbor.example.internal/mirror/helm.ngc.nvidia.com/nvidia/gpu-operator",
      "v26.7.0",
      "gpu-operator",
      "gpu-operator",
      { username: "robot$platform-pull", password: "fixture-registry-password-3f9a" },
    ]);
  });

  it("online: the NGC Helm repository", async () => {
    const ev = await runProgram(
      "staging",
      buildConfigMap(stagingValues({ gpu: { enabled: true } })),
    );
    const chart = find(ev, "kubernetes:helm.sh/v4:Chart", "gpu-operator-chart");
    expect([chart.inputs["chart"], chart.inputs["repositoryOpts"]]).toEqual(["gpu-operator", { repo: "https://helm.ngc.nvidia.com/nvidia" }]);
  });

  it("time-slicing: the device-plugin ConfigMap exists before the chart; sandboxes get no GPU runtime class (GPUs come through CDI)", async () => {
    const ev = await runProgram("dev", buildConfigMap({ tier: "dev", kubernetesVersion: "1.34", gpu: { enabled: true, timeSlicingReplicas: 4 } }));
    const cm = find(ev, "kubernetes:core/v1:ConfigMap", "gpu-operator-time-slicing");
    expect(cm.inputs["metadata"]).toEqual({
      name: "gpu-time-slicing",
      namespace: "gpu-operator",
      labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" },
    });
    expect(find(ev, "kubernetes:helm.sh/v4:Chart", "gpu-operator-chart").dependsOn).toContain(cm.urn);
    const server = (find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").inputs["values"] as { server: Record<string, unknown> }).server;
    expect(server["defaultRuntimeClassName"]).toBeUndefined();
  });

  it("GPUs off: no operator, no runtime class for sandboxes", async () => {
    const ev = await runExample("dev");
    expect(ev.resources.filter((r) => r.name.startsWith("gpu-operator"))).toEqual([]);
    const server = (find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").inputs["values"] as { server: Record<string, unknown> }).server;
    expect(server["defaultRuntimeClassName"]).toBeUndefined();
  });
});

describe("storage", () => {
  it("staging: csi-driver-nfs and its class; workspaces on it, Postgres on the default class", async () => {
    const ev = await runExample("staging");
    const chart = find(ev, "kubernetes:helm.sh/v4:Chart", "storage-nfs");
    expect([chart.inputs["chart"], chart.inputs["version"], chart.inputs["namespace"], chart.inputs["repositoryOpts"]]).toEqual([
      "csi-driver-nfs",
      "4.13.4",
      "csi-nfs",
      { repo: "https://kubernetes-csi.github.io/csi-driver-nfs" },
    ]);
    const sc = find(ev, "kubernetes:storage.k8s.io/v1:StorageClass", "storage-class-nfs");
    expect([sc.inputs["provisioner"], sc.inputs["parameters"], sc.inputs["reclaimPolicy"]]).toEqual([
      "nfs.csi.k8s.io",
      { onDelete: "archive", server: "nfs.example.internal", share: "/exports/sandboxes", subDir: "${pvc.metadata.namespace}/${pvc.metadata.name}" },
      "Delete",
    ]);
    expect(sc.dependsOn).toContain(chart.urn);
    const server = (find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").inputs["values"] as { server: Record<string, unknown> }).server;
    expect(server["workspaceStorageClass"]).toBe("nfs");
    expect((find(ev, "kubernetes:postgresql.cnpg.io/v1:Cluster", "database-cluster").inputs["spec"] as { storage: unknown }).storage).toEqual({ size: "10Gi" });
    expect(find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").dependsOn).toContain(sc.urn);
  });

  it("prod: the Rook CephFS class for workspaces (Retain), the existing RBD class for Postgres", async () => {
    const ev = await runExample("prod");
    const sc = find(ev, "kubernetes:storage.k8s.io/v1:StorageClass", "storage-class-cephfs");
    expect([sc.inputs["provisioner"], sc.inputs["reclaimPolicy"], (sc.inputs["parameters"] as Record<string, string>)["fsName"]]).toEqual([
      "rook-ceph.cephfs.csi.ceph.com",
      "Retain",
      "platform-fs",
    ]);
    const server = (find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").inputs["values"] as { server: Record<string, unknown> }).server;
    expect(server["workspaceStorageClass"]).toBe("cephfs");
    const cluster = find(ev, "kubernetes:postgresql.cnpg.io/v1:Cluster", "database-cluster");
    expect((cluster.inputs["spec"] as { storage: unknown }).storage).toEqual({ size: "50Gi", storageClass: "ceph-block" });
    // Each waits for the class it uses: the gateway for CephFS; Postgres for none the graph makes.
    expect(find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").dependsOn).toContain(sc.urn);
    expect(cluster.dependsOn).not.toContain(sc.urn);
  });

  it("standalone CephFS: the chart, and the Ceph credentials from the secret setting in a Secret", async () => {
    const ev = await runProgram(
      "dev",
      buildConfigMap(
        { tier: "dev", kubernetesVersion: "1.34", storage: { workspaceClass: "cephfs", cephfs: { mode: "standalone", clusterID: "fsid-1", fsName: "fs", monitors: ["10.0.0.1:6789"] } } },
        { cephUserKey: "fixture-ceph-key-77" },
      ),
    );
    const secret = find(ev, "kubernetes:core/v1:Secret", "storage-ceph-credentials");
    expect([secret.inputs["metadata"], secret.inputs["stringData"]]).toEqual([
      { name: "csi-cephfs-secret", namespace: "ceph-csi-cephfs", labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" } },
      { adminID: "admin", adminKey: "fixture-ceph-key-77", userID: "admin", userKey: "fixture-ceph-key-77" },
    ]);
    const chart = find(ev, "kubernetes:helm.sh/v4:Chart", "storage-cephfs");
    expect([chart.inputs["chart"], chart.inputs["version"], chart.inputs["namespace"]]).toEqual(["ceph-csi-cephfs", "3.13.1", "ceph-csi-cephfs"]);
    expect(JSON.stringify(chart.inputs)).not.toContain("fixture-ceph-key-77");
  });
});

describe("mirrored audit", () => {
  const variants: [string, Record<string, unknown>][] = [
    ["everything on", { gpu: { enabled: true, mig: true, sandboxWorkloads: true, timeSlicingReplicas: 2 }, storage: { nfs: { enabled: true, snapshots: true, server: "n", share: "/e" } } }],
    ["GPUs without driver and NFD", { gpu: { enabled: true, driver: false, nfd: false } }],
    ["standalone CephFS", { storage: { cephfs: { mode: "standalone", clusterID: "fsid", fsName: "fs", monitors: ["10.0.0.1:6789"] } } }],
    ["SQLite, one replica", { database: { engine: "sqlite" }, gateway: { replicas: 1 } }],
  ];

  it.each(variants)("%s: no chart value or chart source at a public registry", async (_name, extra) => {
    const secrets = { registryPassword: "pw", ...("storage" in extra && JSON.stringify(extra).includes("standalone") ? { cephUserKey: "k" } : {}) };
    const values = JSON.parse(JSON.stringify(MIRRORED)) as Record<string, unknown>;
    for (const [k, v] of Object.entries(extra)) values[k] = { ...(values[k] as object), ...(v as object) };
    const ev = await runProgram("prod", buildConfigMap(values, secrets));
    expect(ev.resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart").length).toBeGreaterThan(0);
    expect(audit(ev)).toEqual([]);
    const results = await validateAll(kubernetesObjects(ev));
    expect(results.filter((r) => r.status === "invalid")).toEqual([]);
  });

  it("negative control: the same audit finds the public references of an online stack", async () => {
    const ev = await runProgram("staging", buildConfigMap(stagingValues({ gpu: { enabled: true } })));
    const hits = audit(ev);
    expect(hits).toContain("kubernetes:helm.sh/v4:Chart gateway-chart.chart = oci://ghcr.io/nvidia/openshell/helm-chart");
    expect(hits).toContain("kubernetes:helm.sh/v4:Chart gpu-operator-chart.values.driver.repository = nvcr.io/nvidia");
    expect(hits).toContain("kubernetes:helm.sh/v4:Chart gpu-operator-chart.values.node-feature-discovery.image.repository = registry.k8s.io/nfd/node-feature-discovery");
  });
});

describe("observability switches", () => {
  it("staging: a ServiceMonitor for the gateway's metrics port and a PodMonitor for Postgres, with the configured labels", async () => {
    const ev = await runProgram(
      "staging",
      buildConfigMap(stagingValues({ observability: { monitorLabels: { release: "kube-prometheus-stack" } }, gpu: { enabled: true } })),
    );
    expect(find(ev, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "gateway-service-monitor").inputs).toEqual({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: { name: "openshell-gateway", namespace: "openshell", labels: { "app.kubernetes.io/part-of": "agent-platform", release: "kube-prometheus-stack" } },
      spec: { selector: { matchLabels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } }, endpoints: [{ port: "metrics", interval: "30s" }] },
    });
    expect(find(ev, "kubernetes:monitoring.coreos.com/v1:PodMonitor", "database-pod-monitor").inputs["spec"]).toEqual({
      selector: { matchLabels: { "cnpg.io/cluster": "openshell-db" } },
      podMetricsEndpoints: [{ port: "metrics" }],
    });
    const gpuValues = find(ev, "kubernetes:helm.sh/v4:Chart", "gpu-operator-chart").inputs["values"] as Record<string, Record<string, unknown>>;
    expect(gpuValues["dcgmExporter"]!["serviceMonitor"]).toEqual({ additionalLabels: { release: "kube-prometheus-stack" }, enabled: true });
    const cnpg = find(ev, "kubernetes:helm.sh/v4:Chart", "database-operator").inputs["values"] as Record<string, unknown>;
    expect(cnpg["monitoring"]).toEqual({ podMonitorAdditionalLabels: { release: "kube-prometheus-stack" }, podMonitorEnabled: true });
  });

  it("dev: off by default", async () => {
    const ev = await runExample("dev");
    expect(ev.resources.filter((r) => r.type.startsWith("kubernetes:monitoring.coreos.com"))).toEqual([]);
  });
});
