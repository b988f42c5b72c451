/**
 * `npm run inventory -- --stack <name> [--format list|hauler|skopeo|json]`:
 * what a stack pulls, from its stack file, with no cluster and no Pulumi CLI.
 */
import { join } from "node:path";
import { ConfigError } from "../config/errors";
import { resolveConfig } from "../config/load";
import { NO_SECRETS } from "../config/secrets";
import { FORMATS, render, type Format } from "../inventory/formats";
import { buildInventory } from "../inventory/inventory";
import { StackFileError, readStackFile } from "../inventory/stackFile";
import { buildPlan } from "../plan/plan";

export const USAGE = "usage: npm run inventory -- --stack <name> [--format list|hauler|skopeo|json]";

export function parseArgs(argv: readonly string[]): { stack: string; format: Format } {
  let stack: string | undefined;
  let format: Format = "list";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    if (arg === "--stack" || arg === "--format") {
      if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value\n${USAGE}`);
      if (arg === "--stack") stack = value;
      else if ((FORMATS as readonly string[]).includes(value)) format = value as Format;
      else throw new Error(`unknown format "${value}"; allowed: ${FORMATS.join(", ")}\n${USAGE}`);
      i++;
    } else {
      throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  if (stack === undefined) throw new Error(`--stack is required\n${USAGE}`);
  return { stack, format };
}

export function inventoryText(root: string, argv: readonly string[]): string {
  const { stack, format } = parseArgs(argv);
  const settings = readStackFile(root, stack);
  return render(buildInventory(buildPlan(stack, resolveConfig(settings), NO_SECRETS)), format);
}

if (require.main === module) {
  try {
    process.stdout.write(inventoryText(join(__dirname, ".."), process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError || err instanceof StackFileError || err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}
