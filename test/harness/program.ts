/**
 * Runs the real program (index.ts) under mocks for a stack configuration,
 * serving the test fixture in place of the agent-sandbox manifest at the
 * URL the plan resolves (upstream or the mirror's file server).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { vi } from "vitest";
import { evaluate, type Evaluation } from "./mocks";
import { ROOT, buildConfigMap, exampleStackConfig, EXAMPLE_SECRETS, readStackFile, type StackConfigMap } from "./stackConfig";
import { sha256Hex } from "../../manifests/load";

export const FIXTURE_MANIFEST = readFileSync(join(ROOT, "test", "fixtures", "agent-sandbox.yaml"), "utf8");
export const FIXTURE_SHA256 = sha256Hex(FIXTURE_MANIFEST);

export const UPSTREAM_MANIFEST_URL = "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v0.5.6/sandbox.yaml";
export const PROD_MANIFEST_URL = "https://files.example.internal/platform-manifests/agent-sandbox/v0.5.6/sandbox.yaml";

const SERVED = {
  [UPSTREAM_MANIFEST_URL]: FIXTURE_MANIFEST,
  [PROD_MANIFEST_URL]: FIXTURE_MANIFEST,
  "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v0.5.6/sandbox-with-extensions.yaml": FIXTURE_MANIFEST,
};

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

/**
 * An example stack with only its secrets supplied. The committed prod stack
 * pins the sha256 of the real upstream file; the tests serve a fixture, so
 * that one setting is replaced by the fixture's digest.
 */
export function exampleConfig(stack: string, extraSecrets: Record<string, string> = {}): StackConfigMap {
  const base = exampleStackConfig(stack, { ...EXAMPLE_SECRETS[stack], ...extraSecrets });
  const catalogKey = `${base.project}:catalog`;
  const raw = readStackFile(stack)[catalogKey] as { manifestSha256?: Record<string, string> } | undefined;
  if (raw?.manifestSha256?.["agent-sandbox"] === undefined) return base;
  const catalog = { ...raw, manifestSha256: { ...raw.manifestSha256, "agent-sandbox": FIXTURE_SHA256 } };
  return { ...base, config: { ...base.config, [catalogKey]: JSON.stringify(catalog) } };
}

export const runExample = (stack: string) => runProgram(stack, exampleConfig(stack));

export { buildConfigMap };
