/**
 * A stack's settings straight from Pulumi.<stack>.yaml, without the Pulumi
 * CLI or a passphrase. Secrets are not read at all: what a stack pulls does
 * not depend on them, so their checks are left to `pulumi preview`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { StackSettings } from "../config/load";
import { SECRET_KEYS } from "../config/secrets";

export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

export function readStackFile(root: string, stack: string): StackSettings {
  const project = (parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  const file = join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new StackFileError(`no stack file ${file} (stacks: create one with pulumi stack init ${stack})`);
  const config = ((parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(config)) {
    if (!fullKey.startsWith(`${project}:`)) continue;
    const key = fullKey.slice(project.length + 1);
    if (!(key in SECRET_KEYS)) values[key] = value;
  }
  return { stack, values, secrets: undefined };
}
