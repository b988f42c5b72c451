/**
 * The argument builders: what each component receives for a plan, and the
 * guard errors of a plan that lacks what a component needs.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { chartArgs, databaseArgs, gatewayArgs, gpuOperatorArgs, mirrorCredentials, pkiArgs, storageArgs } from "../../components/fromPlan";
import { MIRROR, planFor } from "../harness/planFor";
import { provided } from "../harness/presence";

const dev = { tier: "dev", kubernetesVersion: "1.34" };

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
    const a = pkiArgs(planFor({ ...dev, pki: { extraDnsNames: ["gw.example.internal"], rotation: { ca: 3 } } }), []);
    expect([a.serverDnsNames.at(-1), a.rotation, a.protect]).toEqual(["gw.example.internal", { ca: 3, jwtKey: 1, kek: 1 }, false]);
  });

  it.each([
    ["a database for a SQLite stack", () => databaseArgs(planFor(dev), {}, [], []), "the plan has no Postgres database"],
    [
      "backups without their credentials",
      () => databaseArgs(planFor({ tier: "staging", kubernetesVersion: "1.34", database: { backup: { enabled: true, endpointUrl: "https://s3.example", destinationPath: "s3://b/p" } } }, provided("backupAccessKeyId", "backupSecretAccessKey")), {}, [], []),
      "backups are on but no backup credentials were given",
    ],
    ["an inference provider without its key", () => gatewayArgs(planFor({ ...dev, inference: { provider: "nvidia-nim", endpoint: "https://nim.example/v1" } }, provided("inferenceApiKey")), {}, []), "inference provider nvidia-nim needs its API key"],
    [
      "standalone CephFS without the Ceph key",
      () => storageArgs(planFor({ ...dev, storage: { cephfs: { mode: "standalone", clusterID: "c", fsName: "f", monitors: ["10.0.0.1:6789"] } } }, provided("cephUserKey")), {}, []),
      "standalone CephFS needs the Ceph user key",
    ],
    ["a GPU Operator for a stack without GPUs", () => gpuOperatorArgs(planFor(dev), {}, []), "the plan installs no gpuOperator chart"],
  ])("refuses %s", (_what, build, message) => {
    expect(build).toThrow(message);
  });
});
