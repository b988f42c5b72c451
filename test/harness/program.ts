/**
 * Runs the real program (index.ts) under mocks for a stack configuration,
 * serving the test fixture in place of the agent-sandbox manifest at the
 * URL the plan resolves (upstream or the mirror's file server).
 */
import { vi } from "vitest";
import { evaluate, type Evaluation } from "./mocks";
import { SERVED, exampleConfig } from "./examples";
import { buildConfigMap, type StackConfigMap } from "./stackConfig";

export { FIXTURE_MANIFEST, FIXTURE_SHA256, PROD_MANIFEST_URL, UPSTREAM_MANIFEST_URL, exampleConfig } from "./examples";

export async function runProgram(stack: string, config: StackConfigMap, fetches: Readonly<Record<string, string>> = SERVED): Promise<Evaluation> {
  vi.resetModules();
  return evaluate({
    stack: { ...config, stack },
    fetches,
    program: async () => {
      const main = (await import("../../index")).default as () => Promise<Record<string, unknown>>;
      return main();
    },
  });
}

export const runExample = (stack: string) => runProgram(stack, exampleConfig(stack));

export { buildConfigMap };
