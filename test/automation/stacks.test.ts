/** The fleet's stacks: discovery from the stack files, selections, the backend and secret-name rule. */
import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backendFor, discoverStacks, globToRegExp, secretSuffix, selectStacks, type StackInfo } from "../../automation/stacks";

const FLEET = join(__dirname, "..", "fixtures", "fleet");

describe("discoverStacks", () => {
  it("reads every stack file of the example fleet: tier from its config, context, registry mode, by tier then name", () => {
    expect(discoverStacks(FLEET).map((s) => [s.name, s.tier, s.context ?? "-", s.registryMode])).toEqual([
      ["dev", "dev", "dev-shared", "online"],
      ["dev-alice", "dev", "-", "online"],
      ["staging", "staging", "staging", "online"],
      ["staging-gpu", "staging", "staging-gpu", "online"],
      ["prod-ap", "prod", "prod-ap", "online"],
      ["prod-eu", "prod", "prod-eu", "mirrored"],
      ["prod-us", "prod", "prod-us", "online"],
    ]);
  });

  it("the repository's own stacks", () => {
    expect(discoverStacks(join(__dirname, "..", "..")).map((s) => [s.name, s.tier, s.registryMode])).toEqual([
      ["dev", "dev", "online"],
      ["staging", "staging", "online"],
      ["prod", "prod", "mirrored"],
    ]);
  });

  it("a stack without a tier, with an unknown tier, or two stacks sharing a secret suffix: one clear error", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: agent-platform\nruntime: nodejs\n");
    writeFileSync(join(dir, "Pulumi.qa.yaml"), "config:\n  agent-platform:kubernetesVersion: '1.34'\n");
    expect(() => discoverStacks(dir)).toThrow("Pulumi.qa.yaml sets no tier: add `agent-platform:tier: dev` (or staging, prod); the tier, not the name, decides the defaults and the promotion order");
    writeFileSync(join(dir, "Pulumi.qa.yaml"), "config:\n  agent-platform:tier: test\n");
    expect(() => discoverStacks(dir)).toThrow('Pulumi.qa.yaml: tier "test" is not one of dev, staging, prod');
    writeFileSync(join(dir, "Pulumi.qa.yaml"), "config:\n  agent-platform:tier: dev\n");
    writeFileSync(join(dir, "Pulumi.QA.yaml"), "config:\n  agent-platform:tier: dev\n");
    expect(() => discoverStacks(dir)).toThrow("stacks QA and qa share the secret suffix QA: rename one (secrets and per-stack variables are named <NAME>_QA)");
  });
});

describe("secretSuffix", () => {
  it.each([
    ["prod", "PROD"],
    ["prod-eu", "PROD_EU"],
    ["dev.alice", "DEV_ALICE"],
    ["staging--gpu2", "STAGING_GPU2"],
  ])("%s → %s", (name, sfx) => expect(secretSuffix(name)).toBe(sfx));

  it("is a valid GitHub secret / environment variable name suffix (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/), (name) => {
        expect(secretSuffix(name)).toMatch(/^[A-Z0-9]+(_[A-Z0-9]+)*$/);
      }),
    );
  });
});

