/**
 * What every command of the project does the same way: `--help` prints the
 * usage and exits 0; an unknown or incomplete argument exits 2 with the
 * usage on stderr; a configuration or stack-file error exits 1 with its
 * message on stderr; stdout carries only the result (JSON when asked), so
 * `npm run -s plan -- --stack prod --json | jq` works.
 */
import { ConfigError } from "../config/errors";
import { StackFileError } from "../config/stackFile";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface CliOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandResult {
  readonly stdout: string;
  /** Notes for the reader (never mixed into stdout). */
  readonly notes?: readonly string[];
}

export const isHelp = (argv: readonly string[]): boolean => argv.includes("--help") || argv.includes("-h");

/** Options of the form `--name value` and `--flag` (names given without the dashes); anything else is a usage error. */
export function parseOptions<V extends string, F extends string>(
  argv: readonly string[],
  valued: readonly V[],
  flags: readonly F[],
): { values: Partial<Record<V, string>>; flags: Partial<Record<F, true>> } {
  const values: Partial<Record<V, string>> = {};
  const set: Partial<Record<F, true>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith("--") ? arg.slice(2) : "";
    const v = valued.find((x) => x === name);
    const f = flags.find((x) => x === name);
    if (v !== undefined) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value`);
      values[v] = value;
      i++;
    } else if (f !== undefined) {
      set[f] = true;
    } else {
      throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return { values, flags: set };
}

/** Runs a command's main function with the project's exit codes and streams. */
export function runCommand(usage: string, argv: readonly string[], main: (argv: readonly string[]) => CommandResult): CliOutput {
  if (isHelp(argv)) return { code: 0, stdout: `${usage}\n`, stderr: "" };
  try {
    const out = main(argv);
    return { code: 0, stdout: out.stdout, stderr: (out.notes ?? []).map((n) => `note: ${n}\n`).join("") };
  } catch (err) {
    if (err instanceof UsageError) return { code: 2, stdout: "", stderr: `${err.message}\n${usage}\n` };
    if (err instanceof ConfigError || err instanceof StackFileError) return { code: 1, stdout: "", stderr: `${err.message}\n` };
    throw err;
  }
}

/** Writes a command's output and exits with its code (the scripts' `require.main` entry). */
export function exitWith(out: CliOutput): never {
  process.stdout.write(out.stdout);
  process.stderr.write(out.stderr);
  process.exit(out.code);
}
