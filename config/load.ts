/**
 * Loading: the stack's raw settings → tier defaults merged under them →
 * validated `Config`, or one `ConfigError` naming every bad key. Runs
 * before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { deepMerge } from "../lib/tree";
import { TIER_DEFAULTS } from "./defaults";
import { ConfigError, editDistance, fromZodIssues, formatPath, type ConfigIssue } from "./errors";
import { crossFieldIssues, secretIssues, type ParsedSections, type Section } from "./rules";
import { CONFIG_KEYS, ConfigSchema, REQUIRED_KEYS, TIERS, type Config, type Tier } from "./schema";
import { SECRET_KEYS, SECRET_KEY_NAMES, type SecretKey, type SecretPresence, type SecretPresenceMap } from "./secrets";

export interface StackSettings {
  readonly stack: string;
  /** Non-secret settings by top-level key, objects already decoded. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Issues found while decoding (a value that is not valid JSON, a misspelled namespace). */
  readonly decodeIssues?: readonly ConfigIssue[];
  /** Which secrets the stack provides; undefined when unknown (checks on secrets are then skipped). */
  readonly secrets: SecretPresenceMap | undefined;
}

/**
 * Configuration as the Pulumi CLI hands it to a program: full keys
 * (`project:key`) to strings, objects JSON-encoded, and which keys were
 * stored as secrets. The runtime (`pulumi up`) and the stack-file reader
 * (`npm run plan`, `npm run inventory`) both produce one.
 */
export interface ConfigSource {
  readonly values: Readonly<Record<string, string>>;
  readonly isSecret: (fullKey: string) => boolean;
}

/** Settings that moved, with where they went (their old keys would otherwise be "unknown"). */
const MOVED_KEYS: Readonly<Record<string, string>> = {
  "database.protect": 'protection is one switch for the CA, KEK, JWT key, Postgres Cluster, CRDs and data namespaces: protection.enabled (on in staging and prod; docs/day-2.md "Protection")',
};

const ALLOWED_TOP_LEVEL = [...Object.keys(CONFIG_KEYS), ...Object.keys(SECRET_KEYS)].sort();

/** The allowed key closest to a misspelled one, when it is close enough to be meant. */
function suggest(key: string, allowed: readonly string[]): string | undefined {
  const best = [...allowed].sort((a, b) => editDistance(key.toLowerCase(), a.toLowerCase()) - editDistance(key.toLowerCase(), b.toLowerCase()))[0];
  return best !== undefined && editDistance(key.toLowerCase(), best.toLowerCase()) <= 2 ? best : undefined;
}

export interface Resolution {
  readonly config: Config;
  /** Secrets the configuration needs and the stack does not provide (only when asked to report them). */
  readonly missingSecrets: readonly ConfigIssue[];
}

/** Pure: validates and resolves a stack's settings. Throws `ConfigError`. */
export function resolveConfig(input: StackSettings): Config {
  return resolve(input, false).config;
}

/**
 * Like `resolveConfig`, but a secret the stack has not set yet is reported
 * instead of thrown, so a stack file can be planned and inventoried before
 * its secrets are set (`pulumi up` refuses it until they are).
 */
export function resolveConfigReportingMissingSecrets(input: StackSettings): Resolution {
  return resolve(input, true);
}

function resolve(input: StackSettings, reportMissingSecrets: boolean): Resolution {
  const issues: ConfigIssue[] = [...(input.decodeIssues ?? [])];
  const { values } = input;

  for (const key of Object.keys(values)) {
    if (!(key in CONFIG_KEYS) && !(key in SECRET_KEYS)) {
      const near = suggest(key, ALLOWED_TOP_LEVEL);
      issues.push({ path: formatPath([key]), message: `unknown key${near !== undefined ? ` (did you mean ${near}?)` : ""}; allowed keys: ${ALLOWED_TOP_LEVEL.join(", ")}` });
    }
  }
  for (const [path, why] of Object.entries(MOVED_KEYS)) {
    const [section, key] = path.split(".") as [string, string];
    const v = values[section];
    if (typeof v === "object" && v !== null && key in v) issues.push({ path, message: `no longer a setting: ${why}` });
  }
  for (const key of REQUIRED_KEYS) {
    if (values[key] === undefined) issues.push({ path: key, message: "required (every stack sets it; see Pulumi.<stack>.yaml)" });
  }

  const tierResult = z.enum(TIERS).safeParse(values["tier"]);
  const tier: Tier | undefined = tierResult.success ? tierResult.data : undefined;
  const defaults = TIER_DEFAULTS[tier ?? "dev"] as Readonly<Record<string, unknown>>;

  const parsed: ParsedSections = {};
  const raw: Record<string, unknown> = {};
  for (const key of SECTIONS) {
    raw[key] = deepMerge(defaults[key], withoutMoved(key, values[key]));
    if (raw[key] === undefined) continue; // a missing required key, reported above
    issues.push(...parseSection(parsed, key, raw[key]));
  }

  if (input.secrets !== undefined) issues.push(...secretIssues(input.secrets));
  // Cross-field rules read tier defaults; with an unknown tier they would judge the wrong defaults.
  if (tier !== undefined) issues.push(...crossFieldIssues(parsed, input.secrets));

  const missingSecrets = reportMissingSecrets ? issues.filter((i) => i.missingSecret !== undefined).sort((a, b) => (a.path < b.path ? -1 : 1)) : [];
  if (issues.length > missingSecrets.length) throw new ConfigError(input.stack, issues);
  // Every section parsed: the whole configuration parses, typed, with the same schema.
  return { config: ConfigSchema.parse(raw), missingSecrets };
}

