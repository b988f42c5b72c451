/**
 * The platform commands' arguments: `--name value` (repeatable where
 * allowed) and `--flag`; the selection every command shares (`--stack`,
 * `--tier`, `--all`); `--env`, the old name of `--stack`, accepted with a
 * note (`--env all` is `--all`). A low module, pure.
 */
import { TIERS, splitPatterns, type Selection, type Tier } from "./stacks";

export class ArgError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArgError";
  }
}

export interface Parsed {
  readonly values: Readonly<Record<string, readonly string[]>>;
  readonly flags: ReadonlySet<string>;
  readonly notes: readonly string[];
}

export const ENV_NOTE = "note: --env is deprecated and will be removed in the next release; use --stack (--env all: --all)";

export function parseArgv(argv: readonly string[], valued: readonly string[], flags: readonly string[]): Parsed {
  const values: Record<string, string[]> = {};
  const set = new Set<string>();
  const notes: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    if (a === "--env" && valued.includes("stack")) {
      if (!notes.includes(ENV_NOTE)) notes.push(ENV_NOTE);
      const v = argv[i + 1];
      if (v === "all" && flags.includes("all")) {
        set.add("all");
        i++;
        continue;
      }
      a = "--stack";
    }
    const name = a.startsWith("--") ? a.slice(2) : "";
    if (valued.includes(name)) {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) throw new ArgError(`${argv[i]} needs a value`);
      (values[name] ??= []).push(v);
      i++;
    } else if (flags.includes(name)) set.add(name);
    else throw new ArgError(`unknown argument "${a}"`);
  }
  return { values, flags: set, notes };
}

/** The selection of a fleet command. */
export function selectionOf(p: Parsed): Selection {
  const tiers = p.values["tier"] ?? [];
  if (tiers.length > 1) throw new ArgError("--tier takes one tier");
  const tier = tiers[0];
  if (tier !== undefined && !(TIERS as readonly string[]).includes(tier)) throw new ArgError(`unknown tier "${tier}"; allowed: ${TIERS.join(", ")}`);
  return { patterns: splitPatterns(p.values["stack"] ?? []), ...(tier !== undefined ? { tier: tier as Tier } : {}), ...(p.flags.has("all") ? { all: true } : {}) };
}

/** Exactly one stack by name (client, recover). */
export function oneStack(p: Parsed): string {
  const names = splitPatterns(p.values["stack"] ?? []);
  if (names.length === 0) throw new ArgError("--stack is required");
  if (names.length > 1 || /[*?]/.test(names[0]!)) throw new ArgError("--stack takes one stack name here");
  return names[0]!;
}

export function parallelOf(p: Parsed): number {
  const raw = p.values["parallel"]?.at(-1);
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ArgError(`--parallel must be a whole number from 1 to 64, got "${raw}"`);
  return n;
}
