/**
 * kubernetes-sigs/agent-sandbox: its CRDs as explicit resources (so the
 * gateway can depend on them, and the controller's caBundle patches are
 * ignored), and the controller, RBAC and Services as a ConfigGroup of the
 * prepared manifest objects.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CA_BUNDLE_PATH, type AgentSandboxParts } from "../manifests/agentSandbox";
import type { Parts } from "./parts";

export const AGENT_SANDBOX_TYPE = "agent-platform:platform:AgentSandbox";

export interface AgentSandboxArgs {
  /** The manifest, loaded, verified and prepared (manifests/agentSandbox.ts). */
  readonly parts: AgentSandboxParts;
  /** What the objects need first: their namespace and its pull Secret. */
  readonly dependsOn: readonly pulumi.Resource[];
  /** Keep the CRDs in the cluster when Pulumi deletes them (deleting a CRD deletes every sandbox). */
  readonly retainCrds: boolean;
}

export class AgentSandbox extends pulumi.ComponentResource {
  public readonly crds: readonly k8s.apiextensions.v1.CustomResourceDefinition[];
  public readonly controller: k8s.yaml.v2.ConfigGroup;
  /** What others wait for: `crds` (the API) and `controller` (its Deployment ready, and the webhook Service). */
  public readonly parts: Parts;

  constructor(name: string, args: AgentSandboxArgs, opts?: pulumi.ComponentResourceOptions) {
    super(AGENT_SANDBOX_TYPE, name, {}, opts);
    if (args.parts.crds.length === 0) throw new Error("AgentSandbox: the manifest parts hold no CustomResourceDefinition");
    this.crds = args.parts.crds.map(
      (crd) =>
        new k8s.apiextensions.v1.CustomResourceDefinition(
          `${name}-crd-${crd.metadata.name}`,
          crd as unknown as k8s.apiextensions.v1.CustomResourceDefinitionArgs,
          // The controller writes the conversion webhook's caBundle; never undo it.
          { parent: this, ignoreChanges: [CA_BUNDLE_PATH], retainOnDelete: args.retainCrds },
        ),
    );
    this.controller = new k8s.yaml.v2.ConfigGroup(
      `${name}-controller`,
      { objs: args.parts.objects as unknown as pulumi.Input<unknown>[] },
      { parent: this, dependsOn: [...args.dependsOn, ...this.crds] },
    );
    this.parts = { crds: this.crds, controller: [this.controller] };
    this.registerOutputs({ crds: this.crds.map((c) => c.metadata.name) });
  }
}
