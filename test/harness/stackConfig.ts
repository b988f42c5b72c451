/**
 * Builds the configuration map the Pulumi CLI would hand the program for a
 * stack: Pulumi.<stack>.yaml values over the Pulumi.yaml project defaults,
 * objects JSON-encoded, plus secret settings a test supplies (the example
 * stacks commit none). Mirrors the CLI's rules that matter here: a declared
 * key without default is mandatory, a value for an undeclared project key is
 * reported.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const ROOT = join(__dirname, "..", "..");

interface Declaration {
  type?: string;
  description?: string;
  default?: unknown;
  secret?: boolean;
}

export interface ProjectFile {
  name: string;
  config: Record<string, Declaration>;
}

export function readProject(): ProjectFile {
  return parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

export function readStackFile(stack: string): Record<string, unknown> {
  const doc = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  return doc.config ?? {};
}

function encode(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

export interface StackConfigMap {
  readonly project: string;
  /** Full key (`project:key`) → string value, as PULUMI_CONFIG holds them. */
  readonly config: Record<string, string>;
  /** Full keys whose values are secret. */
  readonly secretKeys: string[];
}

/**
 * @param values  top-level key → value, as a stack file would hold them (unprefixed keys)
 * @param secrets secret key → plaintext fixture value (marked secret)
 */
export function buildConfigMap(values: Record<string, unknown>, secrets: Record<string, string> = {}): StackConfigMap {
  const project = readProject();
  const config: Record<string, string> = {};
  const prefix = `${project.name}:`;
  for (const [key, value] of Object.entries(values)) {
    const full = key.includes(":") ? key : `${prefix}${key}`;
    config[full] = encode(value);
  }
  for (const [key, value] of Object.entries(secrets)) config[`${prefix}${key}`] = value;
  const missing: string[] = [];
  for (const [key, decl] of Object.entries(project.config)) {
    const full = `${prefix}${key}`;
    if (config[full] !== undefined) continue;
    if (decl.default === undefined) missing.push(key);
    else config[full] = encode(decl.default);
  }
  if (missing.length > 0) throw new Error(`stack is missing configuration values ${missing.sort().join(", ")}`);
  return { project: project.name, config, secretKeys: Object.keys(secrets).map((k) => `${prefix}${k}`) };
}

/** The configuration map of an example stack file plus supplied secrets. */
export function exampleStackConfig(stack: string, secrets: Record<string, string> = {}): StackConfigMap {
  const project = readProject();
  const raw = readStackFile(stack);
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) values[k.startsWith(`${project.name}:`) ? k.slice(project.name.length + 1) : k] = v;
  return buildConfigMap(values, secrets);
}

/** Secret fixtures each example stack needs (values are test-only strings). */
export const EXAMPLE_SECRETS: Readonly<Record<string, Record<string, string>>> = {
  dev: {},
  staging: {},
  prod: {
    registryPassword: "fixture-registry-password-3f9a",
    inferenceApiKey: "fixture-inference-key-8c21",
  },
};

export const EXAMPLE_STACKS = ["dev", "staging", "prod"] as const;

/** A staging stack's settings with what the tier requires (an OIDC issuer, the API server's address) plus `extra`. */
export function stagingValues(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tier: "staging",
    kubernetesVersion: "1.34",
    gateway: { oidc: { issuer: "https://login.example.internal" } },
    policies: { apiServer: { cidrs: ["10.0.0.1/32"] } },
    ...extra,
  };
}
