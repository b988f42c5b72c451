/**
 * Pulumi.yaml declares exactly the keys the program reads, in the shape the
 * Pulumi CLI accepts, and the example stacks use only declared keys and
 * commit no secret.
 */
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, REQUIRED_KEYS } from "../../config/schema";
import { SECRET_KEYS } from "../../config/secrets";
import { EXAMPLE_STACKS, buildConfigMap, readProject, readStackFile } from "../harness/stackConfig";

const project = readProject();
const decls = project.config;

describe("Pulumi.yaml config declarations", () => {
  it("declare every key of the schema and every secret, and nothing else", () => {
    expect(Object.keys(decls).sort()).toEqual([...Object.keys(CONFIG_KEYS), ...Object.keys(SECRET_KEYS)].sort());
  });

  it.each(Object.entries(CONFIG_KEYS))("%s is declared as %s with a description", (key, kind) => {
    const d = decls[key]!;
    expect(d.description?.length ?? 0).toBeGreaterThan(20);
    if (kind === "string") expect(d.type).toBe("string");
    else {
      // Pulumi's project schema has no object type: untyped, default {}.
      expect(d.type).toBeUndefined();
      expect(d.default).toEqual({});
    }
  });

  it("only the keys every stack must set have no default (Pulumi makes those mandatory)", () => {
    const mandatory = Object.entries(decls)
      .filter(([, d]) => d.default === undefined)
      .map(([k]) => k)
      .sort();
    expect(mandatory).toEqual([...REQUIRED_KEYS].sort());
  });

  it.each(Object.entries(SECRET_KEYS))("secret %s: string, empty default, described as SECRET", (key, text) => {
    expect(decls[key]).toEqual({ type: "string", description: `SECRET. ${text}`, default: "" });
  });
});

describe.each(EXAMPLE_STACKS)("Pulumi.%s.yaml", (stack) => {
  const raw = readStackFile(stack);

  it("sets only declared project keys, namespaced with the project name", () => {
    for (const key of Object.keys(raw)) {
      expect(key.startsWith(`${project.name}:`)).toBe(true);
      expect(Object.keys(decls)).toContain(key.slice(project.name.length + 1));
    }
  });

  it("commits no secret value", () => {
    const secretKeys = Object.keys(SECRET_KEYS).map((k) => `${project.name}:${k}`);
    expect(Object.keys(raw).filter((k) => secretKeys.includes(k))).toEqual([]);
    expect(JSON.stringify(raw)).not.toContain("secure");
  });

  it("sets the tier named like the stack and a quoted Kubernetes version", () => {
    expect(raw[`${project.name}:tier`]).toBe(stack);
    expect(typeof raw[`${project.name}:kubernetesVersion`]).toBe("string");
  });

  it("leaves no declared key without a value once project defaults apply", () => {
    expect(() => buildConfigMap(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.split(":")[1]!, v])))).not.toThrow();
  });
});
