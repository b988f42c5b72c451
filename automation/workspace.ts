/** The real Workspace: the Pulumi Automation API over this repository's program. */
import { spawnSync } from "node:child_process";
import { LocalWorkspace, type OpMap } from "@pulumi/pulumi/automation";
import type { Changes, Environment, StackOperations, Workspace } from "./orchestrate";

const counts = (m: OpMap | undefined): Changes => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v ?? 0]));

export function localWorkspace(root: string): Workspace {
  return {
    async cliVersion() {
      const r = spawnSync("pulumi", ["version"], { encoding: "utf8" });
      return r.error !== undefined || r.status !== 0 ? undefined : r.stdout.trim();
    },
    async stack(env: Environment, backend): Promise<StackOperations> {
      const envVars: Record<string, string> = { PULUMI_BACKEND_URL: backend.url, ...(backend.passphrase !== undefined ? { PULUMI_CONFIG_PASSPHRASE: backend.passphrase } : {}) };
      const stack = await LocalWorkspace.createOrSelectStack({ stackName: env, workDir: root }, { envVars });
      const out = (data: string) => process.stderr.write(data);
      return {
        preview: async ({ expectNoChanges }) => counts((await stack.preview({ expectNoChanges, onOutput: out, diff: true })).changeSummary),
        up: async () => counts((await stack.up({ onOutput: out })).summary.resourceChanges),
        destroy: async () => counts((await stack.destroy({ onOutput: out })).summary.resourceChanges),
        refresh: async ({ expectNoChanges }) => counts((await stack.refresh({ expectNoChanges, onOutput: out })).summary.resourceChanges),
        outputs: async () => Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value as unknown])),
        kubeconfig: async () => {
          const all = await stack.getAllConfig();
          const entry = Object.entries(all).find(([k]) => k.endsWith(":kubeconfig"));
          return entry?.[1].value;
        },
      };
    },
  };
}
