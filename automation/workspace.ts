/** The real Workspace: the Pulumi Automation API over this repository's program. */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { LocalWorkspace, type OpMap } from "@pulumi/pulumi/automation";
import type { Changes, StackIO, StackOperations, Workspace } from "./engine";
import type { LockInfo } from "./pending";
import type { Backend } from "./stacks";

const counts = (m: OpMap | undefined): Changes => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v ?? 0]));

/**
 * The lock files of a `file://` backend: `<dir>/.pulumi/locks/<org>/<project>/<stack>/<id>.json`
 * (pulumi/pulumi pkg/backend/diy/lock.go), each `{pid, username, hostname, timestamp}`. Other
 * self-managed backends (s3, gs, azblob) keep them in the bucket; recover then learns of a lock
 * from the engine's refusal and `--cancel` removes it.
 */
export function fileBackendLocks(url: string, project: string, stack: string, home = homedir(), cwd = process.cwd()): LockInfo[] {
  const dir = fileBackendDir(url, home, cwd);
  if (dir === undefined) return [];
  const base = join(dir, ".pulumi", "locks");
  const dirs = [join(base, "organization", project, stack), join(base, stack)];
  const out: LockInfo[] = [];
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((n) => n.endsWith(".json"))) {
      const path = join(d, f);
      try {
        const c = JSON.parse(readFileSync(path, "utf8")) as { pid?: number; username?: string; hostname?: string; timestamp?: string };
        out.push({ path, ...(c.pid !== undefined ? { pid: c.pid } : {}), ...(c.username !== undefined ? { username: c.username } : {}), ...(c.hostname !== undefined ? { hostname: c.hostname } : {}), ...(c.timestamp !== undefined ? { timestamp: c.timestamp } : {}) });
      } catch {
        out.push({ path });
      }
    }
  }
  return out;
}

/** The directory of a `file://` backend URL as the CLI reads it: `file:///abs`, `file://~/x`, `file://./rel` (from the working directory); a query (`?no_tmp_dir=true`) ignored. */
export function fileBackendDir(url: string, home: string, cwd: string): string | undefined {
  if (!url.startsWith("file://")) return undefined;
  const path = decodeURIComponent(url.slice("file://".length).replace(/\?.*$/, ""));
  if (path === "~" || path.startsWith("~/")) return join(home, path.slice(1));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

export function localWorkspace(root: string): Workspace {
  // Asked once per workspace: a fleet's verify asks again for every stack.
  let version: string | undefined | null = null;
  return {
    async cliVersion() {
      if (version === null) {
        const r = spawnSync("pulumi", ["version"], { encoding: "utf8" });
        version = r.error !== undefined || r.status !== 0 ? undefined : r.stdout.trim();
      }
      return version;
    },
    async stack(name: string, backend: Backend, io?: StackIO): Promise<StackOperations> {
      const envVars: Record<string, string> = {
        PULUMI_BACKEND_URL: backend.url,
        ...(backend.passphrase !== undefined ? { PULUMI_CONFIG_PASSPHRASE: backend.passphrase } : {}),
        ...(backend.passphraseFile !== undefined ? { PULUMI_CONFIG_PASSPHRASE_FILE: backend.passphraseFile } : {}),
      };
      const stack = await LocalWorkspace.createOrSelectStack({ stackName: name, workDir: root }, { envVars });
      const out = io?.onOutput ?? ((data: string) => process.stderr.write(data));
      const project = (await stack.workspace.projectSettings()).name;
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
        locks: async () => fileBackendLocks(backend.url, project, name),
        exportState: async () => stack.exportStack(),
        cancel: async () => stack.cancel(),
        importState: async (state) => stack.importStack(state as Parameters<typeof stack.importStack>[0]),
      };
    },
  };
}
