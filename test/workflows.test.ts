/** The GitHub workflows: what runs on pull requests and on main, in what order, with which guards, over which stacks. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { stacksCommand } from "../automation/orchestrate";
import { discoverStacks, TIERS, type StackInfo } from "../automation/stacks";
import { exampleStacks } from "../config/stackFile";

type Step = { id?: string; name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { needs?: string | string[]; if?: string; environment?: string; outputs?: Record<string, string>; strategy?: { "fail-fast"?: boolean; matrix: { stack: unknown } }; steps: Step[] };
const ROOT = join(__dirname, "..");
const raw = (name: string) => readFileSync(join(ROOT, ".github", "workflows", name), "utf8");
const load = (name: string) => parse(raw(name)) as { on: unknown; jobs: Record<string, Job>; permissions: Record<string, string> };
const pulumiStep = (job: Job) => job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;

/** What `npm run -s platform -- stacks --json [--tier T]` prints here: the matrix the workflows read. */
const matrix = (...argv: string[]): StackInfo[] => {
  const out = stacksCommand(["--json", ...argv], ROOT, discoverStacks);
  expect(out.code).toBe(0);
  return JSON.parse(out.text) as StackInfo[];
};

/** The rule for each stack's secrets (docs/many-clusters.md). */
const SECRETS = {
  kubeconfig: "${{ secrets[format('KUBECONFIG_{0}', matrix.stack.secretSuffix)] }}",
  backend: "${{ secrets[format('PULUMI_BACKEND_URL_{0}', matrix.stack.secretSuffix)] || secrets.PULUMI_BACKEND_URL }}",
  passphrase: "${{ secrets[format('PULUMI_CONFIG_PASSPHRASE_{0}', matrix.stack.secretSuffix)] || secrets.PULUMI_CONFIG_PASSPHRASE }}",
};

describe("the matrix is the stack files", () => {
  it("platform stacks --json lists exactly the Pulumi.<name>.yaml files, each once; by tier they partition it", () => {
    const files = exampleStacks(ROOT);
    expect(matrix().map((s) => s.name).sort()).toEqual(files);
    const byTier = TIERS.flatMap((t) => matrix("--tier", t).map((s) => s.name));
    expect(byTier.sort()).toEqual(files);
    for (const s of matrix()) expect(s.policyConfig).toBe(`policy/config/${s.tier}.json`);
  });

  it("no workflow lists stack names by hand", () => {
    for (const name of ["preview.yml", "deploy.yml"]) {
      const wf = load(name);
      for (const job of Object.values(wf.jobs)) {
        if (job.strategy !== undefined) expect(job.strategy.matrix.stack).toMatch(/^\$\{\{ fromJSON\(needs\.stacks\.outputs\.\w+\) \}\}$/);
        const step = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
        if (step !== undefined) expect(step.with!["stack-name"]).toBe("${{ matrix.stack.name }}");
      }
      expect(raw(name)).not.toMatch(/KUBECONFIG_(DEV|STAGING|PROD)\b|\[dev, staging, prod\]|policy\/config\/(dev|staging|prod)\.json/);
    }
  });
});

