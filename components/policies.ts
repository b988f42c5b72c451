/**
 * Per-environment policies on the namespaces the graph owns: NetworkPolicies
 * (default-deny, then named allows), the sandbox namespace's ResourceQuota
 * and LimitRange, and the OpenShell L7 egress allow-list as a ConfigMap.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../plan/plan";
import { EGRESS_CONFIGMAP, EGRESS_KEY, egressPolicyYaml } from "../security/egress";
import { networkPolicies } from "../security/networkPolicies";
import { sandboxLimitRange, sandboxQuota } from "../security/quota";
import { COMMON_LABELS } from "../values/labels";

export const POLICIES_TYPE = "agent-platform:platform:Policies";

export interface PoliciesArgs {
  readonly plan: Plan;
  /** What each namespace's objects wait for (the namespace itself). */
  readonly readyIn: (namespace: string) => pulumi.Resource[];
}

export class Policies extends pulumi.ComponentResource {
  /** Everything sandboxes need in place before the gateway starts creating them. */
  public readonly ready: readonly pulumi.Resource[];

  constructor(name: string, args: PoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(POLICIES_TYPE, name, {}, opts);
    const { plan } = args;
    const ready: pulumi.Resource[] = networkPolicies(plan).map(
      (np) =>
        new k8s.networking.v1.NetworkPolicy(`${name}-${np.metadata.namespace}-${np.metadata.name}`, np, {
          parent: this,
          dependsOn: args.readyIn(np.metadata.namespace),
        }),
    );
    const sandboxDeps = args.readyIn(plan.namespaces.sandbox);
    ready.push(
      new k8s.core.v1.ResourceQuota(`${name}-sandbox-quota`, sandboxQuota(plan), { parent: this, dependsOn: sandboxDeps }),
      new k8s.core.v1.LimitRange(`${name}-sandbox-limits`, sandboxLimitRange(plan), { parent: this, dependsOn: sandboxDeps }),
      new k8s.core.v1.ConfigMap(
        `${name}-egress`,
        {
          metadata: { name: EGRESS_CONFIGMAP, namespace: plan.namespaces.gateway, labels: { ...COMMON_LABELS } },
          data: { [EGRESS_KEY]: egressPolicyYaml(plan) },
        },
        { parent: this, dependsOn: args.readyIn(plan.namespaces.gateway) },
      ),
    );
    this.ready = ready;
    this.registerOutputs({});
  }
}
