/**
 * A stack's configuration read straight from `Pulumi.<stack>.yaml`, the way
 * the Pulumi CLI reads it, without the CLI or a passphrase (`npm run plan`,
 * `npm run inventory`). The result is the same string map the CLI hands the
 * program (PULUMI_CONFIG), so the program's own decoder (config/load.ts)
 * turns both into settings and what one accepts the other accepts.
 *
 * What the CLI does, and this reproduces (pulumi/pulumi
 * sdk/go/common/workspace/loaders.go, resource/config/value.go):
 * - the file is YAML read with go-yaml v3; a bare key (`tier:`) is put in
 *   the project's namespace; other namespaces pass through untouched;
 * - a scalar reaches the program as the JSON text of its decoded value:
 *   `1.34` → "1.34", `1.30` → "1.3", `true` → "true", `0777` → "511"; null → "";
 * - an object reaches it as JSON, numbers decoded the same way;
 * - `secure:` values are ciphertext: the key is marked secret. They cannot
 *   be decrypted here, so only their presence is known;
 * - keys the stack does not set take the project file's defaults.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, isSeq, parse, parseDocument, visit, type Document } from "yaml";
import { editDistance } from "./errors";
import { settingsFromConfig, type ConfigSource, type StackSettings } from "./load";
import type { SecretPresenceMap } from "./secrets";

export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** What the project file declares: its name and each key's default. */
export interface ProjectFile {
  readonly name: string;
  readonly defaults: Readonly<Record<string, unknown>>;
}

export function readProjectFile(root: string): ProjectFile {
  const doc = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as { name: string; config?: Record<string, { default?: unknown }> };
  const defaults: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(doc.config ?? {})) if (decl.default !== undefined) defaults[key] = decl.default;
  return { name: doc.name, defaults };
}

/** Marks a value that stood under `secure:` (ciphertext; never decrypted here). */
const ENCRYPTED = "[encrypted]";

/** The example stack files beside the project, by stack name. */
export function exampleStacks(root: string): string[] {
  return readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The example whose name the stack's contains (prod-eu → prod), else the closest by spelling. */
export function nearestExample(stack: string, examples: readonly string[]): string | undefined {
  const contained = examples.filter((e) => stack.includes(e)).sort((a, b) => b.length - a.length)[0];
  if (contained !== undefined) return contained;
  return [...examples].sort((a, b) => editDistance(stack, a) - editDistance(stack, b) || (a < b ? -1 : 1))[0];
}

function missingFile(root: string, stack: string): StackFileError {
  const examples = exampleStacks(root);
  const nearest = nearestExample(stack, examples);
  const copy = nearest !== undefined ? `copy the nearest example and edit it (cp Pulumi.${nearest}.yaml Pulumi.${stack}.yaml), or ` : "";
  return new StackFileError(
    `no stack file Pulumi.${stack}.yaml: ${copy}create it with \`pulumi stack init ${stack}\` and \`pulumi config set\`` +
      (examples.length > 0 ? ` (example stacks: ${examples.join(", ")})` : ""),
  );
}

/** go-yaml v3 still reads a leading-zero integer as octal (YAML 1.1); the yaml package reads it as decimal. */
function octalLikeGoYaml(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      if (node.type === "PLAIN" && typeof node.source === "string" && /^[-+]?0[0-7]+$/.test(node.source)) node.value = parseInt(node.source, 8);
    },
  });
}

/** A decoded YAML value as the CLI forwards it: JSON text, `secure:` values replaced by a marker. */
function encode(value: unknown, onSecure: () => void): unknown {
  if (Array.isArray(value)) return value.map((v) => encode(v, onSecure));
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === "secure" && typeof entries[0]![1] === "string") {
      onSecure();
      return ENCRYPTED;
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, encode(v, onSecure)]));
  }
  return value;
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** What kind of YAML node stands at the top of the file, for messages. */
function shape(doc: Document): string {
  const c = doc.contents;
  if (c === null) return "an empty file";
  if (isSeq(c)) return "a list";
  if (isScalar(c)) return `the scalar ${JSON.stringify(c.toJSON())}`;
  return "something else";
}

/**
 * Parses a stack file's text into the configuration the CLI would hand the
 * program. Structural mistakes (YAML syntax, not a mapping, no `config:`)
 * throw `StackFileError` naming the file and, for syntax, the line.
 */
export function stackFileConfig(project: ProjectFile, fileName: string, text: string): ConfigSource {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : "";
    throw new StackFileError(`${fileName}${pos !== undefined ? `:${pos.line}:${pos.col}` : ""}: ${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}${more}`);
  }
  if (!isMap(doc.contents)) {
    throw new StackFileError(`${fileName}: expected a mapping with a config: section, got ${shape(doc)}`);
  }
  octalLikeGoYaml(doc);
  const top = doc.toJS() as Record<string, unknown>;
  if (top["config"] === undefined || top["config"] === null) {
    const strays = Object.keys(top).filter((k) => k.includes(":") || k === "tier" || k === "kubernetesVersion");
    throw new StackFileError(
      `${fileName} has no config: section` +
        (strays.length > 0 ? `; ${strays.join(", ")} ${strays.length > 1 ? "stand" : "stands"} at the top level: indent ${strays.length > 1 ? "them" : "it"} under config:` : `; every stack sets at least ${project.name}:tier and ${project.name}:kubernetesVersion under config:`),
    );
  }
  const config = top["config"];
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new StackFileError(`${fileName}: config: must be a mapping of keys to values, got ${Array.isArray(config) ? "a list" : JSON.stringify(config)}`);
  }

  const values: Record<string, string> = {};
  const secret = new Set<string>();
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    const parts = key.split(":");
    if (parts.length > 3 || (parts.length === 3 && parts[1] !== "config")) {
      throw new StackFileError(`${fileName}: could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`);
    }
    const full = parts.length === 1 ? `${project.name}:${key}` : `${parts[0]}:${parts[parts.length - 1]}`;
    let isSecret = false;
    const encoded = encode(value, () => (isSecret = true));
    values[full] = typeof encoded === "object" && encoded !== null ? JSON.stringify(encoded) : scalarText(encoded);
    if (isSecret) secret.add(full);
  }
  for (const [key, value] of Object.entries(project.defaults)) {
    const full = `${project.name}:${key}`;
    if (values[full] === undefined) values[full] = typeof value === "object" && value !== null ? JSON.stringify(value) : scalarText(value);
  }
  return { values, isSecret: (k) => secret.has(k) };
}

/** Reads `Pulumi.<stack>.yaml` under `root` into the configuration the CLI would hand the program. */
export function readStackFile(root: string, stack: string): ConfigSource {
  const fileName = `Pulumi.${stack}.yaml`;
  const file = join(root, fileName);
  if (!existsSync(file)) throw missingFile(root, stack);
  return stackFileConfig(readProjectFile(root), fileName, readFileSync(file, "utf8"));
}

/** A stack file's settings, decoded exactly as the program decodes what the CLI hands it. */
export function readStackFileSettings(root: string, stack: string): StackSettings & { readonly secrets: SecretPresenceMap } {
  return settingsFromConfig(readProjectFile(root).name, stack, readStackFile(root, stack));
}
