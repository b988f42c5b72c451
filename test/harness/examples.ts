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
/** A v0.5.x-shaped fixture (v1alpha1 served through a conversion webhook), for stacks that keep v0.5.x. */
export const FIXTURE_V05_MANIFEST = readFileSync(join(ROOT, "test", "fixtures", "agent-sandbox-v0.5.yaml"), "utf8");
export const FIXTURE_V05_SHA256 = sha256Hex(FIXTURE_V05_MANIFEST);

const RELEASE_BASE = "https://github.com/kubernetes-sigs/agent-sandbox/releases/download";
export const UPSTREAM_MANIFEST_URL = `${RELEASE_BASE}/v1.0.1/sandbox.yaml`;
export const PROD_MANIFEST_URL = "https://files.example.internal/platform-manifests/agent-sandbox/v1.0.1/sandbox.yaml";
export const UPSTREAM_V05_MANIFEST_URL = `${RELEASE_BASE}/v0.5.6/sandbox.yaml`;

export const SERVED: Readonly<Record<string, string>> = {
  [UPSTREAM_MANIFEST_URL]: FIXTURE_MANIFEST,
  [PROD_MANIFEST_URL]: FIXTURE_MANIFEST,
  [`${RELEASE_BASE}/v1.0.1/sandbox-with-extensions.yaml`]: FIXTURE_MANIFEST,
  [UPSTREAM_V05_MANIFEST_URL]: FIXTURE_V05_MANIFEST,
  "https://files.example.internal/platform-manifests/agent-sandbox/v0.5.6/sandbox.yaml": FIXTURE_V05_MANIFEST,
  [`${RELEASE_BASE}/v0.5.6/sandbox-with-extensions.yaml`]: FIXTURE_V05_MANIFEST,
};

/**
 * The configuration with the fixture's digest expected for every
 * agent-sandbox asset the stack does not pin itself: the catalog pins the
 * real upstream files' digests, and the tests serve fixtures. A stack on
 * v0.5.x gets the v0.5 fixture's digest.
 */
export function withFixtureDigests(map: StackConfigMap): StackConfigMap {
  const key = `${map.project}:catalog`;
  const raw = map.config[key];
  const catalog = (raw !== undefined && raw !== "" ? JSON.parse(raw) : {}) as { versions?: Record<string, string>; manifestSha256?: Record<string, string> };
  const digest = catalog.versions?.["agentSandbox"]?.startsWith("v0.") === true ? FIXTURE_V05_SHA256 : FIXTURE_SHA256;
  const manifestSha256 = { "agent-sandbox": digest, "agent-sandbox-with-extensions": digest, ...catalog.manifestSha256 };
  return { ...map, config: { ...map.config, [key]: JSON.stringify({ ...catalog, manifestSha256 }) } };
}

/**
 * An example stack with only its secrets supplied. The committed prod stack
 * pins the sha256 of the real upstream file; the tests serve a fixture, so
 * that one setting is replaced by the fixture's digest (and the others
 * default to it).
 */
export function exampleConfig(stack: string, extraSecrets: Record<string, string> = {}): StackConfigMap {
  const base = exampleStackConfig(stack, { ...EXAMPLE_SECRETS[stack], ...extraSecrets });
  const catalogKey = `${base.project}:catalog`;
  const raw = readStackFile(stack)[catalogKey] as { manifestSha256?: Record<string, string> } | undefined;
  if (raw?.manifestSha256?.["agent-sandbox"] === undefined) return withFixtureDigests(base);
  const catalog = { ...raw, manifestSha256: { ...raw.manifestSha256, "agent-sandbox": FIXTURE_SHA256 } };
  return withFixtureDigests({ ...base, config: { ...base.config, [catalogKey]: JSON.stringify(catalog) } });
}

/** Evaluates an example stack's program (index.ts) under the mock engine, the fixture manifest served. */
export async function runExampleStack(stack: string): Promise<Evaluation> {
  const program = (await import("../../index")).default as () => Promise<Record<string, unknown>>;
  return evaluate({ stack: { ...exampleConfig(stack), stack }, fetches: SERVED, program });
}
