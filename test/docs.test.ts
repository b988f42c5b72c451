/**
 * README and docs/: the generated parts match the code, every link and
 * section reference lands, and every project command, configuration key,
 * secret, stack output and repository path they name exists.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { KEY_DOCS, describeType, renderConfigDoc, schemaLeaves } from "../config/reference";
import { SECRET_KEYS } from "../config/secrets";
import { USAGE as PLATFORM_USAGE } from "../automation/orchestrate";
import { USAGE as PLAN_USAGE } from "../scripts/plan";
import { USAGE as INVENTORY_USAGE } from "../scripts/inventory";
import { CONFIG_DOC, GENERATED_BLOCKS, renderPage, withBlock } from "../scripts/render-docs";

const ROOT = join(__dirname, "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const readme = read("README.md");

/** README and every Markdown page under docs/, by path relative to the root. */
const PAGES: readonly string[] = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)].sort();
/** The task pages README must link (a contract: other pages are written into them). */
const TASK_PAGES = ["install", "connect-and-verify", "operations", "day-2", "upgrades", "troubleshooting", "frameworks", "configuration", "development"].map((p) => `docs/${p}.md`);

/** A page's lines outside fenced code blocks, and its fenced code blocks. */
function split(text: string): { prose: string; code: string[] } {
  const prose: string[] = [];
  const code: string[] = [];
  let block: string[] | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("```")) {
      if (block === undefined) block = [];
      else {
        code.push(block.join("\n"));
        block = undefined;
      }
      continue;
    }
    (block ?? prose).push(line);
  }
  return { prose: prose.join("\n"), code };
}

/** GitHub's anchor for a heading. */
export const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");

const headings = (text: string): string[] => [...split(text).prose.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.trim());

/** Markdown links of a page's prose: [text](target). */
const links = (text: string): string[] => [...split(text).prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);

/** Inline code spans of a page's prose, and the lines of its code blocks: where commands are written. */
function commandTexts(text: string): string[] {
  const { prose, code } = split(text);
  return [...[...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!), ...code.flatMap((c) => c.split("\n"))];
}

describe("README", () => {
  it("opens with the deploy command and the test command", () => {
    const firstBlock = readme.slice(readme.indexOf("```bash"), readme.indexOf("```", readme.indexOf("```bash") + 3));
    expect(firstBlock).toContain("npm ci && pulumi login --local && pulumi stack select --create dev && pulumi up --stack dev");
    expect(firstBlock).toContain("npm test");
  });

  it("is the front door: under 250 lines, with the picture, and a link to every task page", () => {
    expect(readme.split("\n").length).toBeLessThan(250);
    expect(readme).toContain("```mermaid");
    for (const page of [...TASK_PAGES, "docs/installer-rbac.yaml"]) expect(links(readme), page).toContain(page);
    for (const page of TASK_PAGES) expect(PAGES, page).toContain(page);
  });
});

describe("the generated parts of docs/ (run `npm run docs` if this fails)", () => {
  it.each(Object.keys(GENERATED_BLOCKS))("%s is current", (page) => {
    const text = read(page);
    expect(renderPage(page, text)).toBe(text);
  });

  it("docs/configuration.md holds the configuration reference, which README links", () => {
    expect(readFileSync(CONFIG_DOC, "utf8")).toContain(renderConfigDoc());
    expect(readme).toContain("[docs/configuration.md](docs/configuration.md)");
    expect(readme).not.toContain("config-table:start");
  });

  it("a page without its markers is an error naming the page", () => {
    expect(() => withBlock("# x\n", "upgrade-notes", "y", "docs/upgrades.md")).toThrow(/docs\/upgrades.md lacks the <!-- upgrade-notes:start/);
  });

  it("documents every configuration key, and nothing that is not a key", () => {
    expect(Object.keys(KEY_DOCS).sort()).toEqual(schemaLeaves().sort());
  });

  it("describes what each key accepts", () => {
    expect(describeType(z.enum(["a", "b"]))).toBe("`a` \\| `b`");
    expect(describeType(z.number().int().min(1).max(10))).toBe("integer 1–10");
    expect(describeType(z.array(z.string()).optional())).toBe("list of string (optional)");
    expect(renderConfigDoc()).toContain("| `gateway.replicas` | integer 1–10 | `1` | `2` | `3` |");
  });
});

