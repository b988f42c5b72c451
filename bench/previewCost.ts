/**
 * `npm run -s bench:preview -- STACK [--runs N] [--cold] [--project DIR] [--out DIR]`: what a no-op
 * `pulumi preview` of a deployed stack costs on the real engine, against a one-resource program
 * (one ConfigMap, the same SDKs, node_modules and compiler options, the same cluster and engine).
 * Figures only, never a test: wall and CPU time depend on the machine and its load.
 *
 * Needs the real-engine kit (../shared/real-engine, its README) and a stack it deployed and kept:
 *   $KIT/run.sh STACK --stack-file <mirrored stack file> [--secret K=V] [--crds DIR] --keep
 * The kit's run directory ($RUN_WORK/STACK, default $KIT_HOME/runs/STACK) then holds the project
 * copy, the file:// state and the kubeconfig; this bench runs `pulumi preview --expect-no-changes`
 * there (a change fails the run) and, alternated with it (A B A B ...), the same preview of the
 * one-resource program, kept in $RUN_WORK/STACK/one-resource and brought up (unmeasured) on the
 * same cluster first.
 *
 * --cold runs every preview with a fresh, empty TMPDIR: ts-node's compile cache (in os.tmpdir()) starts
 * empty, as on a fresh CI runner, where a pull request's previews run; without it the cache is warm.
 *
 * --project DIR copies DIR's sources (not node_modules, .git or the stack's Pulumi.STACK.yaml) over
 * the run's project copy first: preview a branch against the state `up` left from another checkout.
 *
 * Per run: wall and CPU (user + system of pulumi and every process it waited for: language host,
 * node, providers) and peak RSS of the largest, from GNU time. Then one more preview of each with
 * PULUMI_DEBUG_GRPC: calls and bytes (protojson, as the engine logs them) per gRPC method, with
 * ResourceMonitor/Invoke split by token and RegisterResource by remote component or not.
 * Prints a Markdown report and writes it, with the samples as JSON, to --out (default
 * $RUN_WORK/bench).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface Sample {
  readonly wall: number;
  readonly cpu: number;
  readonly maxRssKiB: number;
}

export interface MethodBytes {
  calls: number;
  requestBytes: number;
  responseBytes: number;
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The last line GNU time writes with `-f "%e %U %S %M"`. */
export function parseTime(stderr: string): Sample {
  const line = stderr.trimEnd().split("\n").pop() ?? "";
  const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(line.trim());
  if (m === null) throw new Error(`no GNU time line at the end of: ${line}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), maxRssKiB: Number(m[4]) };
}

/**
 * Sums a PULUMI_DEBUG_GRPC log (one JSON entry per line; a unary call is logged when it starts and
 * again, with its response, when it completes: only completed entries count). Invokes are keyed
 * `Invoke <token>`; RegisterResource `(remote)` for components a provider builds, and apart again
 * for the children the provider registers under them (the rest is the program's own).
 */
export function summarizeGrpcLog(text: string): Map<string, MethodBytes> {
  const out = new Map<string, MethodBytes>();
  type Entry = { method?: string; request?: unknown; response?: unknown; progress?: string };
  const entries: Entry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      entries.push(JSON.parse(line) as Entry);
    } catch {
      continue; // a line cut by a concurrent writer
    }
  }
  const isRegister = (e: Entry) => e.method === "/pulumirpc.ResourceMonitor/RegisterResource";
  // Types the provider builds as components: their children are registered by the provider, not the program.
  const remoteTypes = new Set(entries.filter((e) => isRegister(e) && (e.request as Record<string, unknown> | undefined)?.["remote"] === true).map((e) => String((e.request as Record<string, unknown>)["type"])));
  const parentType = (urn: unknown) => (typeof urn === "string" ? (urn.split("::")[2] ?? "").split("$").pop() : undefined);
  for (const e of entries) {
    if (e.progress !== undefined && e.progress !== "response_completed") continue;
    let key = String(e.method ?? "?").replace(/^\/pulumirpc\./, "");
    const req = (e.request ?? {}) as Record<string, unknown>;
    if (key === "ResourceMonitor/Invoke" && typeof req["tok"] === "string") key = `ResourceMonitor/Invoke ${req["tok"]}`;
    if (key === "ResourceMonitor/RegisterResource" && req["remote"] === true) key = "ResourceMonitor/RegisterResource (remote)";
    else if (key === "ResourceMonitor/RegisterResource" && remoteTypes.has(parentType(req["parent"]) ?? "")) key = "ResourceMonitor/RegisterResource (chart/ConfigGroup child, by the provider)";
    const b = out.get(key) ?? { calls: 0, requestBytes: 0, responseBytes: 0 };
    b.calls += 1;
    b.requestBytes += e.request === undefined ? 0 : JSON.stringify(e.request).length;
    b.responseBytes += e.response === undefined ? 0 : JSON.stringify(e.response).length;
    out.set(key, b);
  }
  return out;
}

const kb = (n: number) => (n / 1024).toFixed(n < 10 * 1024 ? 1 : 0);

/** The Markdown report: medians and ratios, then bytes per method (largest first, both programs). */
export function report(stack: string, a: readonly Sample[], b: readonly Sample[], grpcA: Map<string, MethodBytes>, grpcB: Map<string, MethodBytes>, cold = false): string {
  const row = (name: string, s: readonly Sample[]) =>
    `| ${name} | ${median(s.map((x) => x.wall)).toFixed(2)} s | ${median(s.map((x) => x.cpu)).toFixed(2)} s | ${(median(s.map((x) => x.maxRssKiB)) / 1024).toFixed(0)} MiB |`;
  const ratio = (f: (x: Sample) => number) => (median(a.map(f)) / median(b.map(f))).toFixed(2);
  const lines = [
    `### ${stack}: no-op preview vs one-resource program (${a.length} + ${b.length} runs, alternated; medians${cold ? "; cold compile cache, as on a fresh CI runner" : ""})`,
    "",
    "| | wall | CPU | peak RSS (largest process) |",
    "|---|---|---|---|",
    row(`${stack} no-op preview`, a),
    row("one-resource no-op preview", b),
    `| ratio | **${ratio((x) => x.wall)}×** | **${ratio((x) => x.cpu)}×** | |`,
    "",
    `samples wall ${stack}: ${a.map((x) => x.wall.toFixed(2)).join(" ")}; one-resource: ${b.map((x) => x.wall.toFixed(2)).join(" ")}`,
    "",
    `gRPC per method (one preview each, PULUMI_DEBUG_GRPC; KiB of protojson):`,
    "",
    `| method | ${stack} calls | request KiB | response KiB | one-resource calls | request KiB | response KiB |`,
    "|---|---|---|---|---|---|---|",
  ];
  const keys = [...new Set([...grpcA.keys(), ...grpcB.keys()])];
  const total = (m: MethodBytes | undefined) => (m === undefined ? 0 : m.requestBytes + m.responseBytes);
  keys.sort((x, y) => total(grpcA.get(y)) - total(grpcA.get(x)) || x.localeCompare(y));
  const cells = (m: MethodBytes | undefined) => (m === undefined ? "– | – | –" : `${m.calls} | ${kb(m.requestBytes)} | ${kb(m.responseBytes)}`);
  for (const k of keys) lines.push(`| ${k} | ${cells(grpcA.get(k))} | ${cells(grpcB.get(k))} |`);
  const sum = (g: Map<string, MethodBytes>) => [...g.values()].reduce((s, m) => ({ calls: s.calls + m.calls, requestBytes: s.requestBytes + m.requestBytes, responseBytes: s.responseBytes + m.responseBytes }), { calls: 0, requestBytes: 0, responseBytes: 0 });
  lines.push(`| **total** | ${cells(sum(grpcA))} | ${cells(sum(grpcB))} |`);
  return `${lines.join("\n")}\n`;
}

