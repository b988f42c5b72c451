/**
 * `npm run bench`: how long the whole test suite takes (next to the previous
 * run's figure), and how long the program takes to evaluate under the mock
 * engine, per example stack, beside a one-resource baseline program.
 * Figures only; nothing here is a test. Each run re-loads the program's
 * modules so that configuration, plan, manifest preparation (the test
 * fixture, served without network) and registrations are all counted.
 */
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { planStackFile } from "../plan/fromStackFile";
import { median } from "./previewCost";
import { componentGraph, criticalPath } from "../components/graph";
import { SERVED, exampleConfig } from "../test/harness/examples";
import { evaluate } from "../test/harness/mocks";
import { EXAMPLE_STACKS } from "../test/harness/stackConfig";

const ROOT = join(__dirname, "..");
const RUNS = Number(process.env["BENCH_RUNS"] ?? 15);

/** Forgets the project's own modules (not node_modules) so the next require re-runs them. */
function forgetProjectModules(): void {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(ROOT) && !key.includes("node_modules")) delete require.cache[key];
  }
}

async function time(program: () => Promise<Record<string, unknown>>, stack: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    forgetProjectModules();
    const start = process.hrtime.bigint();
    await evaluate({ stack: { ...exampleConfig(stack), stack }, fetches: SERVED, program });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= 2) samples.push(ms); // two warm-up runs
  }
  return samples.sort((a, b) => a - b);
}

/** The smallest program: one custom resource. */
class Baseline extends pulumi.CustomResource {
  constructor(name: string) {
    super("bench:index:Baseline", name, {});
  }
}

/** The previous suite figure, kept beside the benchmark (bench/suite-time.json), so each run compares with the last. */
const SUITE_FILE = join(__dirname, "suite-time.json");

/** Wall-clock seconds of the whole test suite (`vitest run`, no type check), run as a user runs it. */
function suiteSeconds(): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  if (r.status !== 0) throw new Error(`the suite failed:\n${r.stdout}\n${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function main(): Promise<void> {
  const previous = existsSync(SUITE_FILE) ? (JSON.parse(readFileSync(SUITE_FILE, "utf8")) as { seconds: number; cores: number }) : undefined;
  const seconds = suiteSeconds();
  writeFileSync(SUITE_FILE, `${JSON.stringify({ seconds: Number(seconds.toFixed(1)), cores: cpus().length }, null, 2)}\n`);
  console.log("| test suite (vitest run) | seconds | cores | ratio to the previous run | target |");
  console.log("|---|---:|---:|---:|---:|");
  console.log(`| this run | ${seconds.toFixed(1)} | ${cpus().length} | ${previous !== undefined ? `${(seconds / previous.seconds).toFixed(2)}x of ${previous.seconds} s (${previous.cores} cores)` : "first run"} | < 30 s on 2 cores |`);
  console.log("");

  const baseline = await time(async () => {
    const res = new Baseline("baseline");
    return { urn: res.urn };
  }, "dev");
  const rows: [string, number[]][] = [["baseline (1 resource)", baseline]];
  for (const stack of EXAMPLE_STACKS) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    rows.push([stack, await time(async () => (require("../index") as () => Promise<Record<string, unknown>>)(), stack)]);
  }
  const base = median(baseline);
  console.log(`mock-engine evaluation, ${RUNS} runs each after 2 warm-ups (ms)`);
  console.log("| program | min | median | median / baseline |");
  console.log("|---|---:|---:|---:|");
  for (const [name, xs] of rows) {
    console.log(`| ${name} | ${xs[0]!.toFixed(1)} | ${median(xs).toFixed(1)} | ${(median(xs) / base).toFixed(2)}x |`);
  }
  console.log("target once the platform is complete: prod median under 1500 ms on a 2-core machine");

  // The inventory: stack file → validated config → plan → Hauler manifest, no engine at all.
  const inventorySamples: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    forgetProjectModules();
    const start = process.hrtime.bigint();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("../scripts/inventory") as typeof import("../scripts/inventory")).inventoryText(ROOT, ["--stack", "prod", "--format", "hauler"]);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= 2) inventorySamples.push(ms);
  }
  inventorySamples.sort((a, b) => a - b);
  console.log("");
  console.log("| inventory (prod, hauler) | min | median | target |");
  console.log("|---|---:|---:|---:|");
  console.log(`| module load + config + plan + render | ${inventorySamples[0]!.toFixed(1)} | ${median(inventorySamples).toFixed(1)} | < 1000 |`);

  // How many components must run one after another, against a hand-written install script's
  // seven serial steps (agent-sandbox, PKI secrets, CNPG operator, Postgres, storage, GPU Operator, gateway).
  console.log("");
  console.log("| stack | components | critical path | serial script steps |");
  console.log("|---|---:|---:|---:|");
  for (const stack of EXAMPLE_STACKS) {
    const graph = componentGraph(planStackFile(ROOT, stack).plan);
    console.log(`| ${stack} | ${graph.order.length} | ${criticalPath(graph).length} (${criticalPath(graph).join(" -> ")}) | 7 |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
