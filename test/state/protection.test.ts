/**
 * Protection by tier on the mocked graph: `protect` and `retainOnDelete` on
 * exactly the resources state/protection.ts lists, chart children through the
 * chart's transform; rotation generations as replacement triggers; what a
 * certificate re-issue or a rotation touches, read from the inputs' dependencies.
 */
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { retainCustomResourceDefinitions } from "../../components/transforms";
import { resolveConfig } from "../../config/load";
import { NO_SECRETS } from "../../config/secrets";
import { PROTECTED_STATE, protectionTable } from "../../state/protection";
import { find, type Evaluation, type Registered } from "../harness/mocks";
import { buildConfigMap, runExample, runProgram } from "../harness/program";
import { stagingValues } from "../harness/stackConfig";

const names = (ev: Evaluation, pick: (r: Registered) => boolean) => ev.resources.filter(pick).map((r) => `${r.type.split(":").pop()} ${r.name}`).sort();

const PROTECTED = ["Cluster database-cluster", "PrivateKey pki-ca-key", "PrivateKey pki-jwt-key", "RandomBytes pki-kek", "SelfSignedCert pki-ca"];
const RETAINED = ["CustomResourceDefinition agent-sandbox-crd-sandboxes.agents.x-k8s.io", "Namespace namespaces-openshell", "Namespace namespaces-openshell-sandboxes"];

describe("protection by tier", () => {
  it.each(["staging", "prod"])("%s: protect on the CA, JWT key, KEK and Cluster; retainOnDelete on the CRDs and the data namespaces; nothing else", async (stack) => {
    const ev = await runExample(stack);
    expect(names(ev, (r) => r.protect)).toEqual(PROTECTED);
    expect(names(ev, (r) => r.retainOnDelete)).toEqual(RETAINED);
  });

  it("dev: none of it, so the stack can be destroyed and recreated freely", async () => {
    const ev = await runExample("dev");
    expect(names(ev, (r) => r.protect || r.retainOnDelete || r.transforms.length > 0)).toEqual([]);
  });

  it("dev with protection.enabled: the same as staging", async () => {
    const ev = await runProgram("dev", buildConfigMap({ tier: "dev", kubernetesVersion: "1.34", protection: { enabled: true } }));
    expect(names(ev, (r) => r.protect)).toEqual(PROTECTED.filter((n) => !n.startsWith("Cluster")));
    expect(names(ev, (r) => r.retainOnDelete)).toEqual(RETAINED);
  });

  it("prod: the GPU Operator chart keeps every CRD it renders through its transform, and only CRDs", async () => {
    const chart = find(await runExample("prod"), "kubernetes:helm.sh/v4:Chart", "gpu-operator-chart");
    // (The program runs in a fresh module registry, so the function is compared by what it does.)
    expect(chart.transforms).toHaveLength(1);
    expect(chart.transforms[0]!.toString()).toBe(retainCustomResourceDefinitions.toString());
    const child = (type: string): pulumi.ResourceTransformArgs => ({ type, name: "x", custom: true, props: { metadata: { name: "x" } }, opts: { protect: false } });
    expect(chart.transforms[0]!(child("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"))).toEqual({
      props: { metadata: { name: "x" } },
      opts: { protect: false, retainOnDelete: true },
    });
    expect(chart.transforms[0]!(child("kubernetes:apps/v1:DaemonSet"))).toBeUndefined();
    // CloudNativePG's chart keeps its own CRDs (helm.sh/resource-policy: keep): no transform needed.
    expect(find(await runExample("prod"), "kubernetes:helm.sh/v4:Chart", "database-operator").transforms).toEqual([]);
  });

  it("staging and prod refuse to switch it off: teardown is a deliberate state operation", () => {
    expect(() => resolveConfig({ stack: "s", values: stagingValues({ protection: { enabled: false } }), secrets: NO_SECRETS })).toThrow(
      'stack "s" has 1 configuration error:\n  - protection.enabled: cannot be false in the staging tier: it protects the CA, the KEK, the JWT key, the Postgres Cluster, the CRDs and the namespaces that hold data; to tear the stack down on purpose, unprotect it in the state instead (docs/day-2.md "Tearing down")\n',
    );
  });

  it("database.protect is gone, and says where it went", () => {
    expect(() => resolveConfig({ stack: "s", values: stagingValues({ database: { protect: false } }), secrets: NO_SECRETS })).toThrow(
      'database.protect: no longer a setting: protection is one switch for the CA, KEK, JWT key, Postgres Cluster, CRDs and data namespaces: protection.enabled (on in staging and prod; docs/day-2.md "Protection")',
    );
  });

  it("the table docs/day-2.md and the configuration reference show is the one the components apply", () => {
    expect(PROTECTED_STATE.filter((p) => p.option === "protect").map((p) => p.resources)).toEqual(["`pki-ca-key`, `pki-ca`", "`pki-kek`", "`pki-jwt-key`", "`database-cluster`"]);
    expect(protectionTable().split("\n")).toHaveLength(2 + PROTECTED_STATE.length);
  });
});

