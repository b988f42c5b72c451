/** Mirror credentials and CA reach every chart pull and every namespace that pulls. */
import { describe, expect, it } from "vitest";
import { byType, find } from "../harness/mocks";
import { FIXTURE_SHA256, buildConfigMap, runProgram } from "../harness/program";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfixture\n-----END CERTIFICATE-----\n";

describe("private mirror CA and credentials", () => {
  it("every chart pull authenticates and trusts the CA; every owned namespace gets the CA ConfigMap and the pull Secret", async () => {
    const ev = await runProgram(
      "prod",
      buildConfigMap(
        {
          tier: "prod",
          kubernetesVersion: "1.34",
          registry: { mode: "mirrored", host: "harbor.example.internal", pathPrefix: "mirror", username: "robot", manifestBaseUrl: "https://files.example.internal/platform-manifests", caBundle: PEM },
          catalog: { manifestSha256: { "agent-sandbox": FIXTURE_SHA256 } },
          gateway: { oidc: { issuer: "https://login.example.internal" } },
          policies: { apiServer: { cidrs: ["10.0.0.1/32"] } },
          gpu: { enabled: true },
          storage: { nfs: { enabled: true, server: "nfs.example.internal", share: "/e" }, cephfs: { mode: "standalone", clusterID: "fsid", fsName: "fs", monitors: ["10.0.0.1:6789"] } },
        },
        { registryPassword: "pw-77", cephUserKey: "k" },
      ),
    );
    const charts = byType(ev, "kubernetes:helm.sh/v4:Chart");
    expect(charts.map((c) => c.name).sort()).toEqual(["database-operator", "gateway-chart", "gpu-operator-chart", "storage-cephfs", "storage-nfs"]);
    for (const c of charts) {
      const opts = c.inputs["repositoryOpts"] as { username: string; password: string; caFile: Record<string, unknown> };
      expect([opts.username, opts.password]).toEqual(["robot", "pw-77"]);
      expect(Object.values(opts.caFile)).toContain(PEM);
      expect(c.secretPaths).toEqual(["repositoryOpts.password"]);
    }
    const namespaces = byType(ev, "kubernetes:core/v1:Namespace").map((n) => (n.inputs["metadata"] as { name: string }).name).sort();
    expect(namespaces).toEqual(["agent-sandbox-system", "ceph-csi-cephfs", "cnpg-system", "csi-nfs", "gpu-operator", "openshell", "openshell-sandboxes"]);
    for (const ns of namespaces) {
      expect(find(ev, "kubernetes:core/v1:ConfigMap", `namespaces-${ns}-mirror-ca`).inputs["data"]).toEqual({ "ca.crt": PEM });
      expect(find(ev, "kubernetes:core/v1:Secret", `namespaces-${ns}-pull`).inputs["type"]).toBe("kubernetes.io/dockerconfigjson");
    }
    const ceph = find(ev, "kubernetes:helm.sh/v4:Chart", "storage-cephfs").inputs["values"] as Record<string, { imagePullSecrets: unknown }>;
    expect([ceph["nodeplugin"]!.imagePullSecrets, ceph["provisioner"]!.imagePullSecrets]).toEqual([
      [{ name: "platform-registry-credentials" }],
      [{ name: "platform-registry-credentials" }],
    ]);
  });

  it("online stacks refuse a CA bundle instead of ignoring it", async () => {
    const failure = await runProgram("dev", buildConfigMap({ tier: "dev", kubernetesVersion: "1.34", registry: { caBundle: PEM } })).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure?.message.split("\n")[1]).toBe('  - registry.caBundle: only used when registry.mode is "mirrored" (it is "online")');
  });
});
