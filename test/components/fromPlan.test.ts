/**
 * The argument builders: what each component receives for a plan, and the
 * guard errors of a plan that lacks what a component needs.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chartArgs, databaseArgs, gatewayArgs, gpuOperatorArgs, migrationEnv, mirrorCredentials, pkiArgs, storageArgs } from "../../components/fromPlan";
import { BuiltParts } from "../../components/parts";
import { MIRROR, planFor } from "../harness/planFor";
import { provided } from "../harness/presence";

const dev = { tier: "dev", kubernetesVersion: "1.34" };
/** Parts of already-built components, without resources (the builders only pick them). */
const builtWith = (parts: Record<string, string[]>) => {
  const built = new BuiltParts();
  for (const [component, ids] of Object.entries(parts)) built.add(component, { parts: Object.fromEntries(ids.map((id) => [id, []])) });
  return built;
};
const none = new BuiltParts();

describe("argument builders", () => {
  it("a chart of the plan: pinned version, resolved location, the chart's namespace (the gateway's for OpenShell)", () => {
    const plan = planFor({ ...dev, gateway: { namespace: "agents" } });
    expect(chartArgs(plan, {}, "openshell", "openshell", { a: 1 })).toEqual({ chart: "oci://ghcr.io/nvidia/openshell/helm-chart", version: "0.0.111", name: "openshell", namespace: "agents", values: { a: 1 } });
  });

  it("mirror credentials only with a mirror user and its password", () => {
    const password = pulumi.secret("pw");
    const plan = planFor({ tier: "prod", kubernetesVersion: "1.34", registry: MIRROR }, provided("registryPassword"));
    expect(mirrorCredentials(plan, { registryPassword: password })).toEqual({ host: "harbor.example.internal", username: "robot", password, secretName: "platform-registry-credentials" });
    expect(mirrorCredentials(planFor(dev), {})).toBeUndefined();
  });

  it("the PKI's names and rotation come from the plan", () => {
    const a = pkiArgs(planFor({ ...dev, pki: { extraDnsNames: ["gw.example.internal"], rotation: { ca: 3 } } }), builtWith({ namespaces: ["openshell", "openshell-sandboxes"] }));
    expect([a.serverDnsNames.at(-1), a.rotation, a.protect]).toEqual(["gw.example.internal", { ca: 3, jwtKey: 1, kek: 1 }, false]);
  });

  it.each([
    ["a database for a SQLite stack", () => databaseArgs(planFor(dev), {}, none), "the plan has no Postgres database"],
    [
      "backups without their credentials",
      () => databaseArgs(planFor({ tier: "staging", kubernetesVersion: "1.34", database: { backup: { enabled: true, endpointUrl: "https://s3.example", destinationPath: "s3://b/p" } } }, provided("backupAccessKeyId", "backupSecretAccessKey")), {}, none),
      "backups are on but no backup credentials were given",
    ],
    ["an inference provider without its key", () => gatewayArgs(planFor({ ...dev, inference: { provider: "nvidia-nim", endpoint: "https://nim.example/v1" } }, provided("inferenceApiKey")), {}, none), "inference provider nvidia-nim needs its API key"],
    [
      "standalone CephFS without the Ceph key",
      () => storageArgs(planFor({ ...dev, storage: { cephfs: { mode: "standalone", clusterID: "c", fsName: "f", monitors: ["10.0.0.1:6789"] } } }, provided("cephUserKey")), {}, none),
      "standalone CephFS needs the Ceph user key",
    ],
    ["a GPU Operator for a stack without GPUs", () => gpuOperatorArgs(planFor(dev), {}, none), "the plan installs no gpuOperator chart"],
  ])("refuses %s", (_what, build, message) => {
    expect(build).toThrow(message);
  });

  it("a component built before what it waits for is a wiring error that names the missing parts", () => {
    expect(() => pkiArgs(planFor(dev), builtWith({ namespaces: ["openshell"] }))).toThrow(
      "nothing built so far provides namespaces/openshell-sandboxes (built: namespaces/openshell)",
    );
  });

  it("storage: each driver waits for its own namespace; each class names the driver that provisions it", () => {
    const plan = planFor(
      { ...dev, storage: { nfs: { enabled: true, server: "n", share: "/e" }, cephfs: { mode: "standalone", clusterID: "c", fsName: "f", monitors: ["10.0.0.1:6789"] } } },
      provided("cephUserKey"),
    );
    const built = new BuiltParts();
    const nfsNs = { urn: "nfs-ns" } as unknown as pulumi.Resource;
    const cephNs = { urn: "ceph-ns" } as unknown as pulumi.Resource;
    built.add("namespaces", { parts: { "csi-nfs": [nfsNs], "ceph-csi-cephfs": [cephNs] } });
    const a = storageArgs(plan, { cephUserKey: pulumi.secret("k") }, built);
    expect([a.nfs?.dependsOn, a.cephfs?.dependsOn]).toEqual([[nfsNs], [cephNs]]);
    expect(a.classes.map((c) => [c.spec.metadata, c.driver])).toEqual([
      [{ name: "cephfs", labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" } }, "cephfs"],
      [{ name: "nfs", labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" } }, "nfs"],
    ]);
  });
});

describe("the migration hooks' cluster (migrationEnv)", () => {
  it("preview reads the stack's kubeconfig and context through plain GETs (no client-node): the CRD as the server sends it", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.headers["authorization"]} ${req.url}`);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ spec: { versions: [{ name: "v1beta1", storage: true }], conversion: { strategy: "None" } }, status: { storedVersions: ["v1beta1"] } }));
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    try {
      const port = (server.address() as { port: number }).port;
      const kubeconfig = join(mkdtempSync(join(tmpdir(), "migration-env-")), "config");
      writeFileSync(
        kubeconfig,
        JSON.stringify({
          "current-context": "other",
          clusters: [{ name: "lab", cluster: { server: `http://127.0.0.1:${port}` } }],
          users: [{ name: "ops", user: { token: "lab-token" } }],
          contexts: [{ name: "lab", context: { cluster: "lab", user: "ops" } }, { name: "other", context: { cluster: "none", user: "ops" } }],
        }),
      );
      const env = migrationEnv(planFor({ ...dev, cluster: { kubeconfigPath: kubeconfig, context: "lab" } }), {});
      const api = await env.connectForPreview!();
      expect(await api.readCrd("sandboxes.agents.x-k8s.io")).toEqual({ name: "sandboxes.agents.x-k8s.io", versions: ["v1beta1"], storageVersion: "v1beta1", storedVersions: ["v1beta1"], conversionStrategy: "None" });
      expect(seen).toEqual(["Bearer lab-token /apis/apiextensions.k8s.io/v1/customresourcedefinitions/sandboxes.agents.x-k8s.io"]);
      await expect(api.setStoredVersions("x", [])).rejects.toThrow("read-only");
    } finally {
      server.close();
    }
  });
});