describe("npm run docs", () => {
  it("writes only what changed, keeps the prose around a block, and says so", async () => {
    const { mkdtempSync, mkdirSync, copyFileSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { renderDocs } = await import("../scripts/render-docs");
    const tmp = mkdtempSync(join(tmpdir(), "docs-"));
    mkdirSync(join(tmp, "docs"));
    for (const f of [...Object.keys(GENERATED_BLOCKS), "docs/installer-rbac.yaml"]) copyFileSync(join(ROOT, f), join(tmp, f));
    expect(renderDocs(tmp)).toEqual([]);
    const page = read("docs/configuration.md");
    writeFileSync(join(tmp, "docs/configuration.md"), withBlock(page, "config-reference", "stale").replace("# Configuration reference", "# Configuration reference\n\nA paragraph someone wrote."));
    expect(renderDocs(tmp)).toEqual(["docs/configuration.md"]);
    const rewritten = readFileSync(join(tmp, "docs/configuration.md"), "utf8");
    expect(rewritten).toContain(renderConfigDoc());
    expect(rewritten).toContain("A paragraph someone wrote.");
  });
});

describe("links in README and docs/", () => {
  it.each(PAGES)("%s: every relative link names a file, every anchor a heading of its page", (page) => {
    const bad: string[] = [];
    for (const target of links(read(page))) {
      if (/^(https?|mailto):/.test(target)) continue;
      const [path, anchor] = target.split("#") as [string, string | undefined];
      const file = path === "" ? page : relative(ROOT, resolve(ROOT, dirname(page), path));
      if (file.startsWith("..") || !existsSync(join(ROOT, file))) {
        bad.push(`${target}: no file ${file}`);
        continue;
      }
      if (anchor !== undefined && !(file.endsWith(".md") && headings(read(file)).map(slug).includes(anchor))) bad.push(`${target}: no heading #${anchor} in ${file}`);
    }
    expect(bad).toEqual([]);
  });

  it("the anchors follow GitHub's rule", () => {
    expect(slug("agent-sandbox v0.5 to v1.0")).toBe("agent-sandbox-v05-to-v10");
    expect(slug("First run: state and secrets")).toBe("first-run-state-and-secrets");
    expect(slug("NemoClaw (and OpenClaw)")).toBe("nemoclaw-and-openclaw");
  });

  it('every `docs/<page>.md "Section"` reference, in docs and in the code\'s messages, names a heading of that page', () => {
    const sources = [
      ...PAGES,
      ...sourceFiles().filter((f) => /\.(ts|yaml|json)$/.test(f)),
    ];
    const bad: string[] = [];
    let seen = 0;
    for (const f of sources) {
      const text = read(f).replace(/\\"/g, '"');
      expect(text, `${f} points into README sections, which moved to docs/`).not.toMatch(/README(?:'s)? "/);
      for (const m of text.matchAll(/(docs\/[\w-]+\.md) "([^"]+)"/g)) {
        seen++;
        const [, page, section] = m as unknown as [string, string, string];
        if (!existsSync(join(ROOT, page))) bad.push(`${f}: ${page} does not exist`);
        else if (!headings(read(page)).includes(section) && !read(page).includes(`**${section}`)) bad.push(`${f}: ${page} has no section "${section}"`);
      }
    }
    expect(bad).toEqual([]);
    expect(seen).toBeGreaterThan(10);
  });
});

/** The repository's files outside dependencies and build output, relative to the root. */
function sourceFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    if (["node_modules", "bin", ".git", ".pulumi-state"].includes(e)) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else out.push(relative(ROOT, p));
  }
  return out;
}

describe("commands in README and docs/", () => {
  const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
  const all = PAGES.flatMap((page) => commandTexts(read(page)).map((text) => ({ page, text })));
  const flags = (s: string) => [...s.matchAll(/(?:^|\s)(--[a-z][\w-]*)/g)].map((m) => m[1]!);

  it("every `npm run` names a script of package.json", () => {
    const named = all.flatMap(({ page, text }) => [...text.matchAll(/npm run (?:-s )?([\w:][\w:-]*)/g)].map((m) => ({ page, script: m[1]! })));
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((n) => !(n.script in pkg.scripts))).toEqual([]);
  });

  it("the platform, plan and inventory commands use only their subcommands, flags and formats", () => {
    const bad: string[] = [];
    let checked = 0;
    for (const { page, text } of all) {
      for (const m of text.matchAll(/npm run (?:-s )?(platform|plan|inventory) -- ([^|>#;]*)/g)) {
        checked++;
        const [, script, args] = m as unknown as [string, string, string];
        let usage = script === "plan" ? PLAN_USAGE : INVENTORY_USAGE;
        if (script === "platform") {
          const cmd = args.trim().split(/\s+/)[0]!;
          usage = PLATFORM_USAGE.split("\n").find((l) => l.includes(`-- ${cmd} `) || (l.includes("<preview|up|destroy|refresh>") && ["preview", "up", "destroy", "refresh"].includes(cmd))) ?? "";
          if (usage === "") bad.push(`${page}: platform has no command "${cmd}" (${m[0]})`);
        }
        for (const f of flags(args)) if (!usage.includes(`${f} `) && !usage.includes(`${f}]`)) bad.push(`${page}: ${script} has no ${f} (${m[0]})`);
        const format = /--format (\w+)/.exec(args)?.[1];
        if (format !== undefined && !usage.includes(format)) bad.push(`${page}: inventory has no format ${format}`);
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(15);
  });

  it("every `pulumi config set` names a configuration key or secret, every `pulumi stack output` an output of index.ts", () => {
    const leaves = schemaLeaves();
    const outputs = read("index.ts");
    const bad: string[] = [];
    let checked = 0;
    for (const { page, text } of all) {
      for (const m of text.matchAll(/pulumi config set --path '?([\w.[\]"-]+?)'? /g)) {
        checked++;
        const key = m[1]!.replace(/\[\d+\]/g, "").replace(/\["[^"]+"\]/g, "");
        if (!leaves.some((l) => l === key || key.startsWith(`${l}.`) || l.startsWith(`${key}.`))) bad.push(`${page}: no key ${key}`);
      }
      for (const m of text.matchAll(/pulumi config set --secret (\w+)/g)) {
        checked++;
        if (!(m[1]! in SECRET_KEYS)) bad.push(`${page}: no secret ${m[1]}`);
      }
      for (const m of text.matchAll(/pulumi stack output (\w+)/g)) {
        checked++;
        if (!new RegExp(`\\b${m[1]}:`).test(outputs) && !new RegExp(`\\b${m[1]}\\b,`).test(outputs)) bad.push(`${page}: no stack output ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(8);
  });

  it("every repository path in code spans exists", () => {
    const tops = new Set(readdirSync(ROOT).filter((e) => e !== "node_modules" && statSync(join(ROOT, e)).isDirectory()));
    const bad: string[] = [];
    let checked = 0;
    for (const { page, text } of all) {
      for (const m of text.matchAll(/(?:^|[\s(`])((?:\.?[\w-]+\/)+[\w.-]+\.(?:ts|mts|json|yaml|yml|md|sh))(?=$|[\s):`,])/g)) {
        const path = m[1]!;
        if (!tops.has(path.split("/")[0]!)) continue; // upstream paths (crates/…, deploy/…) name other repositories
        checked++;
        if (!existsSync(join(ROOT, path))) bad.push(`${page}: ${path}`);
      }
    }
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });
});
