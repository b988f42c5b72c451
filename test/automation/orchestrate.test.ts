/**
 * The automation CLI over a fleet (#24), driven through a fake Workspace (no Pulumi CLI) and the
 * example fleet under test/fixtures/fleet: seven stacks across the three tiers, one mirrored
 * (prod-eu), one per-engineer dev stack (dev-alice). Proof limits: the engine is a fake; what the
 * real Automation API does with these calls is automation/workspace.ts's business.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_NOTE } from "../../automation/args";
import { USAGE, run } from "../../automation/orchestrate";
import { fakeDeps, fakeFleetDeps, fakeStack, fakeWorkspace, type MemoryLogs } from "./fakes";

const FLEET = join(__dirname, "..", "fixtures", "fleet");
const VARS = { PULUMI_BACKEND_URL: "s3://state-bucket/platform", PULUMI_CONFIG_PASSPHRASE: "pass" };
const ALL = ["dev", "dev-alice", "staging", "staging-gpu", "prod-ap", "prod-eu", "prod-us"];

/** A workspace recording every call; `fail` and `changes` by stack name. */
function recorder(opts: { fail?: readonly string[]; changes?: Record<string, Record<string, number>> } = {}) {
  const calls: string[] = [];
  const backends: Record<string, unknown> = {};
  const ws = fakeWorkspace((name, backend) => {
    backends[name] = backend;
    const op = (what: string) => async () => {
      calls.push(`${name}:${what}`);
      if (opts.fail?.includes(name)) throw new Error(`${what} of ${name} failed: cluster unreachable`);
      return opts.changes?.[name] ?? { same: 40 };
    };
    return fakeStack({ preview: op("preview"), refresh: op("refresh"), up: op("up"), destroy: op("destroy") });
  });
  return { ws, calls, backends };
}

const names = (calls: readonly string[]) => calls.map((c) => c.split(":")[0]);

describe("argument errors", () => {
  it.each([
    [[], "a command is required"],
    [["deploy", "--stack", "dev"], 'unknown command "deploy"; allowed: preview, up, destroy, refresh, verify, client, recover, stacks'],
    [["up"], "choose stacks: --stack NAME[,NAME|GLOB…], --tier dev|staging|prod or --all"],
    [["up", "--stack"], "--stack needs a value"],
    [["up", "--stack", "qa"], 'unknown stack "qa": no Pulumi.qa.yaml; stacks: dev, dev-alice, staging, staging-gpu, prod-ap, prod-eu, prod-us'],
    [["up", "--stack", "prod-x*"], 'no stack matches "prod-x*"; stacks: dev, dev-alice, staging, staging-gpu, prod-ap, prod-eu, prod-us'],
    [["up", "--tier", "qa"], 'unknown tier "qa"; allowed: dev, staging, prod'],
    [["up", "--all", "--tier", "prod"], "--all selects every stack: leave out --stack and --tier"],
    [["up", "--stack", "dev", "--force"], 'unknown argument "--force"'],
    [["up", "--stack", "dev", "--parallel", "0"], '--parallel must be a whole number from 1 to 64, got "0"'],
    [["up", "--stack", "dev", "--expect-no-changes"], "--expect-no-changes applies to preview and refresh, not up"],
  ])("%j: exit 2, the reason and the usage on stderr", async (argv, message) => {
    const { ws, calls } = recorder();
    expect(await run(argv, ws, VARS, FLEET, fakeDeps())).toEqual({ code: 2, results: [], text: `${message}\n${USAGE}`, stream: "stderr" });
    expect(calls).toEqual([]);
  });

  it("--help prints the usage on stdout and exits 0, touching nothing", async () => {
    const { ws, calls } = recorder();
    expect(await run(["--help"], ws, VARS, FLEET, fakeDeps())).toEqual({ code: 0, results: [], text: USAGE, stream: "stdout" });
    expect(await run(["up", "--stack", "prod-eu", "-h"], ws, VARS, FLEET, fakeDeps())).toEqual({ code: 0, results: [], text: USAGE, stream: "stdout" });
    expect(calls).toEqual([]);
  });

  it("a missing Pulumi CLI is a clear error before anything runs", async () => {
    const out = await run(["preview", "--stack", "dev"], fakeWorkspace(() => fakeStack(), null), {}, FLEET, fakeDeps());
    expect([out.code, out.stream]).toEqual([2, "stderr"]);
    expect(out.text).toBe("the Pulumi CLI was not found on PATH: install it (https://www.pulumi.com/docs/install/); `npm test`, `npm run plan` and `npm run inventory` need no CLI");
  });
});

