/** The real dependencies of the platform commands: the stack files, the plans, the cluster, the logs, the clock. */
import { mkdirSync, openSync, closeSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import { agentSandboxParts } from "../manifests/fromPlan";
import { planStackFile } from "../plan/fromStackFile";
import { kubeconfigSource } from "../lib/kubeRest";
import { connectCluster, type Cluster } from "../verify/cluster";
import type { Lookup, ObjectRef } from "./pending";
import { crdsOf } from "../verify/expectations";
import type { ClientDeps } from "./client";
import type { RecoverDeps } from "./recover";
import type { FleetDeps, StackLog } from "./engine";
import { discoverStacks } from "./stacks";

export type { StackLog };
import type { VerifyDeps } from "./verify";

export interface PlatformDeps {
  readonly verify: VerifyDeps;
  readonly client: ClientDeps;
  readonly recover: RecoverDeps;
  readonly fleet: FleetDeps;
}

/** `.platform-logs/<time>-<command>/<stack>.log` under the project (git-ignored). */
export function fileLogs(root: string, command: string, now: Date = new Date()): { open(stack: string): StackLog } {
  const dir = join(root, ".platform-logs", `${now.toISOString().replace(/[:.]/g, "-")}-${command}`);
  return {
    open(stack) {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${stack}.log`);
      const fd = openSync(file, "a", 0o600);
      let open = true;
      return {
        path: relative(root, file),
        write: (d) => {
          if (open) writeSync(fd, d);
        },
        close: async () => {
          if (open) closeSync(fd);
          open = false;
        },
      };
    },
  };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** recover's lookup over a cluster: absent, or present with the namespace it lives in (a namespaced object without one lands in "default"). */
export function clusterLookup(cluster: Pick<Cluster, "get">): (ref: ObjectRef) => Promise<Lookup> {
  return async (ref) => {
    const o = await cluster.get(ref);
    if (o === null) return { exists: false };
    const ns = (o["metadata"] as { namespace?: string } | undefined)?.namespace;
    return { exists: true, ...(ns !== undefined ? { namespace: ns } : {}) };
  };
}

export function localDeps(root: string): PlatformDeps {
  const plan = (stack: string) => planStackFile(root, stack).plan;
  return {
    verify: {
      plan,
      agentSandboxCrds: async (p) => crdsOf((await agentSandboxParts(p)).crds),
      connect: connectCluster,
      now: () => new Date(),
    },
    client: { plan },
    recover: {
      here: () => ({ hostname: hostname(), now: new Date(), alive }),
      cluster: async (stack, kubeconfig) => {
        const p = plan(stack.name);
        const contents = p.provider.kubeconfigFromSecret ? await kubeconfig() : undefined;
        return clusterLookup(connectCluster(kubeconfigSource(p.provider, contents), 30_000));
      },
    },
    fleet: { stacks: (r) => discoverStacks(r), logs: (command) => fileLogs(root, command), clock: () => performance.now() },
  };
}