// ------------------------------------------------------------------------------------- the run

/** The one-resource program: what any stack pays for the engine, the SDKs and one Kubernetes object. */
export const ONE_RESOURCE_PROGRAM = `import * as k8s from "@pulumi/kubernetes";

const cm = new k8s.core.v1.ConfigMap("one", { metadata: { name: "bench-one-resource", namespace: "default" }, data: { a: "b" } });
export const name = cm.metadata.name;
`;

function sh(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function must(what: string, r: { status: number; stdout: string; stderr: string }): void {
  if (r.status !== 0) throw new Error(`${what} failed (rc ${r.status}):\n${(r.stdout + r.stderr).split("\n").slice(-30).join("\n")}`);
}

function main(argv: readonly string[]): void {
  const args = [...argv];
  let stack = "";
  let runs = 5;
  let project: string | undefined;
  let outDir: string | undefined;
  let cold = false;
  while (args.length > 0) {
    const a = args.shift()!;
    if (a === "--runs") runs = Number(args.shift());
    else if (a === "--cold") cold = true;
    else if (a === "--project") project = resolve(args.shift() ?? "");
    else if (a === "--out") outDir = resolve(args.shift() ?? "");
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else stack = a;
  }
  if (stack === "" || !(runs >= 1)) throw new Error("usage: bench:preview -- STACK [--runs N] [--cold] [--project DIR] [--out DIR]");
  if (!existsSync("/usr/bin/time")) throw new Error("needs GNU time at /usr/bin/time (Debian: apt-get install time)");
  const kitHome = process.env["KIT_HOME"];
  if (kitHome === undefined || kitHome === "") throw new Error("set KIT_HOME (the real-engine kit's home; see ../shared/real-engine/README.md)");
  const runWork = process.env["RUN_WORK"] ?? join(kitHome, "runs");
  const w = join(runWork, stack);
  const proj = join(w, "project");
  if (!existsSync(join(w, "state")) || !existsSync(join(proj, "Pulumi.yaml"))) throw new Error(`no kept run in ${w}: run the kit's run.sh ${stack} --keep first`);
  outDir ??= join(runWork, "bench");
  mkdirSync(outDir, { recursive: true });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(w, "bin")}:${process.env["PATH"] ?? ""}`,
    PULUMI_HOME: join(kitHome, "pulumi-home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_CONFIG_PASSPHRASE: process.env["PULUMI_CONFIG_PASSPHRASE"] ?? "real-engine",
    KUBECONFIG: join(w, "kubeconfig"),
  };
  delete env["PULUMI_CONFIG_PASSPHRASE_FILE"];
  delete env["PULUMI_ACCESS_TOKEN"];
  delete env["PULUMI_DEBUG_GRPC"];
  const stackEnv = { ...env, PULUMI_BACKEND_URL: `file://${join(w, "state")}` };

  if (project !== undefined) {
    // The branch's sources over the run's copy; the stack file and node_modules stay.
    const keep = `Pulumi.${stack}.yaml`;
    const saved = readFileSync(join(proj, keep));
    must("copy project", sh("bash", ["-c", 'tar -C "$1" --exclude=./node_modules --exclude=./.git --exclude="./$3" -cf - . | tar -C "$2" -xf -', "copy", project, proj, keep]));
    writeFileSync(join(proj, keep), saved);
  }

  // The one-resource program beside the stack's run, brought up to date (not measured) on the same cluster.
  const ow = join(w, "one-resource");
  const oproj = join(ow, "project");
  const oneEnv = { ...env, PULUMI_BACKEND_URL: `file://${join(ow, "state")}` };
  if (!existsSync(join(ow, "state", ".pulumi"))) {
    rmSync(ow, { recursive: true, force: true });
    mkdirSync(oproj, { recursive: true });
    mkdirSync(join(ow, "state"), { recursive: true });
    writeFileSync(join(oproj, "Pulumi.yaml"), "name: one-resource\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n    packagemanager: npm\n");
    writeFileSync(join(oproj, "index.ts"), ONE_RESOURCE_PROGRAM);
    writeFileSync(join(oproj, "package.json"), `${JSON.stringify({ name: "one-resource", private: true, main: "index.ts" }, null, 2)}\n`);
    // The project's compiler options (strict, skipLibCheck...), for index.ts only.
    const tsconfig = JSON.parse(readFileSync(join(proj, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    writeFileSync(join(oproj, "tsconfig.json"), `${JSON.stringify({ compilerOptions: tsconfig.compilerOptions, files: ["index.ts"] }, null, 2)}\n`);
    symlinkSync(join(proj, "node_modules"), join(oproj, "node_modules"));
    must("one-resource stack init", sh("pulumi", ["stack", "select", "--create", "bench"], { cwd: oproj, env: oneEnv }));
  }
  must("one-resource up", sh("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", "bench"], { cwd: oproj, env: oneEnv }));

  const preview = (cwd: string, e: NodeJS.ProcessEnv, label: string): Sample => {
    const tmp = cold ? mkdtempSync(join(tmpdir(), "bench-cold-")) : undefined;
    const r = sh("/usr/bin/time", ["-f", "%e %U %S %M", "pulumi", "preview", "--non-interactive", "--expect-no-changes", "--diff=false"], { cwd, env: tmp !== undefined ? { ...e, TMPDIR: tmp } : e });
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`${label}: preview failed or planned changes (rc ${r.status}):\n${(r.stdout + r.stderr).split("\n").slice(-40).join("\n")}`);
    return parseTime(r.stderr);
  };
  const A: Sample[] = [];
  const B: Sample[] = [];
  preview(proj, stackEnv, `${stack} (warm-up)`);
  preview(oproj, oneEnv, "one-resource (warm-up)");
  for (let i = 0; i < runs; i++) {
    A.push(preview(proj, stackEnv, stack));
    B.push(preview(oproj, oneEnv, "one-resource"));
    process.stderr.write(`run ${i + 1}/${runs}: ${stack} ${A[i]!.wall.toFixed(2)} s wall ${A[i]!.cpu.toFixed(2)} s CPU; one-resource ${B[i]!.wall.toFixed(2)} s ${B[i]!.cpu.toFixed(2)} s\n`);
  }
  const grpc = (cwd: string, e: NodeJS.ProcessEnv, name: string) => {
    const file = join(outDir!, `grpc-${name}.jsonl`);
    rmSync(file, { force: true });
    preview(cwd, { ...e, PULUMI_DEBUG_GRPC: file }, `${name} (PULUMI_DEBUG_GRPC)`);
    const summary = summarizeGrpcLog(readFileSync(file, "utf8"));
    rmSync(file, { force: true }); // tens of MB; the summary is what is kept
    return summary;
  };
  const gA = grpc(proj, stackEnv, stack);
  const gB = grpc(oproj, oneEnv, "one-resource");
  const text = report(stack, A, B, gA, gB, cold);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  writeFileSync(join(outDir, `preview-${stack}-${stamp}.md`), text);
  writeFileSync(join(outDir, `preview-${stack}-${stamp}.json`), `${JSON.stringify({ stack, runs, cold, stackSamples: A, oneResourceSamples: B, grpc: { [stack]: Object.fromEntries(gA), "one-resource": Object.fromEntries(gB) } }, null, 1)}\n`);
  process.stdout.write(text);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
