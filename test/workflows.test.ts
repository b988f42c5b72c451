/** The GitHub workflows: what runs on pull requests and on main, in what order, with which guards. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { needs?: string | string[]; environment?: string; strategy?: { matrix: { stack: string[] } }; steps: Step[] };
const load = (name: string) => parse(readFileSync(join(__dirname, "..", ".github", "workflows", name), "utf8")) as { on: unknown; jobs: Record<string, Job>; permissions: Record<string, string> };
const pulumiStep = (job: Job) => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;

describe("preview on pull requests", () => {
  const wf = load("preview.yml");
  it("tests first, then previews every environment with the policy pack, one updated comment each", () => {
    expect(wf.on).toEqual({ pull_request: null });
    expect(wf.jobs["test"]!.steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci", "npm test"]);
    const preview = wf.jobs["preview"]!;
    expect(preview.needs).toBe("test");
    expect(preview.strategy!.matrix.stack).toEqual(["dev", "staging", "prod"]);
    expect(pulumiStep(preview).with).toEqual({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      "cloud-url": "${{ secrets.PULUMI_BACKEND_URL }}",
      "comment-on-pr": true,
      "edit-pr-comment": true,
      "always-include-summary": true,
      diff: true,
      policyPacks: "policy",
      policyPackConfigs: "policy/config/${{ matrix.stack }}.json",
    });
    expect(wf.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });
});

describe("deploy on main", () => {
  const wf = load("deploy.yml");
  it("runs up for dev, then staging, then prod; prod behind the production environment", () => {
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
    expect([wf.jobs["dev"]!.needs, wf.jobs["staging"]!.needs, wf.jobs["prod"]!.needs]).toEqual(["test", "dev", "staging"]);
    expect(wf.jobs["prod"]!.environment).toBe("production");
    for (const stack of ["dev", "staging", "prod"]) {
      expect(pulumiStep(wf.jobs[stack]!).with).toMatchObject({ command: "up", "stack-name": stack, policyPacks: "policy", policyPackConfigs: `policy/config/${stack}.json` });
      expect(pulumiStep(wf.jobs[stack]!).env).toEqual({
        PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
        PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
      });
    }
  });
});
