/**
 * Upgrade notes per pinned upstream: what moving from the pin to the next
 * supported version replaces, restarts or recreates, and what to do first.
 * `npm run plan` prints them when `catalog.versions` moves a release off its
 * pin; docs/upgrades.md "Upgrading one component" runbook is generated from them.
 *
 * Facts from the upstream repositories and issue threads at the pins
 * (late August 2026); newer releases are known from threads only.
 */
import { migratesTo } from "../migration/agentSandbox";
import { RELEASES, type ReleaseId } from "./artifacts";

export interface UpgradeNote {
  /** The next version(s) the note is about. */
  readonly next: string;
  /** What the upgrade replaces, restarts or recreates, and the steps. */
  readonly notes: readonly string[];
}

export const UPGRADE_NOTES: Readonly<Record<ReleaseId, UpgradeNote>> = {
  agentSandbox: {
    next: "v1.0.x patches",
    notes: [
      "The CRDs change additively; the controller Deployment rolls; Sandboxes keep running.",
      "The gateway rolls once (its pod annotation agent-platform/agent-sandbox-version carries the version): OpenShell's driver discovers the Sandbox API only at start.",
    ],
  },
  openshell: {
    next: "0.0.112 and later 0.0.x",
    notes: [
      "The chart version is the gateway and supervisor image tag: the gateway pods roll (with 1 replica and SQLite, the gateway is briefly down; with Postgres and 2+ replicas, clients reconnect).",
      "Running sandboxes keep running with the supervisor they were created with; a new gateway may withhold features from old supervisors (OpenShell #2949): recreate sandboxes after the upgrade, after backing up their work.",
      "After 0.0.111 the chart adds agentSandbox.preflight.enabled (#2867), which fails the render when the agent-sandbox API is not served; the graph installs the CRDs first.",
      "The PKI, JWT and KEK Secrets are the graph's and are untouched; workload.kind stays as the database decides (a StatefulSet→Deployment switch replaces the workload and leaves the SQLite PVC unmounted).",
      "Announced for 0.1.0 (open PR #3341): image values move to gateway.image/supervisor.image/sandbox.image; the supported range stops below 0.1.0 until the values follow.",
    ],
  },
  gpuOperator: {
    next: "the next v26.x release",
    notes: [
      "The chart's CRDs (crds/, plus node-feature-discovery's) are applied by Pulumi with the chart (helm.v4.Chart includes them); the pre-upgrade CRD hook does not run, and computedomains/computedomaincliques are not upgraded by it anyway.",
      "A new driver version rolls node by node through the operator's upgrade controller (driver.upgradePolicy: autoUpgrade, maxParallelUpgrades 1): GPU pods on each node are deleted while its driver reloads, including GPU sandboxes.",
      "Other operands (device plugin, toolkit, DCGM exporter) roll with maxUnavailable 1.",
      "Mirror the new component images first (npm run inventory) when air-gapped.",
    ],
  },
  cloudnativePg: {
    next: "the chart of the next operator release",
    notes: [
      "The chart ships its CRDs as templates with helm.sh/resource-policy: keep: they are updated with the chart and kept on delete.",
      "The operator Deployment rolls; its webhook is briefly unavailable (the Cluster waits for the chart).",
      "Keep cloudnativePgOperator paired with the chart (the known pairs follow automatically).",
    ],
  },
  cloudnativePgOperator: {
    next: "1.30.x, then 1.31",
    notes: [
      "A new operator image restarts every Postgres instance (ENABLE_INSTANCE_MANAGER_INPLACE_UPDATES is false by default): replicas one by one, then a switchover or a restart of the primary; clients reconnect.",
      "1.31 removes the in-tree barmanObjectStore backups: move database.backup to the barman-cloud plugin (which needs cert-manager) before upgrading to 1.31.",
      "The operator image also runs in every Postgres pod (bootstrap-controller): mirror it first when air-gapped.",
    ],
  },
  csiDriverNfs: {
    next: "4.13.x",
    notes: [
      "The controller Deployment and node DaemonSet roll (image bumps); mounted volumes stay mounted; the CSIDriver object does not change within 4.13.",
    ],
  },
  cephCsi: {
    next: "3.14 and later",
    notes: [
      "3.14 moves the CephFS Secret to userID/userKey (ceph-csi #4988); the graph's Secret carries both forms.",
      "3.14 switches to the new CephFS mount syntax: test the node kernels first (kernel 5.15 mount failures were reported, #5282).",
      "3.15 sets attachRequired on the CSIDriver, an immutable field: the CSIDriver object is deleted and recreated.",
      "Restarting the node plugin breaks ceph-fuse mounts: with storage.cephfs.mounter fuse, drain nodes first.",
    ],
  },
};

