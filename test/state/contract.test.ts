/**
 * The state contract: every example stack still produces, directly or through
 * an alias, every stateful URN it ever shipped (state/contract.json); and a
 * renamed component fails the check until its alias is added (negative control).
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Pki, type PkiArgs } from "../../components/pki";
import { checkStack, readContract, extendContract } from "../../state/contract";
import { checkContract, indexUrns, type Registration } from "../../state/urns";
import { runExampleStack } from "../harness/examples";
import { evaluate } from "../harness/mocks";
import { EXAMPLE_STACKS, buildConfigMap, readProject } from "../harness/stackConfig";

const PROJECT = readProject().name;

describe.each(EXAMPLE_STACKS)("example stack %s", (stack) => {
  it("produces every URN of the contract and lists every stateful resource it registers", async () => {
    const check = checkStack(readContract(), stack, (await runExampleStack(stack)).resources, PROJECT);
    expect(check.lost, "URNs users' states hold and the program no longer produces: add an alias (docs/day-2.md \"State contract\")").toEqual([]);
    expect(check.unlisted, "new stateful resources: run `npm run state-contract`").toEqual([]);
  });
});

/**
 * Objects a chart rendered that the program now creates itself. helm.v4.Chart
 * names a child `<chart resource>:<namespace>/<name>` under the chart; the
 * program's resource must take that state over by alias, or `pulumi up`
 * would create it (AlreadyExists) and delete the old child, the live object.
 */
const TAKEN_FROM_CHARTS: readonly { readonly resource: string; readonly chartChild: (stack: string) => string }[] = [
  {
    resource: "gateway-service-account",
    chartChild: (stack) =>
      `urn:pulumi:${stack}::${PROJECT}::agent-platform:platform:OpenShellGateway$kubernetes:helm.sh/v4:Chart$kubernetes:core/v1:ServiceAccount::gateway-chart:openshell/openshell`,
  },
];

describe.each(EXAMPLE_STACKS)("example stack %s: objects taken over from a chart", (stack) => {
  it.each(TAKEN_FROM_CHARTS)("$resource keeps the URN the chart gave it", async ({ resource, chartChild }) => {
    const registrations = (await runExampleStack(stack)).resources;
    const index = indexUrns(registrations, stack, PROJECT);
    const r = registrations.find((x) => x.name === resource)!;
    expect(index.candidates(r).has(chartChild(stack))).toBe(true);
    // Negative control: without the alias the old child is not matched (it would be deleted).
    const bare = { ...r, aliases: [] };
    expect(indexUrns([...registrations.filter((x) => x !== r), bare], stack, PROJECT).candidates(bare).has(chartChild(stack))).toBe(false);
  });
});

const PKI_ARGS: PkiArgs = {
  namespace: "openshell",
  sandboxNamespace: "openshell-sandboxes",
  keyAlgorithm: "ECDSA-P256",
  caValidityHours: 87600,
  certValidityHours: 8760,
  earlyRenewalHours: 720,
  serverDnsNames: ["openshell"],
  serverIpAddresses: ["127.0.0.1"],
  protect: true,
  rotation: { ca: 1, jwtKey: 1, kek: 1 },
  dependsOn: [],
};

/** A program with only the PKI component, named `name`. */
async function pkiProgram(name: string, opts: pulumi.ComponentResourceOptions = {}): Promise<readonly Registration[]> {
  const ev = await evaluate({
    stack: { ...buildConfigMap({ tier: "dev", kubernetesVersion: "1.34" }), stack: "dev" },
    program: async () => {
      new Pki(name, PKI_ARGS, opts);
      return {};
    },
  });
  return ev.resources;
}

describe("a renamed component (negative control)", () => {
  it("without an alias, every key, certificate and Secret of the old name is lost; with one, nothing is", async () => {
    const before = await pkiProgram("pki");
    const contract = checkContract([], before, "dev", PROJECT).unlisted;
    expect(contract).toHaveLength(16);
    expect(contract).toContain("urn:pulumi:dev::agent-platform::agent-platform:platform:Pki$tls:index/privateKey:PrivateKey::pki-ca-key");

    const renamed = checkContract(contract, await pkiProgram("certs"), "dev", PROJECT);
    expect(renamed.lost).toEqual(contract);
    expect(() => extendContract({ about: "", stacks: { dev: contract }, retired: {} }, { dev: renamed })).toThrow(
      /^these URNs would be deleted from users' states; add an alias/,
    );

    const aliased = checkContract(contract, await pkiProgram("certs", { aliases: [{ name: "pki" }] }), "dev", PROJECT);
    expect(aliased.lost).toEqual([]);
  });

  it("a retired URN needs no alias, and the contract only grows", () => {
    const u = "urn:pulumi:dev::agent-platform::kubernetes:core/v1:Secret::old";
    const contract = { about: "", stacks: { dev: [u] }, retired: { [u]: "removed in 0.2: the chart makes it" } };
    expect(checkStack(contract, "dev", [], PROJECT)).toEqual({ lost: [], unlisted: [] });
    const grown = extendContract(contract, { dev: { lost: [], unlisted: ["urn:pulumi:dev::agent-platform::kubernetes:core/v1:Secret::new"] } });
    expect(grown.stacks["dev"]).toEqual(["urn:pulumi:dev::agent-platform::kubernetes:core/v1:Secret::new", u]);
  });
});

