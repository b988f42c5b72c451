/** README's generated parts match the code; the configuration reference documents every key. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_DOCS, describeType, renderConfigDoc, renderConfigTable, schemaLeaves } from "../config/reference";
import { z } from "zod";
import { CONFIG_DOC, END, START, renderReadme } from "../scripts/render-docs";

const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

describe("README", () => {
  it("opens with the deploy command and the test command", () => {
    const firstBlock = readme.slice(readme.indexOf("```bash"), readme.indexOf("```", readme.indexOf("```bash") + 3));
    expect(firstBlock).toContain("npm ci && pulumi login --local && pulumi stack select --create dev && pulumi up --stack dev");
    expect(firstBlock).toContain("npm test");
  });

  it("has the current configuration table (run `npm run docs` if this fails)", () => {
    expect(renderReadme(readme)).toBe(readme);
    expect(readme).toContain(renderConfigTable());
    expect(readme).toContain(START);
    expect(readme).toContain(END);
  });

  it("documents every configuration key, and nothing that is not a key", () => {
    expect(Object.keys(KEY_DOCS).sort()).toEqual(schemaLeaves().sort());
  });
});

describe("docs/configuration.md", () => {
  it("is current (run `npm run docs` if this fails) and README links it", () => {
    expect(readFileSync(CONFIG_DOC, "utf8")).toBe(renderConfigDoc());
    expect(readme).toContain("[docs/configuration.md](docs/configuration.md)");
  });

  it("describes what each key accepts", () => {
    expect(describeType(z.enum(["a", "b"]))).toBe("`a` \\| `b`");
    expect(describeType(z.number().int().min(1).max(10))).toBe("integer 1–10");
    expect(describeType(z.array(z.string()).optional())).toBe("list of string (optional)");
    expect(renderConfigDoc()).toContain("| `gateway.replicas` | integer 1–10 | `1` | `2` | `3` |");
  });
});

describe("npm run docs", () => {
  it("writes only what changed, and says so", async () => {
    const { mkdtempSync, mkdirSync, copyFileSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { renderDocs } = await import("../scripts/render-docs");
    const root = join(__dirname, "..");
    const tmp = mkdtempSync(join(tmpdir(), "docs-"));
    mkdirSync(join(tmp, "docs"));
    for (const f of ["README.md", "docs/configuration.md", "docs/installer-rbac.yaml"]) copyFileSync(join(root, f), join(tmp, f));
    expect(renderDocs(tmp)).toEqual([]);
    writeFileSync(join(tmp, "docs/configuration.md"), "stale\n");
    expect(renderDocs(tmp)).toEqual(["docs/configuration.md"]);
    expect(readFileSync(join(tmp, "docs/configuration.md"), "utf8")).toBe(renderConfigDoc());
  });
});