const SECTIONS = Object.keys(CONFIG_KEYS) as Section[];

/** A section's settings without its moved keys (reported on their own). */
function withoutMoved(section: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const moved = Object.keys(MOVED_KEYS).filter((p) => p.startsWith(`${section}.`)).map((p) => p.slice(section.length + 1));
  if (!moved.some((k) => k in value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !moved.includes(k)));
}

/** Each section's schema, typed by the section it parses. */
const SECTION_SCHEMAS: { readonly [K in Section]: z.ZodType<Config[K]> } = ConfigSchema.shape;

/** Parses one section into `parsed`, or returns its issues. */
function parseSection<K extends Section>(parsed: ParsedSections, key: K, raw: unknown): ConfigIssue[] {
  const result = SECTION_SCHEMAS[key].safeParse(raw, { reportInput: true });
  if (!result.success) return fromZodIssues([key], result.error.issues);
  parsed[key] = result.data;
  return [];
}

/**
 * Decodes the configuration the CLI hands the program into settings.
 * Project-level defaults from Pulumi.yaml (`""`, `{}`) mean "not set": the
 * tier decides. Keys of other namespaces are the providers' business, unless
 * the namespace is a misspelling of the project's: those keys would be
 * silently ignored, so they are reported.
 */
export function settingsFromConfig(project: string, stack: string, source: ConfigSource): StackSettings & { readonly secrets: SecretPresenceMap } {
  const values: Record<string, unknown> = {};
  const decodeIssues: ConfigIssue[] = [];
  for (const fullKey of Object.keys(source.values).sort()) {
    const colon = fullKey.indexOf(":");
    const namespace = fullKey.slice(0, colon);
    const key = fullKey.slice(colon + 1);
    if (namespace !== project) {
      if (editDistance(namespace.toLowerCase(), project.toLowerCase()) <= 2) {
        decodeIssues.push({ path: fullKey, message: `ignored: "${namespace}" is not this project's namespace; did you mean ${project}:${key}?` });
      }
      continue;
    }
    if (key in SECRET_KEYS) continue;
    const raw = source.values[fullKey] ?? "";
    if (source.isSecret(fullKey)) {
      decodeIssues.push({
        path: formatPath([key]),
        message: `holds a value stored as a secret (secure:); only ${SECRET_KEY_NAMES.join(", ")} are secrets, set ${key} in plain text`,
      });
      continue;
    }
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
  return { stack, values, decodeIssues, secrets: secretPresence(project, source) };
}

/** Which secrets the stack provides, without keeping any value: the raw string is only tested for emptiness. */
export function secretPresence(project: string, source: ConfigSource): SecretPresenceMap {
  const out = {} as Record<SecretKey, SecretPresence>;
  for (const key of SECRET_KEY_NAMES) {
    const fullKey = `${project}:${key}`;
    const provided = (source.values[fullKey] ?? "").length > 0;
    out[key] = { provided, encrypted: provided && source.isSecret(fullKey) };
  }
  return out;
}

/** Pulumi marks which config keys hold secrets; the check is internal to the SDK (not in its types), so probe for it. */
function isStoredSecret(fullKey: string): boolean {
  const probe = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  return probe === undefined ? true : probe(fullKey);
}

/** The configuration of the running stack, as the Pulumi runtime holds it. */
export function runtimeConfig(): ConfigSource {
  return { values: pulumi.runtime.allConfig(), isSecret: isStoredSecret };
}

/** Reads the running stack's settings from the Pulumi runtime. */
export function readStackSettings(project: string, stack: string): StackSettings & { readonly secrets: SecretPresenceMap } {
  return settingsFromConfig(project, stack, runtimeConfig());
}
