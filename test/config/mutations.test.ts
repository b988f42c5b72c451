/**
 * Property: whatever a stack owner gets wrong in a stack file, the program
 * answers with a result or with one ConfigError naming the key, never a
 * crash. From each example stack, seeded random mutations of a documented
 * key (a value of another type or shape, an empty or huge string, an unknown
 * sibling key, a removed key) go through the program's entry point (index.ts)
 * under the mock engine, with the configuration the Pulumi CLI would pass.
 */
import * as fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { schemaLeaves } from "../../config/reference";
import { SECRET_KEY_NAMES } from "../../config/secrets";
import { FIXTURE_SHA256, SERVED, withFixtureDigests } from "../harness/examples";
import { EvaluationError, evaluate } from "../harness/mocks";
import { EXAMPLE_SECRETS, EXAMPLE_STACKS, buildConfigMap, readProject, readStackFile, type StackConfigMap } from "../harness/stackConfig";

type Program = () => Promise<Record<string, unknown>>;
let program: Program;
beforeAll(async () => {
  // One module instance for every run: the program is a function of the configuration.
  program = (await import("../../index")).default as Program;
});

/** Every documented path (leaves and the objects above them), and the secret keys. */
const PATHS: readonly string[] = [
  ...new Set([
    ...schemaLeaves().flatMap((leaf) => leaf.split(".").map((_, i, parts) => parts.slice(0, i + 1).join("."))),
    ...SECRET_KEY_NAMES,
  ]),
].sort();

type Mutation =
  | { readonly kind: "set"; readonly path: string; readonly value: unknown }
  | { readonly kind: "sibling"; readonly path: string }
  | { readonly kind: "remove"; readonly path: string };

const OTHER_VALUES: readonly unknown[] = [0, -1, 3.5, true, false, "", "x".repeat(5000), "yes", [], [1, "a"], {}, { zz: 1 }, null];

const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), path: fc.constantFrom(...PATHS), value: fc.constantFrom(...OTHER_VALUES) }),
  fc.record({ kind: fc.constant("sibling" as const), path: fc.constantFrom(...PATHS) }),
  fc.record({ kind: fc.constant("remove" as const), path: fc.constantFrom(...PATHS) }),
);

/** The example stack's settings (unprefixed) and secrets, the manifest digest set to the fixture's. */
function exampleValues(stack: string): { values: Record<string, unknown>; secrets: Record<string, string> } {
  const project = readProject().name;
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(readStackFile(stack))) values[k.slice(project.length + 1)] = structuredClone(v);
  const catalog = values["catalog"] as { manifestSha256?: Record<string, string> } | undefined;
  if (catalog?.manifestSha256?.["agent-sandbox"] !== undefined) catalog.manifestSha256["agent-sandbox"] = FIXTURE_SHA256;
  return { values, secrets: { ...EXAMPLE_SECRETS[stack] } };
}

/** Applies a mutation; secret keys live in `secrets`, everything else in `values`. */
function apply(m: Mutation, values: Record<string, unknown>, secrets: Record<string, string>): void {
  const parts = m.path.split(".");
  const top = parts[0]!;
  if ((SECRET_KEY_NAMES as readonly string[]).includes(top)) {
    if (m.kind === "remove") delete secrets[top];
    else if (m.kind === "set") secrets[top] = typeof m.value === "string" ? m.value : JSON.stringify(m.value);
    else values["zzUnknownSibling"] = 1;
    return;
  }
  let cur: Record<string, unknown> = values;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (typeof next !== "object" || next === null || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (m.kind === "set") cur[last] = m.value;
  else if (m.kind === "remove") delete cur[last];
  else cur["zzUnknownSibling"] = 1;
}

/** The top-level key a ConfigError must name. */
function topLevelKey(m: Mutation): string {
  // A sibling of a top-level key is itself a top-level key.
  return m.kind === "sibling" && !m.path.includes(".") ? "zzUnknownSibling" : m.path.split(".")[0]!;
}

type Outcome = "ok" | "config-error" | "refused-by-cli";

async function runMutated(stack: string, m: Mutation): Promise<Outcome> {
  const { values, secrets } = exampleValues(stack);
  apply(m, values, secrets);
  let config: StackConfigMap;
  try {
    config = buildConfigMap(values, secrets);
  } catch (err) {
    // The CLI's own rule (a declared key without default is mandatory): it refuses before the program runs.
    expect((err as Error).message).toContain(topLevelKey(m));
    return "refused-by-cli";
  }
  try {
    await evaluate({ stack: { ...withFixtureDigests(config), stack }, fetches: SERVED, program });
    return "ok";
  } catch (err) {
    const cause = err instanceof EvaluationError ? err.cause : err;
    const named = cause instanceof Error && cause.name === "ConfigError" ? ((cause as unknown as { issues: { path: string; message: string }[] }).issues ?? []) : undefined;
    if (named === undefined) throw new Error(`${stack} with ${JSON.stringify(m).slice(0, 300)} threw ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
    const key = topLevelKey(m);
    const paths = named.map((i) => i.path);
    // Named as the key of an issue, or in its text (a cross-field issue keyed on its counterpart:
    // removing `inference` leaves "inferenceApiKey: set, but inference.provider is none").
    const word = new RegExp(`(^|[^A-Za-z])${key}([^A-Za-z]|$)`);
    if (!named.some((i) => i.path === key || i.path.startsWith(`${key}.`) || i.path.startsWith(`${key}[`) || word.test(i.message))) {
      throw new Error(`${stack} with ${JSON.stringify(m).slice(0, 300)}: the ConfigError names ${paths.join(", ")}, not ${key}`);
    }
    return "config-error";
  }
}

describe.each(EXAMPLE_STACKS)("mutations of the %s example stack", (stack) => {
  it("every run succeeds or throws one ConfigError naming the mutated key", async () => {
    const outcomes: Record<Outcome, number> = { ok: 0, "config-error": 0, "refused-by-cli": 0 };
    await fc.assert(
      fc.asyncProperty(mutations, async (m) => {
        outcomes[await runMutated(stack, m)]++;
      }),
      { seed: 20261201 + EXAMPLE_STACKS.indexOf(stack), numRuns: 60 },
    );
    // Both kinds of answer occur: the property is not vacuous.
    expect(outcomes["config-error"]).toBeGreaterThan(10);
    expect(outcomes.ok).toBeGreaterThan(0);
  });
});

describe("the mutation harness", () => {
  it("a mutation that must fail fails with the key named (negative control)", async () => {
    expect(await runMutated("prod", { kind: "set", path: "gpu.enabled", value: "yes" })).toBe("config-error");
    expect(await runMutated("prod", { kind: "set", path: "database.engine", value: "postgresql" })).toBe("config-error");
    expect(await runMutated("prod", { kind: "sibling", path: "storage.nfs.enabled" })).toBe("config-error");
    expect(await runMutated("dev", { kind: "remove", path: "tier" })).toBe("refused-by-cli");
    expect(await runMutated("dev", { kind: "remove", path: "cluster" })).toBe("ok");
  });
});
