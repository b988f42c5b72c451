/**
 * The stacks the automation runs and how it reaches them: the environment
 * list, the backend rule, and the Workspace/stack operations interface with
 * the result shapes. The lowest file of automation/: orchestrate.ts, client.ts
 * and verify.ts all read it, and it imports none of them.
 */
import { join } from "node:path";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const COMMANDS = ["preview", "up", "destroy", "refresh"] as const;
export type Command = (typeof COMMANDS)[number];

/** Resource operation counts (Pulumi's change summary: create, update, delete, same, …). */
export type Changes = Readonly<Record<string, number>>;

export interface StackOperations {
  preview(opts: { expectNoChanges: boolean }): Promise<Changes>;
  up(): Promise<Changes>;
  destroy(): Promise<Changes>;
  refresh(opts: { expectNoChanges: boolean }): Promise<Changes>;
  /** The stack outputs, secret ones decrypted (on this machine only). */
  outputs(): Promise<Readonly<Record<string, unknown>>>;
  /** The secret kubeconfig setting, when the stack has one. */
  kubeconfig(): Promise<string | undefined>;
}

export interface Workspace {
  /** The Pulumi CLI version, or undefined when no CLI is on PATH. */
  cliVersion(): Promise<string | undefined>;
  /** Selects (creating if needed) the stack named like the environment, with backend and passphrase. */
  stack(env: Environment, backend: { url: string; passphrase?: string }): Promise<StackOperations>;
}

export interface Result {
  readonly env: Environment;
  readonly command: Command;
  readonly ok: boolean;
  readonly changes?: Changes;
  /** Changes found where none were expected (drift). */
  readonly drift?: boolean;
  readonly error?: string;
  /** up --verify: verify's exit code and report (or why it could not run). */
  readonly verify?: { readonly code: number; readonly text: string; readonly findings?: readonly unknown[] };
}

/**
 * Backend and passphrase: `PULUMI_BACKEND_URL` and `PULUMI_CONFIG_PASSPHRASE`
 * (or `_FILE`) from the environment. Without a backend, dev uses a local
 * file backend inside the repository (.pulumi-state/, git-ignored); staging
 * and prod refuse to guess.
 */
export function backendFor(env: Environment, vars: Readonly<Record<string, string | undefined>>, root: string): { url: string; passphrase?: string } {
  const url = vars["PULUMI_BACKEND_URL"] ?? (env === "dev" ? `file://${join(root, ".pulumi-state")}` : undefined);
  if (url === undefined) {
    throw new Error(`PULUMI_BACKEND_URL is required for ${env} (a shared backend: Pulumi Cloud, s3://, azblob://, gs://); only dev defaults to the local .pulumi-state/`);
  }
  const passphrase = vars["PULUMI_CONFIG_PASSPHRASE"];
  const needsPassphrase = url.startsWith("file://") || url.startsWith("s3://") || url.startsWith("gs://") || url.startsWith("azblob://");
  if (needsPassphrase && passphrase === undefined && vars["PULUMI_CONFIG_PASSPHRASE_FILE"] === undefined) {
    throw new Error(`PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) is required: the ${url.split(":")[0]} backend encrypts secrets with a passphrase`);
  }
  return { url, ...(passphrase !== undefined ? { passphrase } : {}) };
}

export interface RunOutput {
  readonly code: number;
  readonly results: readonly Result[];
  readonly text: string;
  /** Where `text` goes: results to stdout (JSON with --json), usage and setup errors to stderr. */
  readonly stream: "stdout" | "stderr";
}
