/**
 * One error for a whole bad configuration: every bad key path with what is
 * allowed, sorted, so a stack owner fixes everything in one round.
 */
import type { z } from "zod";

export interface ConfigIssue {
  /** Key path as `pulumi config set --path` spells it: `registry.registries["ghcr.io"]`. */
  readonly path: string;
  readonly message: string;
  /** Set when the issue is a secret setting the stack has not provided yet. */
  readonly missingSecret?: string;
}

export class ConfigError extends Error {
  constructor(
    /** The stack's name (not `stack`: that is Error's stack trace). */
    readonly stackName: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(formatIssues(stackName, issues));
    this.name = "ConfigError";
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Joins path segments the way `pulumi config set --path` reads them. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (IDENT.test(String(s))) out += out.length === 0 ? String(s) : `.${String(s)}`;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out;
}

export function formatIssues(stack: string, issues: readonly ConfigIssue[]): string {
  const sorted = [...issues].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.message < b.message ? -1 : 1));
  const lines = sorted.map((i) => `  - ${i.path}: ${i.message}`);
  const noun = issues.length === 1 ? "error" : "errors";
  return [
    `stack "${stack}" has ${issues.length} configuration ${noun}:`,
    ...lines,
    `Fix them with \`pulumi config set --path <key> <value>\` (secrets with --secret); docs/configuration.md lists every key.`,
  ].join("\n");
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `"${v}"`;
  return `${typeof v} ${String(v)}`;
}

/** Turns zod issues (parsed with `reportInput: true`) into config issues under `prefix`. */
export function fromZodIssues(prefix: readonly PropertyKey[], issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const iss of issues) {
    const path = [...prefix, ...iss.path];
    switch (iss.code) {
      case "unrecognized_keys":
        for (const key of iss.keys) out.push({ path: formatPath([...path, key]), message: `unknown key; ${iss.message}` });
        break;
      case "invalid_type":
        out.push({
          path: formatPath(path),
          message: iss.input === undefined ? `required (${iss.expected})` : `expected ${iss.expected}, got ${describe(iss.input)}`,
        });
        break;
      case "invalid_value":
        out.push({
          path: formatPath(path),
          message: `got ${describe(iss.input)}; allowed: ${iss.values.map((v) => String(v)).join(", ")}`,
        });
        break;
      case "too_small":
        out.push({
          path: formatPath(path),
          message:
            iss.origin === "string" ? "must not be empty" : iss.origin === "array" ? `needs at least ${String(iss.minimum)} entries` : `must be at least ${String(iss.minimum)}, got ${describe(iss.input)}`,
        });
        break;
      case "too_big":
        out.push({
          path: formatPath(path),
          message: iss.origin === "string" ? `must be at most ${String(iss.maximum)} characters` : `must be at most ${String(iss.maximum)}, got ${describe(iss.input)}`,
        });
        break;
      case "invalid_format":
        out.push({ path: formatPath(path), message: `${iss.message}, got ${describe(iss.input)}` });
        break;
      case "invalid_union":
        // One message for the alternatives (e.g. an IPv4 or an IPv6 CIDR), with what was given.
        out.push({ path: formatPath(path), message: `${iss.message}, got ${describe(iss.input)}` });
        break;
      case "invalid_key":
        out.push({
          path: formatPath(path),
          message: `key ${describe(iss.input)} ${iss.issues.map((i) => i.message).join("; ")}`,
        });
        break;
      default:
        out.push({ path: formatPath(path), message: iss.message });
    }
  }
  return out;
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
