/**
 * The agent-sandbox preflight `npm run plan` prints when it can reach the
 * stack's cluster: the installed version (the controller image's tag), the
 * stored versions and object count of each CRD, and whether the pinned
 * target applies as it is or needs the migration `pulumi up` runs first.
 * Read-only; the formatting is pure.
 */
import { describe, inspect, migratesTo, targetAppliesAsIs, type MigrationApi } from "./agentSandbox";

export type Preflight =
  | {
      readonly reachable: true;
      readonly target: string;
      readonly installedVersion: string | undefined;
      readonly crds: readonly { readonly name: string; readonly kind: string; readonly present: boolean; readonly storedVersions: readonly string[]; readonly objects: number }[];
      readonly appliesAsIs: boolean;
      readonly why: string;
      /** What the migration would change (empty when nothing). */
      readonly migration: readonly string[];
    }
  | { readonly reachable: false; readonly reason: string };

export async function runPreflight(api: MigrationApi, target: string): Promise<Preflight> {
  const f = await inspect(api);
  const verdict = targetAppliesAsIs(f, migratesTo(target) ? 1 : 0);
  return {
    reachable: true,
    target,
    installedVersion: f.installedVersion,
    crds: f.crds.map((c) => ({ name: c.crd.name, kind: c.crd.kind, present: c.present, storedVersions: c.storedVersions, objects: c.objects })),
    appliesAsIs: verdict.ok,
    why: verdict.why,
    migration: migratesTo(target) && f.blocked === undefined ? describe(f) : [],
  };
}

export function preflightLines(p: Preflight): string[] {
  if (!p.reachable) return [`preflight: the cluster was not checked (${p.reason})`];
  return [
    "preflight (read from the cluster):",
    `  agent-sandbox installed: ${p.installedVersion ?? "no controller Deployment agent-sandbox-system/agent-sandbox-controller"}`,
    ...p.crds.map((c) => `  ${c.name}: ${c.present ? `storedVersions ${JSON.stringify(c.storedVersions)}, ${c.objects} ${c.kind} object(s)` : "not installed"}`),
    `  target ${p.target}: ${p.appliesAsIs ? "applies as is" : "does not apply as is"}: ${p.why}`,
    ...(p.migration.length > 0 ? ["  the next pulumi up migrates first:", ...p.migration.map((m) => `    - ${m}`)] : []),
  ];
}
