/**
 * The agent-sandbox v1.0 migration as Pulumi resource hooks: what runs
 * before the graph applies the v1.0 CRDs (`prepare`) and after it applied
 * them and the controller (`finish`). In preview (the hooks are registered
 * with onDryRun) they only read the cluster and report what `up` will
 * change; a cluster that cannot be migrated fails the preview with the
 * reason. Everything cluster-facing goes through `HookEnv`, so tests drive
 * them with a fake API.
 */
import { AGENT_SANDBOX_CRDS, MigrationError, describe, finish, inspect, prepare, type CrdRef, type MigrationApi } from "./agentSandbox";

export interface HookEnv {
  /** The cluster the stack targets (called once per hook run). */
  connect(): Promise<MigrationApi>;
  /** True during `pulumi preview` (and the preview phase of `up`). */
  dryRun(): boolean;
  info(message: string): void;
  warn(message: string): void;
}

export interface MigrationHooks {
  readonly prepare: () => Promise<void>;
  readonly finish: () => Promise<void>;
}

const PREFIX = "agent-sandbox v1.0 migration";

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function migrationHooks(env: HookEnv, crds: readonly CrdRef[] = AGENT_SANDBOX_CRDS): MigrationHooks {
  return {
    async prepare() {
      let api: MigrationApi;
      try {
        api = await env.connect();
        if (env.dryRun()) {
          const f = await inspect(api, crds);
          if (f.blocked !== undefined) throw new MigrationError(`${PREFIX} cannot run: ${f.blocked}`);
          const steps = describe(f);
          env.info(
            steps.length === 0
              ? `${PREFIX}: nothing to migrate (agent-sandbox ${f.installedVersion ?? "not installed"})`
              : `${PREFIX} will run on agent-sandbox ${f.installedVersion ?? "(controller not found)"}: ${steps.join("; ")}`,
          );
          return;
        }
      } catch (err) {
        if (err instanceof MigrationError || !env.dryRun()) throw err;
        env.warn(`${PREFIX}: the cluster could not be read to plan it (${reason(err)}); pulumi up reads it again and migrates what it finds`);
        return;
      }
      await prepare(api, crds, (line) => env.info(`${PREFIX}: ${line}`));
    },
    async finish() {
      if (env.dryRun()) return; // prepare's preview already names the Secret
      await finish(await env.connect(), (line) => env.info(`${PREFIX}: ${line}`));
    },
  };
}