describe("rotation", () => {
  const trigger = (ev: Evaluation, type: string, name: string) => find(ev, type, name).replacementTrigger;

  it("each rotated key has its generation as replacementTrigger (generation 1 on every stack that never rotated)", async () => {
    const ev = await runExample("prod");
    expect([
      trigger(ev, "tls:index/privateKey:PrivateKey", "pki-ca-key"),
      trigger(ev, "tls:index/privateKey:PrivateKey", "pki-jwt-key"),
      trigger(ev, "random:index/randomBytes:RandomBytes", "pki-kek"),
    ]).toEqual([1, 1, 1]);
    // Nothing else is triggered: a re-issued certificate follows its key and CA through its inputs.
    expect(ev.resources.filter((r) => r.replacementTrigger !== undefined).map((r) => r.name).sort()).toEqual(["pki-ca-key", "pki-jwt-key", "pki-kek"]);
    const values = find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").inputs["values"] as Record<string, unknown>;
    // Only agent-sandbox's version annotation (values/openshell.ts); no key generations.
    expect(values["podAnnotations"]).toEqual({ "agent-platform/agent-sandbox-version": "v1.0.1" });
  });

  it("raising a generation changes only that key's trigger; the JWT key and KEK also roll the gateway", async () => {
    const ev = await runProgram("staging", buildConfigMap(stagingValues({ pki: { rotation: { jwtKey: 2 } } })));
    expect(trigger(ev, "tls:index/privateKey:PrivateKey", "pki-jwt-key")).toBe(2);
    expect(trigger(ev, "tls:index/privateKey:PrivateKey", "pki-ca-key")).toBe(1);
    const values = find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart").inputs["values"] as Record<string, unknown>;
    expect(values["podAnnotations"]).toEqual({ "agent-platform/agent-sandbox-version": "v1.0.1", "agent-platform/key-generations": "jwtKey=2,kek=1" });
  });

  it("a KEK rotation is refused until the loss of stored credentials is acknowledged for that generation", async () => {
    expect(() => resolveConfig({ stack: "s", values: stagingValues({ pki: { rotation: { kek: 2 } } }), secrets: NO_SECRETS })).toThrow(
      "pki.rotation.kek: generation 2 replaces the credential-storage key-encryption key, and OpenShell 0.0.111 cannot re-encrypt stored credentials with a new one (one KEK, no rewrap): every stored credential becomes unreadable. Delete and re-create them after the rotation, and confirm with pki.rotation.kekLosesStoredCredentials: 2",
    );
    expect(() => resolveConfig({ stack: "s", values: stagingValues({ pki: { rotation: { kek: 3, kekLosesStoredCredentials: 2 } } }), secrets: NO_SECRETS })).toThrow("generation 3");
    const ev = await runProgram("staging", buildConfigMap(stagingValues({ pki: { rotation: { kek: 2, kekLosesStoredCredentials: 2 } } })));
    expect(trigger(ev, "random:index/randomBytes:RandomBytes", "pki-kek")).toBe(2);
  });

  it("what each replacement touches, from the inputs' dependencies", async () => {
    const ev = await runExample("prod");
    const direct = (name: string) => {
      const urn = ev.resources.find((r) => r.name === name && r.custom)!.urn;
      return ev.resources.filter((r) => Object.values(r.propertyDependencies).some((us) => us.includes(urn))).map((r) => r.name).sort();
    };
    // A certificate re-issued in its earlyRenewalHours window replaces only its Secrets: the CA is untouched.
    expect(direct("pki-server-cert")).toEqual(["pki-server-tls"]);
    expect(direct("pki-client-cert")).toEqual(["pki-client-tls", "pki-client-tls-sandboxes"]);
    // The CA signs both certificates and is in every TLS Secret.
    expect(direct("pki-ca-key")).toEqual(["pki-ca", "pki-client-cert", "pki-server-cert"]);
    expect(direct("pki-ca")).toEqual(["pki-client-ca", "pki-client-cert", "pki-client-tls", "pki-client-tls-sandboxes", "pki-server-cert", "pki-server-tls"]);
    expect(direct("pki-jwt-key")).toEqual(["pki-jwt-keys"]);
    // The KEK is only in its Secret (also named pki-kek).
    expect(direct("pki-kek")).toEqual(["pki-kek"]);
  });
});

