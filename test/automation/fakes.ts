/**
 * Fakes for the platform commands: a stack whose engine operations are data, a Workspace over
 * such stacks, and PlatformDeps whose logs stay in memory and whose clock is the test's.
 */
import type { PlatformDeps, StackLog } from "../../automation/deps";
import type { Changes, StackOperations, Workspace } from "../../automation/engine";
import type { LockInfo } from "../../automation/pending";
import { discoverStacks, type Backend } from "../../automation/stacks";

/** A stack with nothing to report; override what a test needs. */
export function fakeStack(over: Partial<StackOperations> = {}): StackOperations {
  return {
    preview: async () => ({ same: 1 }),
    refresh: async () => ({ same: 1 }),
    up: async () => ({ same: 1 }),
    destroy: async () => ({ delete: 1 }),
    outputs: async () => ({}),
    kubeconfig: async () => undefined,
    locks: async () => [] as LockInfo[],
    exportState: async () => ({ version: 3, deployment: { resources: [] } }),
    cancel: async () => undefined,
    importState: async () => undefined,
    ...over,
  };
}

/** `cli: null`: no Pulumi CLI on PATH. */
export function fakeWorkspace(stack: (name: string, backend: Backend) => StackOperations | Promise<StackOperations>, cli: string | null = "v3.270.0"): Workspace {
  return { cliVersion: async () => cli ?? undefined, stack: async (name, backend) => stack(name, backend) };
}

/** The logs of a run, in memory: stack → what its engine wrote. */
export type MemoryLogs = Map<string, string>;

export function fakeFleetDeps(opts: { clock?: () => number; logs?: MemoryLogs } = {}): PlatformDeps["fleet"] {
  const logs = opts.logs ?? new Map<string, string>();
  return {
    stacks: (root) => discoverStacks(root),
    logs: (command) => ({
      open: (stack): StackLog => ({
        path: `.platform-logs/test-${command}/${stack}.log`,
        write: (d) => logs.set(stack, (logs.get(stack) ?? "") + d),
        close: async () => undefined,
      }),
    }),
    clock: opts.clock ?? (() => 0),
  };
}

export function fakeDeps(over: Partial<PlatformDeps> = {}): PlatformDeps {
  const unused = () => {
    throw new Error("not used by this test");
  };
  return {
    verify: { plan: unused, agentSandboxCrds: unused, connect: unused, now: () => new Date("2026-12-04T12:00:00Z") },
    client: { plan: unused },
    recover: {
      here: () => ({ hostname: "runner-1", now: new Date("2026-12-04T12:00:00Z"), alive: () => true }),
      cluster: async () => async () => ({ exists: false }),
    },
    fleet: fakeFleetDeps(),
    ...over,
  };
}

export const noChanges: Changes = { same: 40 };