/**
 * agent-sandbox v0.5.x → v1.0.x, which the graph automates (migration/,
 * components/agentSandbox.ts). Facts: v1.0.1's CRDs (v1beta1 only, no
 * conversion) and v0.5.6's controller (webhook Secret, caBundle patch), read
 * from the Go modules; the API server's refusals are shown by
 * test/cluster/agentSandboxUpgrade.cluster.test.ts.
 */
export const AGENT_SANDBOX_FROM_V05: UpgradeNote = {
  next: "v1.0.x from a cluster on v0.5.x (automated: the next pulumi up migrates)",
  notes: [
    "Why: v1.0 serves v1beta1 only and drops the conversion webhook; the API server rejects the new CRDs while status.storedVersions lists v1alpha1, and objects still stored as v1alpha1 could no longer be read.",
    "pulumi up, before the v1.0 CRDs (hook on ConfigMap agent-sandbox-system/agent-platform-migration-v1): for each agent-sandbox CRD whose storedVersions is not [v1beta1], every object is rewritten unchanged at v1beta1 (it gains only v1beta1's schema defaults), then storedVersions is pruned to [v1beta1]; a Webhook conversion is set to None (server-side apply would keep the caBundle the v0.5 controller patched in, which the server rejects without a Webhook strategy).",
    "Then the v1.0 CRDs and controller apply; then (hook on ConfigMap agent-platform-migration-v1-done) the leftover Secret agent-sandbox-system/agent-sandbox-webhook-certs is deleted; then the gateway rolls (its pod annotation changes). No other object is deleted.",
    "pulumi preview reads the cluster and logs what the migration will change; a re-run after an interruption finishes it; a cluster still on v0.4.x (v1alpha1 storage) is refused: move to v0.5.6 first.",
    "The hooks need a Pulumi CLI with resource hooks (an older one stops the program with \"The Pulumi CLI does not support resource hooks. Please update the Pulumi CLI\"); npm run plan shows the cluster's stored versions and whether v1.0 applies as is.",
  ],
};

/** Notes for every release a stack moves off its pin, and the v0.5 → v1.0 path when agent-sandbox targets v1.0 or later. */
export function upgradeNotesFor(
  versions: Readonly<Record<ReleaseId, string>>,
  installedAgentSandbox?: string,
): { id: ReleaseId; from: string; to: string; notes: readonly string[] }[] {
  const moved = (Object.keys(RELEASES) as ReleaseId[])
    .filter((id) => versions[id] !== RELEASES[id].version)
    .map((id) => ({ id, from: RELEASES[id].version, to: versions[id], notes: UPGRADE_NOTES[id].notes }));
  const fromV05 = migratesTo(versions.agentSandbox) && (installedAgentSandbox === undefined || !migratesTo(installedAgentSandbox));
  return fromV05
    ? [...moved, { id: "agentSandbox", from: installedAgentSandbox ?? "v0.5.x (if the cluster runs it)", to: versions.agentSandbox, notes: AGENT_SANDBOX_FROM_V05.notes }]
    : moved;
}

/** The runbook docs/upgrades.md carries (generated by npm run docs). */
export function upgradeRunbook(): string {
  const entry = (id: string, from: string, note: UpgradeNote) => [`- **${id}** ${from} → ${note.next}:`, ...note.notes.map((n) => `  - ${n}`)].join("\n");
  return [
    ...(Object.keys(RELEASES) as ReleaseId[]).map((id) => entry(id, RELEASES[id].version, UPGRADE_NOTES[id])),
    entry("agentSandbox", "v0.5.x", AGENT_SANDBOX_FROM_V05),
  ].join("\n");
}