describe("state URNs and aliases, as the engine computes them", () => {
  const stackRes: Registration = { type: "pulumi:pulumi:Stack", name: "p-dev", urn: "e:stack", parent: "", aliases: [] };
  const reg = (type: string, name: string, urn: string, parent: string, aliases: Registration["aliases"] = []): Registration => ({ type, name, urn, parent, aliases });

  it("the type chain holds every parent below the stack (the mock engine keeps only the last)", () => {
    const a = reg("x:index:A", "a", "e:a", "e:stack");
    const b = reg("x:index:B", "a-b", "e:b", "e:a");
    const c = reg("x:index:C", "a-b-c", "e:c", "e:b");
    const index = indexUrns([stackRes, a, b, c], "dev", "p");
    expect([a, b, c].map(index.urn)).toEqual([
      "urn:pulumi:dev::p::x:index:A::a",
      "urn:pulumi:dev::p::x:index:A$x:index:B::a-b",
      "urn:pulumi:dev::p::x:index:A$x:index:B$x:index:C::a-b-c",
    ]);
  });

  it("a child moved to another parent keeps its URN with a parent alias; one moved to the top with noParent", () => {
    const oldParent = "urn:pulumi:dev::p::x:index:Old::old";
    const b = reg("x:index:New", "new", "e:new", "e:stack");
    const moved = reg("kubernetes:core/v1:Secret", "old-s", "e:s", "e:new", [{ parentUrn: oldParent }]);
    const top = reg("kubernetes:core/v1:Secret", "t", "e:t", "e:stack", [{ parentUrn: "e:new" }]);
    const index = indexUrns([stackRes, b, moved, top], "dev", "p");
    expect([...index.candidates(moved)]).toEqual([
      "urn:pulumi:dev::p::x:index:New$kubernetes:core/v1:Secret::old-s",
      "urn:pulumi:dev::p::x:index:Old$kubernetes:core/v1:Secret::old-s",
    ]);
    expect([...index.candidates(top)]).toEqual(["urn:pulumi:dev::p::kubernetes:core/v1:Secret::t", "urn:pulumi:dev::p::x:index:New$kubernetes:core/v1:Secret::t"]);
    const lifted = reg("kubernetes:core/v1:Secret", "s", "e:s2", "e:new", [{ noParent: true }]);
    expect([...indexUrns([stackRes, b, lifted], "dev", "p").candidates(lifted)]).toContain("urn:pulumi:dev::p::kubernetes:core/v1:Secret::s");
  });

  it("an alias parent the SDK derived from a registration (createUrn) is that child's state URN", () => {
    // The mock engine keeps the stack type in a top-level component's URN; createUrn appends to it.
    const gw = reg("x:index:Gw", "gw", "urn:pulumi:dev::p::pulumi:pulumi:Stack$x:index:Gw::gw", "e:stack");
    const derivedChart = "urn:pulumi:dev::p::pulumi:pulumi:Stack$x:index:Gw$kubernetes:helm.sh/v4:Chart::gw-chart";
    const sa = reg("kubernetes:core/v1:ServiceAccount", "gw-sa", "e:sa", gw.urn, [{ name: "gw-chart:ns/sa", parentUrn: derivedChart }]);
    expect([...indexUrns([stackRes, gw, sa], "dev", "p").candidates(sa)]).toEqual([
      "urn:pulumi:dev::p::x:index:Gw$kubernetes:core/v1:ServiceAccount::gw-sa",
      "urn:pulumi:dev::p::x:index:Gw$kubernetes:helm.sh/v4:Chart$kubernetes:core/v1:ServiceAccount::gw-chart:ns/sa",
    ]);
  });

  it("a child inherits its parent's alias, its name's prefix swapped; a child not named after its parent keeps its name", () => {
    const parent = reg("x:index:Pki", "certs", "e:certs", "e:stack", [{ name: "pki" }]);
    const prefixed = reg("tls:index/privateKey:PrivateKey", "certs-ca-key", "e:k", "e:certs");
    const other = reg("tls:index/privateKey:PrivateKey", "root", "e:r", "e:certs");
    const index = indexUrns([stackRes, parent, prefixed, other], "dev", "p");
    expect(index.candidates(prefixed).has("urn:pulumi:dev::p::x:index:Pki$tls:index/privateKey:PrivateKey::pki-ca-key")).toBe(true);
    expect(index.candidates(other).has("urn:pulumi:dev::p::x:index:Pki$tls:index/privateKey:PrivateKey::root")).toBe(true);
  });
});
