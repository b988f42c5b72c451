/**
 * Runs the real program (index.ts) under mocks for a stack configuration,
 * serving the test fixture in place of the agent-sandbox manifest at the
 * URL the plan resolves (upstream or the mirror's file server). Each
 * example stack is evaluated once per test process and shared: tests only
 * read an evaluation.
 */
import { evaluate, type Evaluation } from "./mocks";
import { SERVED, runExampleStack, withFixtureDigests } from "./examples";
import { buildConfigMap, type StackConfigMap } from "./stackConfig";

export {
  FIXTURE_MANIFEST,
  FIXTURE_SHA256,
  FIXTURE_V05_MANIFEST,
  FIXTURE_V05_SHA256,
  PROD_MANIFEST_URL,
  UPSTREAM_MANIFEST_URL,
  UPSTREAM_V05_MANIFEST_URL,
  exampleConfig,
  withFixtureDigests,
} from "./examples";

type Program = () => Promise<Record<string, unknown>>;
let program: Promise<Program> | undefined;
/** index.ts, loaded once: the program is a function of the configuration the runtime holds. */
const loadProgram = (): Promise<Program> => (program ??= import("../../index").then((m) => m.default as Program));

/** Runs index.ts; agent-sandbox assets the configuration does not pin are expected to be the served fixtures. */
export async function runProgram(stack: string, config: StackConfigMap, fetches: Readonly<Record<string, string>> = SERVED, preview = false): Promise<Evaluation> {
  return evaluate({ stack: { ...withFixtureDigests(config), stack }, fetches, program: await loadProgram(), preview });
}

const examples = new Map<string, Promise<Evaluation>>();

/** The example stack's evaluation, computed once per process. */
export function runExample(stack: string): Promise<Evaluation> {
  let hit = examples.get(stack);
  if (hit === undefined) {
    hit = runExampleStack(stack);
    examples.set(stack, hit);
  }
  return hit;
}

export { buildConfigMap };

/** Evaluates a small program that builds components directly (the way awsx tests `new FargateService(...)`). */
export function runComponents(build: () => void | Promise<void>, preview = false): Promise<Evaluation> {
  return evaluate({
    preview,
    stack: { ...buildConfigMap({ tier: "dev", kubernetesVersion: "1.34" }), stack: "unit" },
    program: async () => {
      await build();
      return {};
    },
  });
}
