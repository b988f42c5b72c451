/**
 * What the automation asks of the Pulumi engine, per stack: the interface
 * orchestrate.ts, verify.ts, client.ts and recover.ts drive, which
 * automation/workspace.ts implements with the Automation API and tests
 * implement with fakes. Types only; a low module (no import cycle).
 */
import type { Changes, StackResult } from "./fleet";
import type { LockInfo } from "./pending";
import type { Backend, StackInfo } from "./stacks";

export type { Changes };

export interface StackOperations {
  preview(opts: { expectNoChanges: boolean }): Promise<Changes>;
  up(): Promise<Changes>;
  destroy(): Promise<Changes>;
  refresh(opts: { expectNoChanges: boolean }): Promise<Changes>;
  /** The stack outputs, secret ones decrypted (on this machine only). */
  outputs(): Promise<Readonly<Record<string, unknown>>>;
  /** The secret kubeconfig setting, when the stack has one. */
  kubeconfig(): Promise<string | undefined>;
  /** The locks held on the stack (self-managed backends: the lock files). */
  locks(): Promise<readonly LockInfo[]>;
  /** `pulumi stack export`: the engine's checkpoint, pending operations included. */
  exportState(): Promise<unknown>;
  /** `pulumi cancel`: removes the stack's lock. */
  cancel(): Promise<void>;
  /** `pulumi stack import`: replaces the stack's checkpoint (recover's edit). */
  importState(state: unknown): Promise<void>;
}

/** Where a stack's engine output goes. */
export interface StackIO {
  onOutput(data: string): void;
}

export interface Workspace {
  /** The Pulumi CLI version, or undefined when no CLI is on PATH. */
  cliVersion(): Promise<string | undefined>;
  /** Selects (creating if needed) the stack, with its backend and passphrase. */
  stack(name: string, backend: Backend, io?: StackIO): Promise<StackOperations>;
}

export interface RunOutput {
  readonly code: number;
  readonly results: readonly StackResult[];
  readonly text: string;
  /** Where `text` goes: results to stdout (JSON with --json), usage and setup errors to stderr. */
  readonly stream: "stdout" | "stderr";
  /** Notes for stderr (a deprecated flag), never mixed into stdout. */
  readonly notes?: readonly string[];
}

/** Where one stack's engine output goes. */
export interface StackLog {
  /** The file, relative to the project (undefined: not kept). */
  readonly path?: string;
  write(data: string): void;
  close(): Promise<void>;
}

export interface FleetDeps {
  /** The stacks beside the project (automation/stacks.ts discoverStacks). */
  stacks(root: string): StackInfo[];
  /** One log per stack for a run of `command`. */
  logs(command: string): { open(stack: string): StackLog };
  /** Milliseconds, for durations. */
  clock(): number;
}
