/**
 * kubernetes-sigs/agent-sandbox: its CRDs as explicit resources (so the
 * gateway can depend on them, and the controller's caBundle patches are
 * ignored), and the controller, RBAC and Services as a ConfigGroup of the
 * prepared manifest objects.
 *
 * With a migration (v1.0 and later), two ConfigMaps record it in the graph
 * and carry its resource hooks: `-migration` runs `prepare` before it is
 * created or updated, and the CRDs wait for it; `-migration-done` runs
 * `finish` after the CRDs and controller are applied, and the gateway waits
 * for it (docs/upgrades.md "agent-sandbox v0.5 to v1.0").
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AGENT_SANDBOX_NAMESPACE, CA_BUNDLE_PATH, type AgentSandboxParts } from "../manifests/agentSandbox";
import { COMMON_LABELS } from "../manifests/labels";
import type { Parts } from "./parts";

export const AGENT_SANDBOX_TYPE = "agent-platform:platform:AgentSandbox";

export interface AgentSandboxArgs {
  /** The manifest, loaded, verified and prepared (manifests/agentSandbox.ts). */
  readonly parts: AgentSandboxParts;
  /** What the objects need first: their namespace and its pull Secret. */
  readonly dependsOn: readonly pulumi.Resource[];
  /** Keep the CRDs in the cluster when Pulumi deletes them (deleting a CRD deletes every sandbox). */
  readonly retainCrds: boolean;
  /** The stored-version migration to run around the CRD apply (moving to v1.0). */
  readonly migration?: AgentSandboxMigrationArgs;
}

export interface AgentSandboxMigrationArgs {
  /** What the migration covers, recorded as the ConfigMaps' data (a change re-runs both hooks). */
  readonly record: Readonly<Record<string, string>>;
  /** Before the CRDs: rewrite objects at the storage version, prune storedVersions, drop the webhook. */
  readonly prepare: pulumi.ResourceHookFunction;
  /** After the CRDs and controller: delete the leftover webhook Secret. */
  readonly finish: pulumi.ResourceHookFunction;
  /**
   * Preview only: the CRDs `prepare` still has to change (empty under up). Their
   * `spec.conversion` is sent as a computed value, so the provider shows the change from
   * its inputs instead of a server-side dry run the API server would refuse until the
   * migration ran (it runs first under up, where this is empty and the inputs are exact).
   */
  readonly awaitingMigration?: () => Promise<ReadonlySet<string>>;
}

/** Names of the ConfigMaps that record the migration in agent-sandbox-system. */
export const MIGRATION_CONFIGMAPS = { prepare: "agent-platform-migration-v1", finish: "agent-platform-migration-v1-done" } as const;

/** Whether a CRD declares a conversion webhook (whose caBundle the v0.5.x controller writes). */
function hasConversionWebhook(crd: Record<string, unknown>): boolean {
  const conversion = (crd["spec"] as Record<string, unknown> | undefined)?.["conversion"] as Record<string, unknown> | undefined;
  return conversion?.["strategy"] === "Webhook";
}

/**
 * The CRD's inputs while a migration may be pending: `spec.conversion` becomes unknown when the
 * CRD awaits the migration, and stays as the manifest has it otherwise (a manifest without one
 * sends none: an Output of undefined is not serialized).
 */
function withConversionPending(crd: Record<string, unknown>, awaiting: Promise<ReadonlySet<string>>): Record<string, unknown> {
  const name = (crd["metadata"] as { name: string }).name;
  const spec = crd["spec"] as Record<string, unknown>;
  const conversion = pulumi.output(awaiting.then((set) => (set.has(name) ? (pulumi.unknown as unknown as Record<string, unknown>) : spec["conversion"])));
  return { ...crd, spec: { ...spec, conversion } };
}

export class AgentSandbox extends pulumi.ComponentResource {
  public readonly crds: readonly k8s.apiextensions.v1.CustomResourceDefinition[];
  /** The controller objects, to wait for (its `resources` output holds IDs, not resource objects: remoteOutputs.ts). */
  public readonly controller: pulumi.ComponentResource;
  /** The migration's ConfigMaps (empty without a migration): what must finish before the gateway rolls. */
  public readonly migration: readonly k8s.core.v1.ConfigMap[];
  /**
   * What others wait for: `crds` (the API), `controller` (its Deployment ready, and the webhook
   * Service) and, with a migration, `migration` (both of its ConfigMaps, i.e. every hook has run).
   */
  public readonly parts: Parts;

  constructor(name: string, args: AgentSandboxArgs, opts?: pulumi.ComponentResourceOptions) {
    super(AGENT_SANDBOX_TYPE, name, {}, opts);
    if (args.parts.crds.length === 0) throw new Error("AgentSandbox: the manifest parts hold no CustomResourceDefinition");
    const m = args.migration;
    const marker = (role: string, cmName: string, hook: pulumi.ResourceHook, dependsOn: readonly pulumi.Resource[]) =>
      new k8s.core.v1.ConfigMap(
        `${name}-${role}`,
        { metadata: { name: cmName, namespace: AGENT_SANDBOX_NAMESPACE, labels: { ...COMMON_LABELS } }, data: { ...m?.record } },
        { parent: this, dependsOn: [...dependsOn], hooks: { beforeCreate: [hook], beforeUpdate: [hook] } },
      );
    const prepared =
      m === undefined
        ? undefined
        : marker("migration", MIGRATION_CONFIGMAPS.prepare, new pulumi.ResourceHook(`${name}-migration-prepare`, m.prepare, { onDryRun: true }), args.dependsOn);
    const awaiting = m?.awaitingMigration?.();
    this.crds = args.parts.crds.map(
      (crd) =>
        new k8s.apiextensions.v1.CustomResourceDefinition(
          `${name}-crd-${crd.metadata.name}`,
          (awaiting === undefined ? crd : withConversionPending(crd as unknown as Record<string, unknown>, awaiting)) as unknown as k8s.apiextensions.v1.CustomResourceDefinitionArgs,
          // The controller writes the conversion webhook's caBundle; never undo it.
          {
            parent: this,
            ignoreChanges: hasConversionWebhook(crd) ? [CA_BUNDLE_PATH] : [],
            retainOnDelete: args.retainCrds,
            ...(prepared !== undefined ? { dependsOn: [prepared] } : {}),
          },
        ),
    );
    this.controller = new k8s.yaml.v2.ConfigGroup(
      `${name}-controller`,
      { objs: args.parts.objects as unknown as pulumi.Input<unknown>[] },
      { parent: this, dependsOn: [...args.dependsOn, ...this.crds] },
    );
    this.migration =
      m === undefined || prepared === undefined
        ? []
        : [
            prepared,
            marker("migration-done", MIGRATION_CONFIGMAPS.finish, new pulumi.ResourceHook(`${name}-migration-finish`, m.finish, { onDryRun: true }), [
              ...this.crds,
              this.controller,
            ]),
          ];
    this.parts = { crds: this.crds, controller: [this.controller], ...(this.migration.length > 0 ? { migration: this.migration } : {}) };
    this.registerOutputs({ crds: this.crds.map((c) => c.metadata.name) });
  }
}
