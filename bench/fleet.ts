/**
 * `npm run bench:fleet`: a fleet of 24 stacks (8 per tier) through the real orchestration
 * (automation/orchestrate.ts run) and a fake workspace whose every operation takes a fixed time,
 * at --parallel 1 and --parallel 6: the wall time, next to the ideal (the tool adding no
 * serialisation of its own). Figures only; nothing here is a test.
 */
import { formatTable } from "../automation/fleet";
import { run } from "../automation/orchestrate";
import type { StackInfo } from "../automation/stacks";
import { secretSuffix, TIERS } from "../automation/stacks";
import { fakeDeps, fakeFleetDeps, fakeStack, fakeWorkspace } from "../test/automation/fakes";

const OP_MS = Number(process.env["BENCH_OP_MS"] ?? 200);
const PER_TIER = 8;
const FLEET: StackInfo[] = TIERS.flatMap((tier) =>
  Array.from({ length: PER_TIER }, (_, i) => {
    const name = `${tier}-${String(i + 1).padStart(2, "0")}`;
    return { name, tier, registryMode: "online", secretSuffix: secretSuffix(name), policyConfig: `policy/config/${tier}.json` };
  }),
);
const VARS = { PULUMI_BACKEND_URL: "s3://bench/state", PULUMI_CONFIG_PASSPHRASE: "bench" };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function wall(argv: string[]): Promise<{ ms: number; code: number; maxInFlight: number }> {
  let inFlight = 0;
  let maxInFlight = 0;
  const op = async () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await sleep(OP_MS);
    inFlight--;
    return { same: 60 };
  };
  const ws = fakeWorkspace(() => fakeStack({ preview: op, up: op }));
  const deps = fakeDeps({ fleet: { ...fakeFleetDeps({ clock: () => performance.now() }), stacks: () => FLEET } });
  const start = performance.now();
  const out = await run(argv, ws, VARS, "/bench", deps);
  return { ms: performance.now() - start, code: out.code, maxInFlight };
}

async function main(): Promise<void> {
  const rows: string[][] = [["command", "parallel", "wall", "ideal", "overhead", "max in flight"]];
  for (const [command, extra] of [
    ["preview", []],
    ["up", []],
  ] as const) {
    for (const parallel of [1, 6]) {
      const r = await wall([command, "--all", "--parallel", String(parallel), ...extra]);
      if (r.code !== 0) throw new Error(`${command} --parallel ${parallel} exited ${r.code}`);
      // preview: one group; up: three tiers, one after another.
      const rounds = command === "up" ? TIERS.length * Math.ceil(PER_TIER / parallel) : Math.ceil(FLEET.length / parallel);
      const ideal = rounds * OP_MS;
      rows.push([`${command} --all`, String(parallel), `${(r.ms / 1000).toFixed(2)} s`, `${(ideal / 1000).toFixed(2)} s`, `${(r.ms - ideal).toFixed(0)} ms`, String(r.maxInFlight)]);
    }
  }
  process.stdout.write(`fleet of ${FLEET.length} stacks (${PER_TIER} per tier), each operation ${OP_MS} ms (BENCH_OP_MS)\n`);
  process.stdout.write(`${formatTable(rows)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
