/**
 * How Pulumi runs the program: Pulumi.yaml points the Node.js runtime at
 * tsconfig.pulumi.json, whose own compilerOptions (the SDK reads them without
 * following `extends`) say `noCheck`, so ts-node transpiles without type
 * checking; everything else it compiles with is tsconfig.json's, so the
 * emitted JavaScript is what it was. Type checking is `npm test`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const read = (f: string) => readFileSync(join(ROOT, f), "utf8");

/** A tsconfig's options as TypeScript resolves them (extends followed), minus what only type checking uses. */
function resolved(file: string): ts.CompilerOptions {
  const { config } = ts.parseConfigFileTextToJson(file, read(file));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, join(ROOT, file));
  expect(parsed.errors).toEqual([]);
  const { configFilePath: _path, noCheck: _noCheck, ...rest } = parsed.options;
  return rest;
}

describe("the program's compile settings under Pulumi", () => {
  it("Pulumi.yaml: TypeScript through tsconfig.pulumi.json", () => {
    const project = parse(read("Pulumi.yaml")) as { runtime: { name: string; options: Record<string, unknown> } };
    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true, tsconfig: "tsconfig.pulumi.json", packagemanager: "npm" } });
  });

  it("tsconfig.pulumi.json's own compilerOptions, as the SDK reads them: noCheck (transpile only), tsconfig.json's target, module and module resolution", () => {
    const own = ts.parseConfigFileTextToJson("tsconfig.pulumi.json", read("tsconfig.pulumi.json")).config.compilerOptions as Record<string, unknown>;
    const base = ts.parseConfigFileTextToJson("tsconfig.json", read("tsconfig.json")).config.compilerOptions as Record<string, unknown>;
    expect(own["noCheck"]).toBe(true);
    for (const k of ["target", "module", "moduleResolution", "sourceMap"]) expect([k, own[k]]).toEqual([k, base[k]]);
  });

  it("resolved with extends, the same options as tsconfig.json save noCheck: the same JavaScript", () => {
    expect(resolved("tsconfig.pulumi.json")).toEqual(resolved("tsconfig.json"));
    const src = read("index.ts");
    const emit = (file: string) => ts.transpileModule(src, { compilerOptions: resolved(file), fileName: "index.ts" }).outputText;
    expect(emit("tsconfig.pulumi.json")).toBe(emit("tsconfig.json"));
  });

  it("npm test still type-checks, with tsconfig.json (no noCheck there)", () => {
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(pkg.scripts["test"]).toMatch(/^tsc --noEmit -p tsconfig\.json && /);
    expect(ts.parseConfigFileTextToJson("tsconfig.json", read("tsconfig.json")).config.compilerOptions.noCheck).toBeUndefined();
  });
});
