/**
 * `npm run -s inventory -- --stack <name> [--format list|hauler|skopeo|json]`:
 * what a stack pulls, from its stack file, with no cluster and no Pulumi CLI.
 * The stack file is read as `pulumi up` reads it; secrets are not needed (a
 * missing one is noted on stderr), but one stored in plain text is refused.
 */
import { join } from "node:path";
import { FORMATS, render, type Format } from "../inventory/formats";
import { buildInventory } from "../inventory/inventory";
import { planStackFile } from "../plan/fromStackFile";
import { UsageError, exitWith, parseOptions, runCommand, type CommandResult } from "./cli";

export const USAGE = "usage: npm run -s inventory -- --stack <name> [--format list|hauler|skopeo|json]";

export function parseArgs(argv: readonly string[]): { stack: string; format: Format } {
  const { values } = parseOptions(argv, ["stack", "format"], []);
  if (values.stack === undefined) throw new UsageError("--stack is required");
  const format = values.format ?? "list";
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}"; allowed: ${FORMATS.join(", ")}`);
  return { stack: values.stack, format: format as Format };
}

export function inventoryCommand(root: string, argv: readonly string[]): CommandResult {
  const { stack, format } = parseArgs(argv);
  const { plan, missingSecrets } = planStackFile(root, stack);
  return {
    stdout: render(buildInventory(plan), format),
    notes: missingSecrets.map((i) => `${i.path} is not set (the inventory does not need it; pulumi up refuses the stack until it is set)`),
  };
}

/** The inventory text alone (tests, bench). */
export const inventoryText = (root: string, argv: readonly string[]): string => inventoryCommand(root, argv).stdout;

if (require.main === module) exitWith(runCommand(USAGE, process.argv.slice(2), (argv) => inventoryCommand(join(__dirname, ".."), argv)));
