/**
 * components/sdkLazyModules.ts: a deferred module is loaded on first use and
 * then behaves as itself; in a fresh Node process, importing the file before
 * the SDK keeps @npmcli/arborist and the Automation API unloaded until used.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFERRED_SDK_MODULES, STAND_IN, deferModule } from "../../components/sdkLazyModules";

const ROOT = resolve(__dirname, "../..");

function fixtureModule(): string {
  const dir = mkdtempSync(join(tmpdir(), "deferred-"));
  const path = join(dir, "m.js");
  writeFileSync(path, "globalThis.__deferredLoads = (globalThis.__deferredLoads ?? 0) + 1;\nexports.value = 42;\nexports.twice = function () { return this.value * 2; };\n");
  return path;
}

const loads = () => (globalThis as { __deferredLoads?: number }).__deferredLoads ?? 0;

describe("deferModule", () => {
  it("loads the module at the first read, once, and forwards reads, keys and writes to it", () => {
    const path = fixtureModule();
    const before = loads();
    expect(deferModule(path)).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const standIn = require(path) as Record<string | symbol, unknown>;
    expect(standIn[STAND_IN]).toBe(true);
    expect(standIn["__esModule"]).toBe(true);
    expect(loads()).toBe(before);

    expect(standIn["value"]).toBe(42);
    expect(loads()).toBe(before + 1);
    expect((standIn as { twice: () => number }).twice()).toBe(84);
    expect(Object.keys(standIn)).toEqual(["value", "twice"]);
    expect("twice" in standIn).toBe(true);
    expect(standIn[STAND_IN]).toBe(false);

    // The real module now answers require, and writes through the stand-in reach it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const real = require(path) as Record<string, unknown>;
    expect(real).not.toBe(standIn);
    standIn["value"] = 7;
    expect(real["value"]).toBe(7);
    expect(loads()).toBe(before + 1);
  });

  it("leaves a module that is already loaded alone", () => {
    const path = fixtureModule();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const real = require(path) as unknown;
    expect(deferModule(path)).toBe(false);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require(path)).toBe(real);
  });
});

describe("the program's start (a fresh Node process, as under Pulumi)", () => {
  it("defers both SDK modules, and each is the real module once used", () => {
    const script = `
      const lazy = require("./components/sdkLazyModules.ts");
      const Module = require("node:module");
      const path = (m) => Module.createRequire(require.resolve(m.requiredBy)).resolve(m.specifier);
      const [arborist, automation] = lazy.DEFERRED_SDK_MODULES.map(path);
      const pulumi = require("@pulumi/pulumi");
      require("@pulumi/pulumi/runtime/closure/codePaths");
      const out = { deferred: lazy.DEFERRED_AT_LOAD, standInsAfterSdkLoad: [arborist, automation].map((p) => require.cache[p].exports[lazy.STAND_IN]) };
      const arboristStandIn = require.cache[arborist].exports;
      out.automationUsed = typeof pulumi.automation.LocalWorkspace.create;
      out.automationIsReal = pulumi.automation.LocalWorkspace === require(automation).LocalWorkspace;
      out.arboristIsReal = typeof arboristStandIn.Arborist === "function" && arboristStandIn.Arborist === require(arborist).Arborist;
      console.log(JSON.stringify(out));
    `;
    const res = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(res.stderr).toBe("");
    expect(JSON.parse(res.stdout)).toEqual({
      deferred: DEFERRED_SDK_MODULES.map((m) => m.specifier),
      standInsAfterSdkLoad: [true, true],
      automationUsed: "function",
      automationIsReal: true,
      arboristIsReal: true,
    });
  });
});
