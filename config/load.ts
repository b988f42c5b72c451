/**
 * Loading: the stack's raw settings → tier defaults merged under them →
 * validated `Config`, or one `ConfigError` naming every bad key. Runs
 * before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TIER_DEFAULTS, deepMerge } from "./defaults";
import { ConfigError, fromZodIssues, formatPath, type ConfigIssue } from "./errors";
import { crossFieldIssues, secretIssues } from "./rules";
import { CONFIG_KEYS, ConfigSchema, REQUIRED_KEYS, TIERS, type Config, type Tier } from "./schema";
import { SECRET_KEYS, readSecretPresence, type SecretPresenceMap } from "./secrets";

export interface StackSettings {
  readonly stack: string;
  /** Non-secret settings by top-level key, objects already decoded. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Issues found while decoding (a value that is not valid JSON). */
  readonly decodeIssues?: readonly ConfigIssue[];
  /** Which secrets the stack provides; undefined when unknown (checks on secrets are then skipped). */
  readonly secrets: SecretPresenceMap | undefined;
}

const ALLOWED_TOP_LEVEL = [...Object.keys(CONFIG_KEYS), ...Object.keys(SECRET_KEYS)].sort().join(", ");

/** Pure: validates and resolves a stack's settings. Throws `ConfigError`. */
export function resolveConfig(input: StackSettings): Config {
  const issues: ConfigIssue[] = [...(input.decodeIssues ?? [])];
  const { values } = input;

  for (const key of Object.keys(values)) {
    if (!(key in CONFIG_KEYS) && !(key in SECRET_KEYS)) {
      issues.push({ path: formatPath([key]), message: `unknown key; allowed keys: ${ALLOWED_TOP_LEVEL}` });
    }
  }
  for (const key of REQUIRED_KEYS) {
    if (values[key] === undefined) issues.push({ path: key, message: "required (every stack sets it; see Pulumi.<stack>.yaml)" });
  }

  const tierResult = z.enum(TIERS).safeParse(values["tier"]);
  const tier: Tier | undefined = tierResult.success ? tierResult.data : undefined;
  const defaults = TIER_DEFAULTS[tier ?? "dev"] as Readonly<Record<string, unknown>>;

  const parsed: Partial<Record<keyof Config, unknown>> = {};
  for (const key of Object.keys(CONFIG_KEYS) as (keyof Config)[]) {
    const raw = deepMerge(defaults[key], values[key]);
    if (raw === undefined) continue; // a missing required key, reported above
    const result = ConfigSchema.shape[key].safeParse(raw, { reportInput: true });
    if (result.success) parsed[key] = result.data;
    else issues.push(...fromZodIssues([key], result.error.issues));
  }

  if (input.secrets !== undefined) issues.push(...secretIssues(input.secrets));
  // Cross-field rules read tier defaults; with an unknown tier they would judge the wrong defaults.
  if (tier !== undefined) issues.push(...crossFieldIssues(parsed as Partial<Config>, input.secrets));

  if (issues.length > 0) throw new ConfigError(input.stack, issues);
  return parsed as Config;
}

/**
 * Reads the stack's settings from the Pulumi runtime. Project-level
 * defaults from Pulumi.yaml (`""`, `{}`) mean "not set": the tier decides.
 */
export function readStackSettings(project: string, stack: string): StackSettings & { readonly secrets: SecretPresenceMap } {
  const prefix = `${project}:`;
  const values: Record<string, unknown> = {};
  const decodeIssues: ConfigIssue[] = [];
  const all = pulumi.runtime.allConfig();
  for (const fullKey of Object.keys(all).sort()) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (key in SECRET_KEYS) continue;
    const raw = all[fullKey] ?? "";
    if (raw === "") continue;
    if (CONFIG_KEYS[key as keyof Config] !== "object") {
      values[key] = raw;
      continue;
    }
    try {
      values[key] = JSON.parse(raw) as unknown;
    } catch {
      decodeIssues.push({ path: formatPath([key]), message: "expected an object (set nested keys with `pulumi config set --path`)" });
    }
  }
  return { stack, values, decodeIssues, secrets: readSecretPresence(project) };
}

/** Loads the current stack's configuration; throws `ConfigError` before any resource exists. */
export function loadConfig(): Config {
  return resolveConfig(readStackSettings(pulumi.getProject(), pulumi.getStack()));
}
