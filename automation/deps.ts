/** The real dependencies of `verify` and `client`: the stack file's plan, the agent-sandbox asset, the cluster, the clock. */
import { agentSandboxParts } from "../manifests/fromPlan";
import { planStackFile } from "../plan/fromStackFile";
import { connectCluster } from "../verify/cluster";
import { crdsOf } from "../verify/expectations";
import type { ClientDeps } from "./client";
import type { VerifyDeps } from "./verify";

export interface PlatformDeps {
  readonly verify: VerifyDeps;
  readonly client: ClientDeps;
}

export function localDeps(root: string): PlatformDeps {
  const plan = (env: string) => planStackFile(root, env).plan;
  return {
    verify: {
      plan,
      agentSandboxCrds: async (p) => crdsOf((await agentSandboxParts(p)).crds),
      connect: connectCluster,
      now: () => new Date(),
    },
    client: { plan },
  };
}