describe("npm run plan shows protection, rotation and upgrades", () => {
  it("the unprotect commands of a rotation name URNs the contract holds", async () => {
    const { rotationUnprotectCommands, protectionPlan } = await import("../../state/protection");
    const { readContract } = await import("../../state/contract");
    const cmds = rotationUnprotectCommands("prod", "agent-platform", protectionPlan(true, { gateway: "a", sandbox: "b" }), { ca: 2, jwtKey: 1, kek: 3 });
    expect(cmds).toEqual([
      "pulumi state unprotect --stack prod 'urn:pulumi:prod::agent-platform::agent-platform:platform:Pki$tls:index/privateKey:PrivateKey::pki-ca-key'",
      "pulumi state unprotect --stack prod 'urn:pulumi:prod::agent-platform::agent-platform:platform:Pki$tls:index/selfSignedCert:SelfSignedCert::pki-ca'",
      "pulumi state unprotect --stack prod 'urn:pulumi:prod::agent-platform::agent-platform:platform:Pki$random:index/randomBytes:RandomBytes::pki-kek'",
    ]);
    const prod = readContract().stacks["prod"]!;
    for (const c of cmds) expect(prod).toContain(/'(.*)'/.exec(c)![1]);
    expect(rotationUnprotectCommands("dev", "agent-platform", protectionPlan(false, { gateway: "a", sandbox: "b" }), { ca: 2, jwtKey: 2, kek: 2 })).toEqual([]);
  });

  it("upgrade notes for every release moved off its pin, and only those", async () => {
    const { upgradeNotesFor, UPGRADE_NOTES, AGENT_SANDBOX_FROM_V05 } = await import("../../catalog/upgrades");
    const { RELEASES } = await import("../../catalog/artifacts");
    const pinned = Object.fromEntries(Object.entries(RELEASES).map(([k, r]) => [k, r.version])) as Record<keyof typeof RELEASES, string>;
    // A cluster known to run v1.0 already: nothing moves.
    expect(upgradeNotesFor(pinned, "v1.0.1")).toEqual([]);
    expect(upgradeNotesFor({ ...pinned, openshell: "0.0.112" }, "v1.0.1")).toEqual([{ id: "openshell", from: "0.0.111", to: "0.0.112", notes: UPGRADE_NOTES.openshell.notes }]);
    // The v0.5 → v1.0 path: for a cluster on v0.5.x, or one not read.
    const fromV05 = { id: "agentSandbox", to: "v1.0.1", notes: AGENT_SANDBOX_FROM_V05.notes };
    expect(upgradeNotesFor(pinned, "v0.5.6")).toEqual([{ ...fromV05, from: "v0.5.6" }]);
    expect(upgradeNotesFor(pinned)).toEqual([{ ...fromV05, from: "v0.5.x (if the cluster runs it)" }]);
    // A stack that keeps v0.5.6 has nothing to migrate.
    expect(upgradeNotesFor({ ...pinned, agentSandbox: "v0.5.6" })).toEqual([{ id: "agentSandbox", from: "v1.0.1", to: "v0.5.6", notes: UPGRADE_NOTES.agentSandbox.notes }]);
    for (const note of Object.values(UPGRADE_NOTES)) expect(note.notes.length).toBeGreaterThan(0);
  });
});
