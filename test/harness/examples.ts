/**
 * The example stacks as tests and the benchmark run them: configuration with
 * only the secrets supplied, and the fixture manifest served where the plan
 * looks for the agent-sandbox release asset.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../manifests/load";
import { evaluate, type Evaluation } from "./mocks";
import { EXAMPLE_SECRETS, ROOT, exampleStackConfig, readStackFile, type StackConfigMap } from "./stackConfig";

export const FIXTURE_MANIFEST = readFileSync(join(ROOT, "test", "fixtures", "agent-sandbox.yaml"), "utf8");
export const FIXTURE_SHA256 = sha256Hex(FIXTURE_MANIFEST);

export const UPSTREAM_MANIFEST_URL = "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v0.5.6/sandbox.yaml";
export const PROD_MANIFEST_URL = "https://files.example.internal/platform-manifests/agent-sandbox/v0.5.6/sandbox.yaml";

export const SERVED: Readonly<Record<string, string>> = {
  [UPSTREAM_MANIFEST_URL]: FIXTURE_MANIFEST,
  [PROD_MANIFEST_URL]: FIXTURE_MANIFEST,
  "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v0.5.6/sandbox-with-extensions.yaml": FIXTURE_MANIFEST,
};

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


/** Evaluates an example stack's program (index.ts) under the mock engine, the fixture manifest served. */
export async function runExampleStack(stack: string): Promise<Evaluation> {
  const program = (await import("../../index")).default as () => Promise<Record<string, unknown>>;
  return evaluate({ stack: { ...exampleConfig(stack), stack }, fetches: SERVED, program });
}