describe("preview on pull requests", () => {
  const wf = load("preview.yml");
  it("tests first; the stacks job feeds the matrix from platform stacks --json; every stack previews with its tier's policy config", () => {
    expect(wf.on).toEqual({ pull_request: null });
    expect(wf.jobs["test"]!.steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci", "npm test"]);
    const stacks = wf.jobs["stacks"]!;
    expect(stacks.steps.find((s) => s.id === "stacks")!.run).toBe('echo "stacks=$(npm run -s platform -- stacks --json)" >> "$GITHUB_OUTPUT"');
    expect(stacks.outputs).toEqual({ stacks: "${{ steps.stacks.outputs.stacks }}" });
    const preview = wf.jobs["preview"]!;
    expect(preview.needs).toEqual(["test", "stacks"]);
    expect(preview.strategy).toMatchObject({ "fail-fast": false, matrix: { stack: "${{ fromJSON(needs.stacks.outputs.stacks) }}" } });
    expect(pulumiStep(preview).with).toEqual({
      command: "preview",
      "stack-name": "${{ matrix.stack.name }}",
      "cloud-url": SECRETS.backend,
      "comment-on-pr": true,
      "edit-pr-comment": true,
      "always-include-summary": true,
      diff: true,
      policyPacks: "policy",
      policyPackConfigs: "${{ matrix.stack.policyConfig }}",
    });
    expect(pulumiStep(preview).env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", PULUMI_CONFIG_PASSPHRASE: SECRETS.passphrase });
    expect(wf.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  it("a stack that pins no context previews on a throwaway kind cluster; the others get their KUBECONFIG_<SUFFIX>", () => {
    const preview = wf.jobs["preview"]!;
    expect(preview.steps.find((s) => s.uses === "helm/kind-action@v1")!.if).toBe("${{ !matrix.stack.context }}");
    const kube = preview.steps.find((s) => s.name === "kubeconfig")!;
    expect([kube.if, kube.env]).toEqual(["${{ matrix.stack.context }}", { KUBECONFIG_DATA: SECRETS.kubeconfig }]);
    // The repository's stacks: dev (current context) on kind, staging and prod on their clusters.
    expect(matrix().map((s) => [s.name, s.context !== undefined])).toEqual([
      ["dev", false],
      ["staging", true],
      ["prod", true],
    ]);
  });
});

describe("deploy on main", () => {
  const wf = load("deploy.yml");
  it("promotes tier by tier: every dev-tier stack, then staging, then prod; every prod-tier stack behind the production environment", () => {
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
    expect(wf.jobs["stacks"]!.steps.find((s) => s.id === "stacks")!.run).toBe(
      'for tier in dev staging prod; do\n  echo "$tier=$(npm run -s platform -- stacks --json --tier "$tier")" >> "$GITHUB_OUTPUT"\ndone\n',
    );
    expect([wf.jobs["dev"]!.needs, wf.jobs["staging"]!.needs, wf.jobs["prod"]!.needs]).toEqual([["test", "stacks"], ["stacks", "dev"], ["stacks", "staging"]]);
    expect([wf.jobs["dev"]!.environment, wf.jobs["staging"]!.environment, wf.jobs["prod"]!.environment]).toEqual(["dev", "staging", "production"]);
    expect(wf.jobs["staging"]!.if).toBe("${{ !failure() && !cancelled() && needs.stacks.outputs.staging != '[]' }}");
    for (const tier of TIERS) {
      const job = wf.jobs[tier]!;
      expect(wf.jobs["stacks"]!.outputs![tier]).toBe(`\${{ steps.stacks.outputs.${tier} }}`);
      expect(job.strategy).toMatchObject({ "fail-fast": false, matrix: { stack: `\${{ fromJSON(needs.stacks.outputs.${tier}) }}` } });
      expect(pulumiStep(job).with).toEqual({ command: "up", "stack-name": "${{ matrix.stack.name }}", "cloud-url": SECRETS.backend, policyPacks: "policy", policyPackConfigs: "${{ matrix.stack.policyConfig }}" });
      expect(pulumiStep(job).env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", PULUMI_CONFIG_PASSPHRASE: SECRETS.passphrase });
      expect(job.steps.find((s) => s.name === "kubeconfig")!.env).toEqual({ KUBECONFIG_DATA: SECRETS.kubeconfig });
    }
    // Today's stacks keep today's secret names: KUBECONFIG_DEV, KUBECONFIG_STAGING, KUBECONFIG_PROD.
    expect(matrix().map((s) => s.secretSuffix)).toEqual(["DEV", "STAGING", "PROD"]);
    expect(matrix("--tier", "prod").map((s) => s.name)).toEqual(["prod"]);
  });
});