describe("selection", () => {
  it.each([
    [["--stack", "prod-eu"], ["prod-eu"]],
    [["--stack", "prod-eu,dev-alice"], ["dev-alice", "prod-eu"]],
    [["--stack", "prod-eu", "--stack", "staging"], ["staging", "prod-eu"]],
    [["--stack", "prod-*"], ["prod-ap", "prod-eu", "prod-us"]],
    [["--stack", "*-gpu,dev*"], ["dev", "dev-alice", "staging-gpu"]],
    [["--tier", "staging"], ["staging", "staging-gpu"]],
    [["--stack", "*u*", "--tier", "prod"], ["prod-eu", "prod-us"]],
    [["--all"], ALL],
  ])("preview %j runs %j, in tier order", async (sel, expected) => {
    const { ws, calls } = recorder();
    const out = await run(["preview", ...sel], ws, VARS, FLEET, fakeDeps());
    expect(out.code).toBe(0);
    expect(names(calls)).toEqual(expected);
    expect(out.results.map((r) => r.stack)).toEqual(expected);
  });

  it("--env is the deprecated alias of --stack (and --env all of --all), with a note for stderr", async () => {
    const a = recorder();
    const out = await run(["preview", "--env", "staging"], a.ws, VARS, FLEET, fakeDeps());
    expect([names(a.calls), out.notes]).toEqual([["staging"], [ENV_NOTE]]);
    const b = recorder();
    expect((await run(["preview", "--env", "all"], b.ws, VARS, FLEET, fakeDeps())).results.map((r) => r.stack)).toEqual(ALL);
    const c = recorder();
    expect((await run(["preview", "--stack", "staging"], c.ws, VARS, FLEET, fakeDeps())).notes).toBeUndefined();
  });
});

/** A workspace whose operations wait for the test to finish them: what is in flight, when. */
function gated() {
  const events: string[] = [];
  const waiting = new Map<string, () => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  const ws = fakeWorkspace((name) =>
    fakeStack({
      up: () =>
        new Promise((resolve) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          events.push(`start ${name}`);
          waiting.set(name, () => {
            inFlight--;
            events.push(`end ${name}`);
            resolve({ create: 1 });
          });
        }),
    }),
  );
  const tick = () => new Promise((r) => setTimeout(r, 0));
  /** Finishes every operation in flight, until none is left. */
  const drain = async (done: () => boolean) => {
    while (!done()) {
      await tick();
      for (const [name, finish] of [...waiting]) {
        waiting.delete(name);
        finish();
        await tick();
      }
    }
  };
  return { ws, events, waiting, drain, max: () => maxInFlight, inFlight: () => inFlight };
}

describe("ordering and parallelism", () => {
  it("up goes tier by tier: every dev stack ends before any staging stack starts, and staging before prod", async () => {
    const g = gated();
    let finished = false;
    const p = run(["up", "--all", "--parallel", "6"], g.ws, VARS, FLEET, fakeDeps()).then((o) => ((finished = true), o));
    await g.drain(() => finished);
    const out = await p;
    expect(out.code).toBe(0);
    const pos = (e: string) => g.events.indexOf(e);
    for (const d of ["dev", "dev-alice"]) for (const s of ["staging", "staging-gpu"]) expect(pos(`end ${d}`)).toBeLessThan(pos(`start ${s}`));
    for (const s of ["staging", "staging-gpu"]) for (const q of ["prod-ap", "prod-eu", "prod-us"]) expect(pos(`end ${s}`)).toBeLessThan(pos(`start ${q}`));
    // Within a tier, all at once (6 allowed, at most 3 per tier here).
    expect(g.events.slice(0, 2)).toEqual(["start dev", "start dev-alice"]);
    expect(g.max()).toBe(3);
  });

  it("--no-tier-order: up runs the whole selection as one wave", async () => {
    const g = gated();
    let finished = false;
    const p = run(["up", "--all", "--parallel", "7", "--no-tier-order"], g.ws, VARS, FLEET, fakeDeps()).then((o) => ((finished = true), o));
    await g.drain(() => finished);
    expect((await p).code).toBe(0);
    expect(g.events.slice(0, 7).every((e) => e.startsWith("start "))).toBe(true);
    expect(g.max()).toBe(7);
  });

  it.each([1, 2, 3])("--parallel %i: never more than that many stacks in flight", async (n) => {
    const g = gated();
    let finished = false;
    const seen: number[] = [];
    const p = run(["up", "--all", "--parallel", String(n), "--no-tier-order"], g.ws, VARS, FLEET, fakeDeps()).then((o) => ((finished = true), o));
    while (!finished) {
      await new Promise((r) => setTimeout(r, 0));
      seen.push(g.inFlight());
      const first = [...g.waiting][0];
      if (first !== undefined) {
        g.waiting.delete(first[0]);
        first[1]();
      }
    }
    await p;
    expect(Math.max(...seen)).toBeLessThanOrEqual(n);
    expect(g.max()).toBe(n);
  });

  it("the default is one stack at a time", async () => {
    const g = gated();
    let finished = false;
    const p = run(["up", "--tier", "prod"], g.ws, VARS, FLEET, fakeDeps()).then((o) => ((finished = true), o));
    await g.drain(() => finished);
    await p;
    expect(g.max()).toBe(1);
    expect(g.events).toEqual(["start prod-ap", "end prod-ap", "start prod-eu", "end prod-eu", "start prod-us", "end prod-us"]);
  });
});

