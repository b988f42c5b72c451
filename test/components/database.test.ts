/** CloudNativePG through the program under mocks: the operator chart, the Cluster, ordering and protection. */
import { describe, expect, it } from "vitest";
import { find, type Evaluation } from "../harness/mocks";
import { buildConfigMap, runExample, runProgram } from "../harness/program";
import { stagingValues } from "../harness/stackConfig";

const cluster = (ev: Evaluation) => find(ev, "kubernetes:postgresql.cnpg.io/v1:Cluster", "database-cluster");
const operator = (ev: Evaluation) => find(ev, "kubernetes:helm.sh/v4:Chart", "database-operator");

describe("CloudNativePG operator", () => {
  it("staging: the pinned chart with its CRDs in cnpg-system, operator and Postgres images set explicitly", async () => {
    expect(operator(await runExample("staging")).inputs).toEqual({
      chart: "cloudnative-pg",
      version: "0.29.0",
      name: "cnpg",
      namespace: "cnpg-system",
      repositoryOpts: { repo: "https://cloudnative-pg.github.io/charts" },
      values: {
        config: {
          clusterWide: true,
          create: true,
          data: {
            OPERATOR_IMAGE_NAME: "ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0",
            POSTGRES_IMAGE_NAME: "ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie",
          },
        },
        crds: { create: true },
        image: { repository: "ghcr.io/cloudnative-pg/cloudnative-pg", tag: "1.30.0" },
        imagePullSecrets: [],
        monitoring: { podMonitorAdditionalLabels: {}, podMonitorEnabled: true },
      },
    });
  });

  it("prod: from the mirror, with the pull secret", async () => {
    const op = operator(await runExample("prod"));
    const values = op.inputs["values"] as Record<string, unknown>;
    expect(op.inputs["chart"]).toBe("oci://harbor.example.internal/mirror/cloudnative-pg.github.io/charts/cloudnative-pg");
    expect(values["image"]).toEqual({ repository: "harbor.example.internal/mirror/ghcr.io/cloudnative-pg/cloudnative-pg", tag: "1.30.0" });
    expect(values["imagePullSecrets"]).toEqual([{ name: "platform-registry-credentials" }]);
  });
});

describe("Postgres Cluster", () => {
  it("staging: two instances, explicit image, preferred anti-affinity, the gateway database", async () => {
    expect(cluster(await runExample("staging")).inputs).toEqual({
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      metadata: {
        name: "openshell-db",
        namespace: "openshell",
        labels: { "app.kubernetes.io/component": "database", "app.kubernetes.io/part-of": "agent-platform" },
        // The provider awaits the Ready condition, 20 minutes at most (staging's database.readyTimeoutMinutes).
        annotations: { "pulumi.com/timeoutSeconds": "1200", "pulumi.com/waitFor": "condition=Ready" },
      },
      spec: {
        affinity: { enablePodAntiAffinity: true, podAntiAffinityType: "preferred", topologyKey: "kubernetes.io/hostname" },
        bootstrap: { initdb: { database: "openshell", owner: "openshell" } },
        imageName: "ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie",
        instances: 2,
        storage: { size: "10Gi" },
      },
    });
  });

  it("prod: three instances on separate nodes, mirrored image and pull secret, protected from deletion", async () => {
    const c = cluster(await runExample("prod"));
    const spec = c.inputs["spec"] as Record<string, unknown>;
    expect([spec["instances"], spec["affinity"], spec["imageName"], spec["imagePullSecrets"], spec["storage"]]).toEqual([
      3,
      { enablePodAntiAffinity: true, podAntiAffinityType: "required", topologyKey: "kubernetes.io/hostname" },
      "harbor.example.internal/mirror/ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie",
      [{ name: "platform-registry-credentials" }],
      { size: "50Gi", storageClass: "ceph-block" },
    ]);
    expect(c.protect).toBe(true);
  });

  it.each([
    ["prod tier default", "prod", {}, "1800"],
    ["a stack's own timeout", "staging", { database: { readyTimeoutMinutes: 45 } }, "2700"],
  ])("%s: the wait for Ready is bounded by pulumi.com/timeoutSeconds, not by customTimeouts", async (_, stack, extra, seconds) => {
    const ev =
      stack === "prod"
        ? await runExample("prod")
        : await runProgram("staging", buildConfigMap(stagingValues(extra)));
    const annotations = (cluster(ev).inputs["metadata"] as { annotations: Record<string, string> }).annotations;
    expect(annotations).toEqual({ "pulumi.com/timeoutSeconds": seconds, "pulumi.com/waitFor": "condition=Ready" });
  });

  it("a timeout outside 1-240 minutes is refused before anything is registered", async () => {
    await expect(runProgram("staging", buildConfigMap(stagingValues({ database: { readyTimeoutMinutes: 0 } })))).rejects.toThrow(
      "database.readyTimeoutMinutes: must be at least 1, got number 0",
    );
  });

  it("waits for the operator chart (its webhook) and the gateway namespace", async () => {
    const ev = await runExample("staging");
    const c = cluster(ev);
    expect(c.dependsOn).toContain(operator(ev).urn);
    expect(c.dependsOn).toContain(find(ev, "kubernetes:core/v1:Namespace", "namespaces-openshell").urn);
    // Staging keeps its data like prod (state/protection.ts).
    expect(c.protect).toBe(true);
  });

  it("backups: credentials from Pulumi secrets into a Secret the Cluster references, and a daily schedule", async () => {
    const ev = await runProgram(
      "staging",
      buildConfigMap(
        {
          tier: "staging",
          kubernetesVersion: "1.34",
          gateway: { oidc: { issuer: "https://login.example.internal" } },
          policies: { apiServer: { cidrs: ["10.0.0.1/32"] } },
          storage: { databaseClass: "ceph-rbd", existingClasses: ["ceph-rbd"] },
          database: { backup: { enabled: true, endpointUrl: "https://s3.example.internal", destinationPath: "s3://backups/openshell" } },
        },
        { backupAccessKeyId: "fixture-akid-11", backupSecretAccessKey: "fixture-sak-22" },
      ),
    );
    const secret = find(ev, "kubernetes:core/v1:Secret", "database-backup-credentials");
    expect(secret.inputs["stringData"]).toEqual({ ACCESS_KEY_ID: "fixture-akid-11", ACCESS_SECRET_KEY: "fixture-sak-22" });
    const spec = cluster(ev).inputs["spec"] as Record<string, unknown>;
    expect(spec["storage"]).toEqual({ size: "10Gi", storageClass: "ceph-rbd" });
    expect(spec["backup"]).toEqual({
      barmanObjectStore: {
        destinationPath: "s3://backups/openshell",
        endpointURL: "https://s3.example.internal",
        s3Credentials: {
          accessKeyId: { key: "ACCESS_KEY_ID", name: "openshell-db-backup-credentials" },
          secretAccessKey: { key: "ACCESS_SECRET_KEY", name: "openshell-db-backup-credentials" },
        },
        wal: { compression: "gzip" },
      },
      retentionPolicy: "30d",
    });
    expect(cluster(ev).dependsOn).toContain(secret.urn);
    expect(find(ev, "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup", "database-backup-schedule").inputs["spec"]).toEqual({
      backupOwnerReference: "self",
      cluster: { name: "openshell-db" },
      method: "barmanObjectStore",
      schedule: "0 0 2 * * *",
    });
    expect(JSON.stringify(cluster(ev).inputs)).not.toContain("fixture-sak-22");
  });
});
