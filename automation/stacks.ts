/**
 * The fleet: every `Pulumi.<name>.yaml` beside the project is a stack the
 * automation drives, its tier read from its own config (`tier:`), never from
 * its name (#24). Also the one rule for each stack's backend, passphrase and
 * CI secret names, and the selection grammar (`--stack a,b`, `--stack
 * 'prod-*'`, `--tier prod`, `--all`).
 *
 * A low module: orchestrate.ts, verify.ts, client.ts and recover.ts import
 * it, it imports none of them (no import cycle). Pure except `discoverStacks`,
 * which reads the stack files.
 */
import { join } from "node:path";
import { TIERS, type Tier } from "../config/schema";
import { exampleStacks, readStackFile, StackFileError } from "../config/stackFile";

export { TIERS, type Tier };

/** One stack of the fleet, as `platform stacks --json` lists it (and the workflows' matrix carries it). */
export interface StackInfo {
  readonly name: string;
  readonly tier: Tier;
  /** The kubeconfig context the stack targets; undefined: the current context. */
  readonly context?: string;
  /** `online` (public registries) or `mirrored` (a private mirror). */
  readonly registryMode: string;
  /** The suffix of the stack's CI secrets and per-stack variables (`prod-eu` → `PROD_EU`). */
  readonly secretSuffix: string;
  /** The policy pack configuration of its tier. */
  readonly policyConfig: string;
}

/** `prod-eu` → `PROD_EU`: upper case, every run of other characters one `_`. */
export function secretSuffix(stack: string): string {
  return stack
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}

