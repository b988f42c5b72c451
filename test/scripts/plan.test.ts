import { describe, expect, it } from "vitest";
import { USAGE, parsePlanArgs, planText } from "../../scripts/plan";
import { ROOT } from "../harness/stackConfig";

describe("npm run plan", () => {
  it("dev: components, order, versions, images, settings and the relaxations in force", () => {
    const text = planText(ROOT, ["--stack", "dev"]);
    expect(text.split("\n").slice(0, 3)).toEqual([
      "stack dev (tier dev, Kubernetes 1.34, registry online)",
      "components: agentSandbox on, openshell on, cloudnativePg off, gpuOperator off, csiDriverNfs off, cephCsi off",
      "install order: namespaces -> policies -> agent-sandbox -> pki -> gateway (critical path 3: namespaces -> policies -> gateway)",
    ]);
    expect(text).toContain("  database: SQLite\n");
    expect(text).toContain("  podSecurity: agent-sandbox-system=baseline, openshell=baseline, openshell-sandboxes=privileged\n");
    expect(text).toContain("relaxations:\n  namespace agent-sandbox-system: Pod Security enforced at baseline, not restricted (policies.profile: relaxed)\n");
  });

  it("--json gives the same summary as data", () => {
    const s = JSON.parse(planText(ROOT, ["--stack", "staging", "--json"])) as { components: Record<string, boolean>; settings: { database: string }; images: string[] };
    expect(s.components).toEqual({ agentSandbox: true, openshell: true, cloudnativePg: true, gpuOperator: false, csiDriverNfs: true, cephCsi: false });
    expect(s.settings.database).toBe("Postgres 2 instance(s), 10Gi");
    expect(s.images).toHaveLength(12);
  });

  it.each([
    [[], `--stack is required\n${USAGE}`],
    [["--stack"], `--stack needs a value\n${USAGE}`],
    [["--stack", "dev", "--yaml"], `unknown argument "--yaml"\n${USAGE}`],
  ])("%j", (argv, message) => {
    expect(() => parsePlanArgs(argv)).toThrow(message);
  });
});