describe("failures, drift and exit codes", () => {
  it("a failed stack does not stop the others of its tier; a failed tier stops the later tiers of up", async () => {
    const { ws, calls } = recorder({ fail: ["staging"] });
    const out = await run(["up", "--all", "--json"], ws, VARS, FLEET, fakeDeps());
    expect(out.code).toBe(1);
    expect(calls).toEqual(["dev:up", "dev-alice:up", "staging:up", "staging-gpu:up"]);
    expect(out.results.map((r) => [r.stack, r.result])).toEqual([
      ["dev", "ok"],
      ["dev-alice", "ok"],
      ["staging", "failed"],
      ["staging-gpu", "ok"],
      ["prod-ap", "skipped"],
      ["prod-eu", "skipped"],
      ["prod-us", "skipped"],
    ]);
    expect(out.results[4]!.error).toBe("not started: staging failed in tier staging");
  });

  it("preview: a failure is isolated, every other stack still previews", async () => {
    const { ws, calls } = recorder({ fail: ["dev-alice", "prod-eu"] });
    const out = await run(["preview", "--all"], ws, VARS, FLEET, fakeDeps());
    expect(out.code).toBe(1);
    expect(names(calls)).toEqual(ALL);
    expect(out.results.filter((r) => r.result === "failed").map((r) => r.stack)).toEqual(["dev-alice", "prod-eu"]);
  });

  it("--fail-fast: after the first failure no further stack starts (those in flight finish)", async () => {
    const { ws, calls } = recorder({ fail: ["dev"] });
    const out = await run(["preview", "--all", "--fail-fast"], ws, VARS, FLEET, fakeDeps());
    expect(out.code).toBe(1);
    expect(calls).toEqual(["dev:preview"]);
    expect(out.results.map((r) => r.result)).toEqual(["failed", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped"]);
    expect(out.results[1]!.error).toBe("not started: --fail-fast after dev failed");
    const par = recorder({ fail: ["dev"] });
    await run(["preview", "--all", "--fail-fast", "--parallel", "2"], par.ws, VARS, FLEET, fakeDeps());
    expect(par.calls).toEqual(["dev:preview", "dev-alice:preview"]);
  });

  it.each([
    ["no drift anywhere", {}, [], 0],
    ["drift in one stack", { "prod-eu": { same: 38, update: 2 } }, [], 3],
    ["drift and a failure", { "prod-eu": { same: 38, update: 2 } }, ["staging"], 1],
    ["a failure only", {}, ["dev"], 1],
  ] as const)("--expect-no-changes over the fleet, %s: exit %i", async (_what, changes, fail, code) => {
    const { ws } = recorder({ changes, fail });
    const out = await run(["refresh", "--all", "--expect-no-changes"], ws, VARS, FLEET, fakeDeps());
    expect(out.code).toBe(code);
  });

  it("without --expect-no-changes, changes are not drift", async () => {
    const { ws } = recorder({ changes: { "prod-eu": { update: 2 } } });
    expect((await run(["preview", "--all"], ws, VARS, FLEET, fakeDeps())).code).toBe(0);
  });
});

describe("summary, JSON and logs", () => {
  const clock = () => {
    let t = 0;
    return () => (t += 1500);
  };

  it("one table: stack, tier, operation, result, changes, duration; then the failures with their logs", async () => {
    const { ws } = recorder({ fail: ["prod-us"], changes: { "prod-eu": { create: 3, update: 1, same: 40 } } });
    const out = await run(["preview", "--tier", "prod"], ws, VARS, FLEET, fakeDeps({ fleet: fakeFleetDeps({ clock: clock() }) }));
    expect(out.stream).toBe("stdout");
    expect(out.text).toBe(
      [
        "STACK    TIER  OPERATION  RESULT  CHANGES    DURATION",
        "prod-ap  prod  preview    ok      =40        1.5s",
        "prod-eu  prod  preview    ok      +3 ~1 =40  1.5s",
        "prod-us  prod  preview    failed             1.5s",
        "3 stack(s): 2 ok, 0 drift, 1 failed, 0 skipped",
        "prod-us: preview of prod-us failed: cluster unreachable (log: .platform-logs/test-preview/prod-us.log)",
      ].join("\n"),
    );
  });

  it("--json: one document with every stack's result", async () => {
    const { ws } = recorder({ changes: { "dev-alice": { same: 38, update: 2 } } });
    const out = await run(["refresh", "--tier", "dev", "--expect-no-changes", "--json", "--parallel", "2"], ws, VARS, FLEET, fakeDeps({ fleet: fakeFleetDeps({ clock: clock() }) }));
    expect(out.code).toBe(3);
    const doc = JSON.parse(out.text);
    expect(doc).toEqual({
      command: "refresh",
      parallel: 2,
      exitCode: 3,
      results: [
        { stack: "dev", tier: "dev", operation: "refresh", result: "ok", changes: { same: 40 }, durationMs: expect.any(Number), log: ".platform-logs/test-refresh/dev.log" },
        { stack: "dev-alice", tier: "dev", operation: "refresh", result: "drift", changes: { same: 38, update: 2 }, durationMs: expect.any(Number), log: ".platform-logs/test-refresh/dev-alice.log" },
      ],
    });
  });

  it("each stack's engine output goes to its own log", async () => {
    const logs: MemoryLogs = new Map();
    const ws = {
      cliVersion: async () => "v3.270.0",
      stack: async (name: string, _b: unknown, io?: { onOutput(d: string): void }) =>
        fakeStack({
          preview: async () => {
            io?.onOutput(`previewing ${name}\n`);
            return { same: 1 };
          },
        }),
    };
    await run(["preview", "--stack", "prod-*", "--parallel", "3"], ws, VARS, FLEET, fakeDeps({ fleet: fakeFleetDeps({ logs }) }));
    expect(Object.fromEntries(logs)).toEqual({ "prod-ap": "previewing prod-ap\n", "prod-eu": "previewing prod-eu\n", "prod-us": "previewing prod-us\n" });
  });
});

describe("backends per stack", () => {
  it("each stack gets its backend and passphrase by the one rule (per-stack variables first)", async () => {
    const { ws, backends } = recorder();
    await run(["preview", "--all"], ws, { ...VARS, PULUMI_BACKEND_URL_PROD_EU: "s3://eu-state/platform", PULUMI_CONFIG_PASSPHRASE_PROD_EU: "eu-pass" }, FLEET, fakeDeps());
    expect(backends["prod-eu"]).toEqual({ url: "s3://eu-state/platform", passphrase: "eu-pass" });
    expect(backends["prod-us"]).toEqual({ url: "s3://state-bucket/platform", passphrase: "pass" });
  });

  it("a stack without a backend fails alone with the reason; the dev tier defaults to the local file backend", async () => {
    const { ws, calls } = recorder();
    const out = await run(["preview", "--all"], ws, { PULUMI_CONFIG_PASSPHRASE: "p" }, FLEET, fakeDeps());
    expect(out.code).toBe(1);
    expect(names(calls)).toEqual(["dev", "dev-alice"]);
    expect(out.results.find((r) => r.stack === "prod-eu")!.error).toBe(
      "no backend for stack prod-eu (tier prod): set PULUMI_BACKEND_URL_PROD_EU or PULUMI_BACKEND_URL (a shared backend: Pulumi Cloud, s3://, azblob://, gs://); only dev-tier stacks default to the local .pulumi-state/",
    );
  });
});

describe("up stops on an interrupted run's leftovers and points to recover", () => {
  const pendingState = {
    version: 3,
    deployment: {
      resources: [],
      pending_operations: [
        { resource: { urn: "urn:pulumi:prod-eu::agent-platform::kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition::sandboxes", type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", custom: true, inputs: { metadata: { name: "sandboxes.agents.x-k8s.io" } } }, type: "creating" },
      ],
    },
  };

  it("pending operations: that stack fails before its up runs, naming them and the recover command", async () => {
    const ups: string[] = [];
    const ws = fakeWorkspace((name) => fakeStack({ exportState: async () => (name === "prod-eu" ? pendingState : { version: 3, deployment: {} }), up: async () => (ups.push(name), { same: 1 }) }));
    const out = await run(["up", "--tier", "prod"], ws, VARS, FLEET, fakeDeps());
    expect(out.code).toBe(1);
    expect(ups).toEqual(["prod-ap", "prod-us"]);
    expect(out.results.find((r) => r.stack === "prod-eu")!.error).toBe(
      "1 pending operation(s) from an interrupted run: creating sandboxes (kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition); the next up would fail on objects that already exist: run `npm run -s platform -- recover --stack prod-eu`",
    );
  });

  it("a lock: whose and how old, and the recover command", async () => {
    const ws = fakeWorkspace(() => fakeStack({ locks: async () => [{ path: "/state/.pulumi/locks/organization/agent-platform/prod-us/1.json", pid: 4242, username: "ci", hostname: "runner-7", timestamp: "2026-12-04T11:47:30Z" }] }));
    const out = await run(["up", "--stack", "prod-us"], ws, VARS, FLEET, fakeDeps());
    expect(out.results[0]!.error).toBe(
      "the stack is locked (locked by ci@runner-7 (pid 4242), taken 2026-12-04T11:47:30Z, 12m 30s ago; held from another host: cannot tell whether it is still running): run `npm run -s platform -- recover --stack prod-us`",
    );
  });
});

describe("a lock the engine reports (s3, gs, azblob backends)", () => {
  it("the refusal gets whose lock and the recover command", async () => {
    const message =
      "the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  s3://state/.pulumi/locks/organization/agent-platform/prod-eu/9a.json: created by ci@runner-7 (pid 12) at 2026-12-04T11:00:00Z";
    const ws = fakeWorkspace(() => fakeStack({ preview: async () => Promise.reject(new Error(message)) }));
    const out = await run(["preview", "--stack", "prod-eu"], ws, VARS, FLEET, fakeDeps());
    expect(out.results[0]!.error).toBe(
      `${message} (locked by ci@runner-7 (pid 12), taken 2026-12-04T11:00:00Z, 1h 0m ago; held from another host: cannot tell whether it is still running): run \`npm run -s platform -- recover --stack prod-eu\``,
    );
  });
});

describe("platform stacks", () => {
  it("lists every stack file with tier, context and registry mode", async () => {
    const out = await run(["stacks"], fakeWorkspace(() => fakeStack()), {}, FLEET, fakeDeps());
    expect(out.text).toBe(
      [
        "STACK        TIER     CONTEXT      REGISTRY  SECRETS SUFFIX",
        "dev          dev      dev-shared   online    DEV",
        "dev-alice    dev      (current)    online    DEV_ALICE",
        "staging      staging  staging      online    STAGING",
        "staging-gpu  staging  staging-gpu  online    STAGING_GPU",
        "prod-ap      prod     prod-ap      online    PROD_AP",
        "prod-eu      prod     prod-eu      mirrored  PROD_EU",
        "prod-us      prod     prod-us      online    PROD_US",
      ].join("\n"),
    );
  });

  it("--json (one line, for a workflow matrix) and --tier", async () => {
    const out = await run(["stacks", "--json", "--tier", "prod"], fakeWorkspace(() => fakeStack()), {}, FLEET, fakeDeps());
    expect(out.text).not.toContain("\n");
    expect(JSON.parse(out.text)).toEqual([
      { name: "prod-ap", tier: "prod", context: "prod-ap", registryMode: "online", secretSuffix: "PROD_AP", policyConfig: "policy/config/prod.json" },
      { name: "prod-eu", tier: "prod", context: "prod-eu", registryMode: "mirrored", secretSuffix: "PROD_EU", policyConfig: "policy/config/prod.json" },
      { name: "prod-us", tier: "prod", context: "prod-us", registryMode: "online", secretSuffix: "PROD_US", policyConfig: "policy/config/prod.json" },
    ]);
  });
});