describe("selectStacks", () => {
  const fleet = discoverStacks(FLEET);
  const pick = (sel: Parameters<typeof selectStacks>[1]) => selectStacks(fleet, sel).map((s) => s.name);

  it("names, globs, tier and all; always in tier order, each stack once", () => {
    expect(pick({ patterns: ["prod-us", "dev"] })).toEqual(["dev", "prod-us"]);
    expect(pick({ patterns: ["prod-*", "prod-eu"] })).toEqual(["prod-ap", "prod-eu", "prod-us"]);
    expect(pick({ tier: "dev" })).toEqual(["dev", "dev-alice"]);
    expect(pick({ patterns: ["*"], tier: "staging" })).toEqual(["staging", "staging-gpu"]);
    expect(pick({ all: true })).toHaveLength(7);
  });

  it("a selection is a subset of the fleet, sorted by tier, without duplicates (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("dev", "dev-*", "prod-*", "*-gpu", "staging", "prod-e?", "*"), { minLength: 1, maxLength: 4 }), (patterns) => {
        const got = selectStacks(fleet, { patterns });
        expect(new Set(got.map((s) => s.name)).size).toBe(got.length);
        const idx = got.map((s) => fleet.indexOf(s));
        expect(idx).toEqual([...idx].sort((a, b) => a - b));
        for (const s of got) expect(patterns.some((p) => globToRegExp(p).test(s.name))).toBe(true);
      }),
    );
  });

  it("globs match whole names, and regex characters are literal", () => {
    expect(globToRegExp("prod-*").test("prod-eu")).toBe(true);
    expect(globToRegExp("prod-*").test("xprod-eu")).toBe(false);
    expect(globToRegExp("prod.eu").test("prodxeu")).toBe(false);
  });
});

describe("backendFor: one rule for every stack", () => {
  const stack = (name: string, tier: StackInfo["tier"]) => ({ name, tier });
  it.each([
    ["a dev-tier stack without a backend: the local file backend", stack("dev-alice", "dev"), { PULUMI_CONFIG_PASSPHRASE: "p" }, { url: "file:///repo/.pulumi-state", passphrase: "p" }],
    ["the shared backend and passphrase", stack("prod-us", "prod"), { PULUMI_BACKEND_URL: "s3://b", PULUMI_CONFIG_PASSPHRASE: "p" }, { url: "s3://b", passphrase: "p" }],
    ["per-stack variables first", stack("prod-eu", "prod"), { PULUMI_BACKEND_URL: "s3://b", PULUMI_BACKEND_URL_PROD_EU: "s3://eu", PULUMI_CONFIG_PASSPHRASE: "p", PULUMI_CONFIG_PASSPHRASE_PROD_EU: "eu" }, { url: "s3://eu", passphrase: "eu" }],
    ["a per-stack passphrase file beats the shared passphrase", stack("prod-eu", "prod"), { PULUMI_BACKEND_URL: "s3://b", PULUMI_CONFIG_PASSPHRASE: "p", PULUMI_CONFIG_PASSPHRASE_PROD_EU_FILE: "/run/eu" }, { url: "s3://b", passphraseFile: "/run/eu" }],
    ["the shared passphrase file", stack("staging", "staging"), { PULUMI_BACKEND_URL: "s3://b", PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/p" }, { url: "s3://b", passphraseFile: "/run/secrets/p" }],
    ["Pulumi Cloud needs no passphrase", stack("prod", "prod"), { PULUMI_BACKEND_URL: "https://api.pulumi.com" }, { url: "https://api.pulumi.com" }],
  ])("%s", (_what, s, vars, expected) => {
    expect(backendFor(s, vars, "/repo")).toEqual(expected);
  });

  it("the tier decides the default, not the name: a stack named dev of tier prod gets no local backend", () => {
    expect(() => backendFor(stack("dev", "prod"), { PULUMI_CONFIG_PASSPHRASE: "p" }, "/repo")).toThrow(
      "no backend for stack dev (tier prod): set PULUMI_BACKEND_URL_DEV or PULUMI_BACKEND_URL (a shared backend: Pulumi Cloud, s3://, azblob://, gs://); only dev-tier stacks default to the local .pulumi-state/",
    );
  });

  it("a self-managed backend without a passphrase names the variables to set", () => {
    expect(() => backendFor(stack("staging-gpu", "staging"), { PULUMI_BACKEND_URL: "gs://b" }, "/repo")).toThrow(
      "no passphrase for stack staging-gpu: set PULUMI_CONFIG_PASSPHRASE_STAGING_GPU or PULUMI_CONFIG_PASSPHRASE (or their _FILE forms); the gs backend encrypts secrets with a passphrase",
    );
  });
});
