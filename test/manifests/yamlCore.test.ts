/**
 * manifests/yamlCore.ts: js-yaml with the core schema gives what `yaml`
 * gives (the reader parseManifest used before), on plain scalars of every
 * shape and on whole multi-document texts; texts js-yaml refuses come back
 * undefined so the caller falls back to `yaml`.
 */
import { describe, expect, it } from "vitest";
import * as fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments, stringify } from "yaml";
import { LEFT_TO_YAML, loadAllCore } from "../../manifests/yamlCore";
import { parseManifest } from "../../manifests/agentSandbox";
import { FIXTURE_MANIFEST, FIXTURE_V05_MANIFEST } from "../harness/program";

/** What `yaml` reads, or undefined when it reports an error. */
function viaYaml(text: string): unknown[] | undefined {
  const docs = parseAllDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) return undefined;
  return docs.map((d) => d.toJS() as unknown);
}

const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

describe("loadAllCore", () => {
  it.each([
    // The scalars where js-yaml's own core schema and `yaml` disagree, and YAML 1.1 forms that stay strings.
    ["0b101", "0b101"],
    ["-.5", -0.5],
    ["-0", -0],
    ["yes", "yes"],
    ["on", "on"],
    ["0777", 777],
    ["0o17", 15],
    ["0x1F", 31],
    ["1_000", "1_000"],
    ["2024-01-01", "2024-01-01"],
    [".inf", Infinity],
    ["-.Inf", -Infinity],
    [".NaN", NaN],
    ["~", null],
    ["", null],
    ["True", true],
    ["tRue", "tRue"],
    ["1e3", 1000],
    ["1.", 1],
    ['"12"', "12"],
    ["'true'", "true"],
  ])("reads the plain scalar %j as yaml does", (src, value) => {
    const text = `k: ${src}\n`;
    expect(loadAllCore(text)).toEqual([{ k: value }]);
    expect(same(loadAllCore(text), viaYaml(text))).toBe(true);
  });

  it("keeps merge keys as plain keys, and anchors without aliases", () => {
    const text = "a: &x {p: 1}\nb:\n  <<: {p: 1}\n  q: 2\n";
    expect(loadAllCore(text)).toEqual([{ a: { p: 1 }, b: { "<<": { p: 1 }, q: 2 } }]);
    expect(same(loadAllCore(text), viaYaml(text))).toBe(true);
  });

  it.each([
    ["~: v\n", [{ "": "v" }]],
    ["- null: v\n", [[{ "": "v" }]]],
    ["a: {~: 1, b: ~}\n", [{ a: { "": 1, b: null } }]],
    ["&n ~: v\nb: ~\n", [{ "": "v", b: null }]],
  ])("reads the null key in %j as yaml does (\"\")", (text, value) => {
    expect(loadAllCore(text)).toEqual(value);
    expect(same(loadAllCore(text), viaYaml(text))).toBe(true);
  });

  it.each([
    ["a: {b: 1, : 2}\n", "an empty key"],
    ["? \n: v\n", "an empty explicit key"],
    ['"null": 1\n', "a key that reads as an empty one (a false alarm)"],
    ["? [1]\n: v\n", "an explicit key"],
    ["a: {? [1]}\n", "an explicit key in a flow mapping"],
    ["[1]: v\n", "a flow sequence as a key"],
    ["a: {{b: 1}: v}\n", "a flow mapping as a key"],
    ["a: &k [1]\n*k : v\n", "an alias as a key"],
    ["a: &x {p: 1}\nb: *x\n", "an alias (yaml caps how far aliases expand)"],
    ["a: [1, 2\n", "unclosed flow sequence"],
    ["a: 1\na: 2\n", "duplicate key"],
    ["a: !!binary aGVsbG8=\n", "a tag outside the core schema"],
    ["a: !Ref x\n", "a local tag"],
  ])("returns undefined for %j (%s), so the caller reads it with yaml", (text) => {
    expect(loadAllCore(text)).toBeUndefined();
  });

  it("agrees with yaml on any plain scalar made of number, boolean and null characters", () => {
    const chars = fc.constantFrom(..."0123456789+-._eExXoObB~aAfFiInNlLtTrRuUsS".split(""));
    fc.assert(
      fc.property(fc.string({ unit: chars, minLength: 1, maxLength: 8 }), (s) => {
        const text = `k: ${s}\nlist: [${s}]\n${s}: v\n`;
        const expected = viaYaml(text);
        const actual = loadAllCore(text);
        // Where both read the text, the values are the same (keys included).
        if (expected !== undefined && actual !== undefined) return same(actual, expected);
        return true;
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with yaml on documents yaml writes, several to a text", () => {
    const doc = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 4 }), (docs) => {
        const text = docs.map((d) => stringify(d)).join("---\n");
        const actual = loadAllCore(text);
        // js-yaml reads everything yaml writes; only the key screen may leave a text to yaml.
        if (actual === undefined) return LEFT_TO_YAML.some((re) => re.test(text));
        return same(actual, viaYaml(text));
      }),
      { numRuns: 500 },
    );
  });

  it("reads the release-shaped fixtures itself, exactly as yaml does", () => {
    for (const text of [FIXTURE_MANIFEST, FIXTURE_V05_MANIFEST]) {
      expect(loadAllCore(text)).toBeDefined();
      expect(same(loadAllCore(text), viaYaml(text))).toBe(true);
    }
  });
});

describe("parseManifest falls back to yaml", () => {
  it("for a text js-yaml refuses but yaml reads (a tag outside the core schema)", () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nbinaryData:\n  b: !!binary aGVsbG8=\n";
    expect(loadAllCore(text)).toBeUndefined();
    expect(parseManifest("x", text)).toEqual(viaYaml(text));
  });

  it("naming the document yaml found invalid", () => {
    expect(() => parseManifest("x", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\na: [1, 2\n")).toThrow('manifest "x": document 2 is not valid YAML: ');
  });
});
