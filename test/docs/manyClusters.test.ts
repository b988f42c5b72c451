/**
 * docs/many-clusters.md (and README's platform commands): every `npm run -s platform -- …` command in
 * a bash block is one the CLI accepts, run in a copy of the project after the page's own `cp`
 * commands (so "a new stack in two commands" is shown to work); every relative link resolves; the
 * messages and the engine call it quotes are the code's.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../automation/orchestrate";
import { backendFor } from "../../automation/stacks";
import { StackFileError } from "../../config/stackFile";
import { fakeDeps, fakeStack, fakeWorkspace } from "../automation/fakes";

const ROOT = join(__dirname, "..", "..");
const PAGE = join(ROOT, "docs", "many-clusters.md");
const page = readFileSync(PAGE, "utf8");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

const bashLines = (md: string): string[] =>
  [...md.matchAll(/```bash\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l !== ""));

/** A shell word split good enough for the documented commands (single quotes). */
const words = (line: string): string[] => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);

/** A copy of the project's stack files, where the page's commands run. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "many-clusters-"));
  for (const f of readdirSync(ROOT).filter((n) => /^Pulumi\..*yaml$/.test(n))) cpSync(join(ROOT, f), join(dir, f));
  return dir;
}

/** Runs one documented command with no Pulumi CLI: parsing and selection happen, nothing else. */
async function check(line: string, dir: string): Promise<{ code: number; text: string }> {
  const argv = words(line);
  if (argv[0] === "cp") {
    cpSync(join(dir, argv[1]!), join(dir, argv[2]!));
    return { code: 0, text: "" };
  }
  expect(argv.slice(0, 4)).toEqual(["npm", "run", "-s", "platform"]);
  expect(argv[4]).toBe("--");
  const d = fakeDeps();
  const stop = (): never => {
    throw new StackFileError("stop");
  };
  return run(argv.slice(5), fakeWorkspace(() => fakeStack(), null), {}, dir, { ...d, verify: { ...d.verify, plan: stop }, client: { plan: stop } });
}

describe("docs/many-clusters.md", () => {
  it("README links it from a short Many clusters paragraph", () => {
    expect(readme).toContain("**Many clusters.**");
    expect(readme).toContain("[docs/many-clusters.md](docs/many-clusters.md)");
  });

  it("every relative link resolves", () => {
    const links = [...page.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect([l, existsSync(resolve(dirname(PAGE), l))]).toEqual([l, true]);
  });

  it("a new stack in two commands: the copy is a stack the very next command previews", async () => {
    const dir = project();
    const lines = bashLines(page);
    expect(lines.slice(0, 2)).toEqual(["cp Pulumi.prod.yaml Pulumi.prod-eu.yaml", "npm run -s platform -- preview --stack prod-eu"]);
    await check(lines[0]!, dir);
    const out = await check(lines[1]!, dir);
    // Past parsing and selection: it stops only for the missing Pulumi CLI.
    expect(out.code).toBe(2);
    expect(out.text).toMatch(/^the Pulumi CLI was not found on PATH/);
  });

  it("every platform command on the page, in README and in the operations and connect pages is accepted (no usage error)", async () => {
    const dir = project();
    const others = ["README.md", "docs/operations.md", "docs/connect-and-verify.md"].map((f) => readFileSync(join(ROOT, f), "utf8"));
    const lines = [...bashLines(page), ...others.flatMap((t) => bashLines(t).filter((l) => l.startsWith("npm run -s platform --")))];
    expect(lines.filter((l) => l.startsWith("npm run -s platform --")).length).toBeGreaterThan(12);
    for (const line of lines) {
      if (!line.startsWith("cp ") && !line.startsWith("npm run -s platform --")) continue;
      const out = await check(line, dir);
      expect([line, out.text]).not.toEqual([line, expect.stringContaining("usage: npm run -s platform")]);
      expect([line, out.code === 0 || /Pulumi CLI was not found|(^|: )stop$/.test(out.text)]).toEqual([line, true]);
    }
  });

  it("quotes the code's own messages and engine call", () => {
    const flat = page.replace(/\s*\n\s*/g, " ");
    const noBackend = (() => {
      try {
        backendFor({ name: "prod-eu", tier: "prod" }, {}, "/r");
      } catch (err) {
        return (err as Error).message;
      }
      return "";
    })();
    expect(flat).toContain(`\`${noBackend.slice(0, noBackend.indexOf(" (a shared"))} …\``);
    const noPassphrase = (() => {
      try {
        backendFor({ name: "prod-eu", tier: "prod" }, { PULUMI_BACKEND_URL: "s3://b" }, "/r");
      } catch (err) {
        return (err as Error).message;
      }
      return "";
    })();
    expect(flat).toContain(`\`${noPassphrase.slice(0, noPassphrase.indexOf(" (or their"))} …\``);
    expect(flat).toContain("`pulumi stack import`");
  });
});
