/**
 * Per-environment policies on the namespaces the graph owns: NetworkPolicies
 * (default-deny, then named allows), the sandbox namespace's ResourceQuota
 * and LimitRange, and the OpenShell L7 egress allow-list as a ConfigMap.
 * Every object is built by the pure modules in security/; this component
 * only registers them, each after its namespace.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Parts } from "./parts";

export const POLICIES_TYPE = "agent-platform:platform:Policies";

/** A namespaced Kubernetes object as the builders make it. */
export interface NamespacedObject {
  readonly metadata: { readonly name: string; readonly namespace: string };
}

export interface PoliciesArgs {
  readonly networkPolicies: readonly (NamespacedObject & k8s.networking.v1.NetworkPolicyArgs)[];
  readonly quota: NamespacedObject & k8s.core.v1.ResourceQuotaArgs;
  readonly limitRange: NamespacedObject & k8s.core.v1.LimitRangeArgs;
  /** The L7 egress allow-list ConfigMap (security/egress.ts). */
  readonly egressPolicy: NamespacedObject & k8s.core.v1.ConfigMapArgs;
  /** What objects in each namespace wait for: the namespace (and its pull Secret). */
  readonly dependsOnByNamespace: Readonly<Record<string, readonly pulumi.Resource[]>>;
}

export class Policies extends pulumi.ComponentResource {
  /** Everything sandboxes need in place before the gateway starts creating them. */
  public readonly dependencies: readonly pulumi.Resource[];
  /** What others wait for: `objects`, every policy object. */
  public readonly parts: Parts;

  constructor(name: string, args: PoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(POLICIES_TYPE, name, {}, opts);
    const after = (o: NamespacedObject) => {
      const deps = args.dependsOnByNamespace[o.metadata.namespace];
      if (deps === undefined) throw new Error(`Policies: ${o.metadata.name} is in namespace ${o.metadata.namespace}, which the graph does not own`);
      return { parent: this, dependsOn: [...deps] };
    };
    this.dependencies = [
      ...args.networkPolicies.map((np) => new k8s.networking.v1.NetworkPolicy(`${name}-${np.metadata.namespace}-${np.metadata.name}`, np, after(np))),
      new k8s.core.v1.ResourceQuota(`${name}-sandbox-quota`, args.quota, after(args.quota)),
      new k8s.core.v1.LimitRange(`${name}-sandbox-limits`, args.limitRange, after(args.limitRange)),
      new k8s.core.v1.ConfigMap(`${name}-egress`, args.egressPolicy, after(args.egressPolicy)),
    ];
    this.parts = { objects: this.dependencies };
    this.registerOutputs({});
  }
}