const objectSetting = (raw: string | undefined): Record<string, unknown> => {
  if (raw === undefined || raw === "") return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** A stack's fleet entry from the configuration the CLI would hand the program (`values`: full keys). */
function stackInfo(name: string, project: string, values: Readonly<Record<string, string>>): StackInfo {
  const tier = values[`${project}:tier`];
  if (tier === undefined || tier === "") throw new StackFileError(`Pulumi.${name}.yaml sets no tier: add \`${project}:tier: dev\` (or staging, prod); the tier, not the name, decides the defaults and the promotion order`);
  if (!(TIERS as readonly string[]).includes(tier)) throw new StackFileError(`Pulumi.${name}.yaml: tier "${tier}" is not one of ${TIERS.join(", ")}`);
  const cluster = objectSetting(values[`${project}:cluster`]);
  const registry = objectSetting(values[`${project}:registry`]);
  const context = typeof cluster["context"] === "string" && cluster["context"] !== "" ? cluster["context"] : undefined;
  return {
    name,
    tier: tier as Tier,
    ...(context !== undefined ? { context } : {}),
    registryMode: typeof registry["mode"] === "string" ? registry["mode"] : "online",
    secretSuffix: secretSuffix(name),
    policyConfig: `policy/config/${tier}.json`,
  };
}

/** Every stack file under `root`, by tier (dev, staging, prod) then name. Two stacks whose secret suffixes collide are an error. */
export function discoverStacks(root: string, project = "agent-platform"): StackInfo[] {
  const stacks = exampleStacks(root).map((name) => stackInfo(name, project, readStackFile(root, name).values));
  const bySuffix = new Map<string, string>();
  for (const s of stacks) {
    const other = bySuffix.get(s.secretSuffix);
    if (other !== undefined) throw new StackFileError(`stacks ${other} and ${s.name} share the secret suffix ${s.secretSuffix}: rename one (secrets and per-stack variables are named <NAME>_${s.secretSuffix})`);
    bySuffix.set(s.secretSuffix, s.name);
  }
  return sortByTier(stacks);
}

const tierRank = (t: Tier): number => TIERS.indexOf(t);

export function sortByTier<T extends { readonly name: string; readonly tier: Tier }>(stacks: readonly T[]): T[] {
  return [...stacks].sort((a, b) => tierRank(a.tier) - tierRank(b.tier) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What the user asked for: names or globs (`--stack`), a tier (`--tier`), or everything (`--all`). */
export interface Selection {
  readonly patterns?: readonly string[];
  readonly tier?: Tier;
  readonly all?: boolean;
}

export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SelectionError";
  }
}

/** `*` any run of characters, `?` one; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}

/** Splits `--stack a,b` (repeatable) into patterns. */
export const splitPatterns = (values: readonly string[]): string[] => values.flatMap((v) => v.split(",")).map((s) => s.trim()).filter((s) => s !== "");

/**
 * The stacks a selection names, in tier order. `--stack` and `--tier`
 * together mean both (prod-* of tier prod). A name or glob that matches no
 * stack is an error naming the stacks there are: a typo never silently
 * shrinks a fleet run.
 */
export function selectStacks(fleet: readonly StackInfo[], sel: Selection): StackInfo[] {
  const patterns = sel.patterns ?? [];
  if (!sel.all && patterns.length === 0 && sel.tier === undefined) throw new SelectionError("choose stacks: --stack NAME[,NAME|GLOB…], --tier dev|staging|prod or --all");
  if (sel.all && (patterns.length > 0 || sel.tier !== undefined)) throw new SelectionError("--all selects every stack: leave out --stack and --tier");
  let chosen = [...fleet];
  if (patterns.length > 0) {
    const names = new Set<string>();
    for (const p of patterns) {
      const re = globToRegExp(p);
      const hits = fleet.filter((s) => re.test(s.name));
      if (hits.length === 0) {
        throw new SelectionError(
          `${/[*?]/.test(p) ? `no stack matches "${p}"` : `unknown stack "${p}": no Pulumi.${p}.yaml`}; stacks: ${fleet.map((s) => s.name).join(", ") || "(none)"}`,
        );
      }
      for (const h of hits) names.add(h.name);
    }
    chosen = chosen.filter((s) => names.has(s.name));
  }
  if (sel.tier !== undefined) {
    chosen = chosen.filter((s) => s.tier === sel.tier);
    if (chosen.length === 0) throw new SelectionError(`no ${patterns.length > 0 ? "selected " : ""}stack has tier ${sel.tier}`);
  }
  return sortByTier(chosen);
}

export interface Backend {
  readonly url: string;
  readonly passphrase?: string;
  readonly passphraseFile?: string;
}

/**
 * One rule for every stack (docs/many-clusters.md "Backends and passphrases"):
 * - backend: `PULUMI_BACKEND_URL_<SUFFIX>`, else `PULUMI_BACKEND_URL`, else —
 *   for a dev-tier stack only — the local file backend `.pulumi-state/`;
 * - passphrase: `PULUMI_CONFIG_PASSPHRASE_<SUFFIX>` (or `_<SUFFIX>_FILE`),
 *   else `PULUMI_CONFIG_PASSPHRASE` (or `PULUMI_CONFIG_PASSPHRASE_FILE`);
 *   required by every self-managed backend (file, s3, gs, azblob), which
 *   encrypt secrets with it.
 * The tier decides the default, never the name.
 */
export function backendFor(stack: Pick<StackInfo, "name" | "tier">, vars: Readonly<Record<string, string | undefined>>, root: string): Backend {
  const sfx = secretSuffix(stack.name);
  const set = (k: string) => (vars[k] !== undefined && vars[k] !== "" ? vars[k] : undefined);
  const url = set(`PULUMI_BACKEND_URL_${sfx}`) ?? set("PULUMI_BACKEND_URL") ?? (stack.tier === "dev" ? `file://${join(root, ".pulumi-state")}` : undefined);
  if (url === undefined) {
    throw new Error(
      `no backend for stack ${stack.name} (tier ${stack.tier}): set PULUMI_BACKEND_URL_${sfx} or PULUMI_BACKEND_URL (a shared backend: Pulumi Cloud, s3://, azblob://, gs://); only dev-tier stacks default to the local .pulumi-state/`,
    );
  }
  const passphrase = set(`PULUMI_CONFIG_PASSPHRASE_${sfx}`) ?? (set(`PULUMI_CONFIG_PASSPHRASE_${sfx}_FILE`) === undefined ? set("PULUMI_CONFIG_PASSPHRASE") : undefined);
  const passphraseFile = passphrase === undefined ? (set(`PULUMI_CONFIG_PASSPHRASE_${sfx}_FILE`) ?? set("PULUMI_CONFIG_PASSPHRASE_FILE")) : undefined;
  const needsPassphrase = /^(file|s3|gs|azblob):/.test(url);
  if (needsPassphrase && passphrase === undefined && passphraseFile === undefined) {
    throw new Error(
      `no passphrase for stack ${stack.name}: set PULUMI_CONFIG_PASSPHRASE_${sfx} or PULUMI_CONFIG_PASSPHRASE (or their _FILE forms); the ${url.split(":")[0]} backend encrypts secrets with a passphrase`,
    );
  }
  return { url, ...(passphrase !== undefined ? { passphrase } : {}), ...(passphraseFile !== undefined ? { passphraseFile } : {}) };
}

/** The stack of the fleet named `name` (client, recover: exactly one stack). */
export function findStack(fleet: readonly StackInfo[], name: string): StackInfo {
  const s = fleet.find((x) => x.name === name);
  if (s !== undefined) return s;
  throw new SelectionError(`unknown stack "${name}": no Pulumi.${name}.yaml; stacks: ${fleet.map((x) => x.name).join(", ")}`);
}
