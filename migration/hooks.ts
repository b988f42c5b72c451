/**
 * The agent-sandbox v1.0 migration as Pulumi resource hooks: what runs
 * before the graph applies the v1.0 CRDs (`prepare`) and after it applied
 * them and the controller (`finish`). In preview (the hooks are registered
 * with onDryRun) they only read the cluster and report what `up` will
 * change; a cluster that cannot be migrated fails the preview with the
 * reason. Everything cluster-facing goes through `HookEnv`, so tests drive
 * them with a fake API.
 *
 * `awaitingMigration` answers, in preview only, which CRDs the migration
 * still has to change: the program sends those CRDs to the engine with an
 * input it cannot know yet (components/agentSandbox.ts), because the
 * provider's preview of a known CRD is a server-side dry run against the
 * cluster as it stands, which the API server refuses until the migration ran
 * (docs/upgrades.md "agent-sandbox v0.5 to v1.0"). Preview reads the cluster once for
 * both.
 */
import { AGENT_SANDBOX_CRDS, MigrationError, crdsAwaitingMigration, describe, finish, inspect, prepare, type CrdRef, type Findings, type MigrationApi } from "./agentSandbox";

export interface HookEnv {
  /** The cluster the stack targets (called once per hook run). */
  connect(): Promise<MigrationApi>;
  /**
   * The same cluster for preview's one read, when it can be read more cheaply than `connect`
   * allows (only the reads are called on it); unset: `connect`.
   */
  connectForPreview?(): Promise<MigrationApi>;
  /** True during `pulumi preview` (and the preview phase of `up`). */
  dryRun(): boolean;
  info(message: string): void;
  warn(message: string): void;
}

export interface MigrationHooks {
  readonly prepare: () => Promise<void>;
  readonly finish: () => Promise<void>;
  /**
   * In preview: the names of the CRDs whose v1.0 apply the API server would
   * refuse until `prepare` has run (empty when the cluster is migrated, fresh
   * or cannot be read). Under `up`: always empty, without reading anything.
   */
  readonly awaitingMigration: () => Promise<ReadonlySet<string>>;
}

const PREFIX = "agent-sandbox v1.0 migration";

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

type Reading = { readonly ok: true; readonly findings: Findings } | { readonly ok: false; readonly error: unknown };

export function migrationHooks(env: HookEnv, crds: readonly CrdRef[] = AGENT_SANDBOX_CRDS): MigrationHooks {
  // Preview reads the cluster once, for the prepare hook's report and for the CRDs' inputs.
  let previewReading: Promise<Reading> | undefined;
  const readForPreview = (): Promise<Reading> =>
    (previewReading ??= (async (): Promise<Reading> => {
      try {
        return { ok: true, findings: await inspect(await (env.connectForPreview ?? env.connect).call(env), crds) };
      } catch (error) {
        return { ok: false, error };
      }
    })());
  return {
    async prepare() {
      if (env.dryRun()) {
        const r = await readForPreview();
        if (!r.ok) {
          if (r.error instanceof MigrationError) throw r.error;
          env.warn(`${PREFIX}: the cluster could not be read to plan it (${reason(r.error)}); pulumi up reads it again and migrates what it finds`);
          return;
        }
        const f = r.findings;
        if (f.blocked !== undefined) throw new MigrationError(`${PREFIX} cannot run: ${f.blocked}`);
        const steps = describe(f);
        env.info(
          steps.length === 0
            ? `${PREFIX}: nothing to migrate (agent-sandbox ${f.installedVersion ?? "not installed"})`
            : `${PREFIX} will run on agent-sandbox ${f.installedVersion ?? "(controller not found)"}: ${steps.join("; ")}`,
        );
        const waiting = [...crdsAwaitingMigration(f)];
        if (waiting.length > 0) {
          env.info(
            `${PREFIX}: preview shows the v1.0 CRD change from the program's inputs for ${waiting.join(", ")} ` +
              `(spec.conversion is computed): the API server accepts it only after this migration, which pulumi up runs first`,
          );
        }
        return;
      }
      await prepare(await env.connect(), crds, (line) => env.info(`${PREFIX}: ${line}`));
    },
    async finish() {
      if (env.dryRun()) return; // prepare's preview already names the Secret
      await finish(await env.connect(), (line) => env.info(`${PREFIX}: ${line}`));
    },
    async awaitingMigration() {
      if (!env.dryRun()) return new Set<string>();
      const r = await readForPreview();
      // Unread (the prepare hook warns) or blocked (the prepare hook fails the preview): nothing to mark.
      if (!r.ok || r.findings.blocked !== undefined) return new Set<string>();
      return crdsAwaitingMigration(r.findings);
    },
  };
}
