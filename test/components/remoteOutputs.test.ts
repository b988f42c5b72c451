/**
 * components/remoteOutputs.ts: the program's remote components (the charts and
 * the agent-sandbox ConfigGroup) ask for their outputs without resource
 * references, everything else keeps them; what the engine receives is
 * otherwise the same (bench/graph.ts compares the whole graph).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { remoteOutputsWithoutResourceReferences } from "../../components/remoteOutputs";
import { VARIANTS } from "../../bench/graph";
import type { Evaluation } from "../harness/mocks";
import { runComponents, runExample, runProgram } from "../harness/program";

const REMOTE_TYPES = ["kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigGroup"];

function byAcceptance(ev: Evaluation) {
  const remote = ev.resources.filter((r) => r.remote);
  const local = ev.resources.filter((r) => !r.remote);
  return { remote, local };
}

describe("remote components' outputs without resource references", () => {
  for (const stack of ["dev", "staging", "prod"]) {
    it(`${stack}: every chart and the ConfigGroup ask without; no other registration does`, async () => {
      const { remote, local } = byAcceptance(await runExample(stack));
      expect(remote.length).toBeGreaterThan(1);
      expect(new Set(remote.map((r) => r.type))).toEqual(new Set(REMOTE_TYPES));
      expect(remote.filter((r) => r.acceptResources)).toEqual([]);
      expect(local.length).toBeGreaterThan(10);
      expect(local.filter((r) => !r.acceptResources).map((r) => r.name)).toEqual([]);
    });
  }

  it("every graph variant: the same rule", async () => {
    for (const [name, v] of Object.entries(VARIANTS)) {
      const { remote, local } = byAcceptance(await runProgram(v.stack, v.config()));
      expect(remote.every((r) => REMOTE_TYPES.includes(r.type) && !r.acceptResources), name).toBe(true);
      expect(local.every((r) => r.acceptResources), name).toBe(true);
    }
  });

  it("without the program's switch, the SDK asks for references on remote components too (what the switch changes)", async () => {
    const ev = await runComponents(() => {
      new k8s.helm.v4.Chart("c", { chart: "oci://registry.example/c", version: "1.0.0" });
      new k8s.core.v1.ConfigMap("m", { data: { a: "b" } });
    });
    expect(ev.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => [r.name, r.remote, r.acceptResources])).toEqual([
      ["c", true, true],
      ["m", false, true],
    ]);
  });

  it("idempotent: applied twice, one wrapper", async () => {
    let same = false;
    const ev = await runComponents(() => {
      remoteOutputsWithoutResourceReferences();
      const once = (pulumi.runtime.getMonitor() as unknown as { registerResource: unknown }).registerResource;
      remoteOutputsWithoutResourceReferences();
      same = (pulumi.runtime.getMonitor() as unknown as { registerResource: unknown }).registerResource === once;
      new k8s.yaml.v2.ConfigGroup("g", { objs: [] });
      new k8s.core.v1.ConfigMap("m", { data: { a: "b" } });
    });
    expect(same).toBe(true);
    expect(ev.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => [r.name, r.remote, r.acceptResources])).toEqual([
      ["g", true, false],
      ["m", false, true],
    ]);
  });

  it("a monitor without registerResource is refused, naming the SDK change", async () => {
    await pulumi.runtime.setMocks({ newResource: () => ({ id: undefined, state: {} }), call: () => ({}) }, "p", "s");
    const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, unknown>;
    monitor["registerResource"] = undefined;
    expect(() => remoteOutputsWithoutResourceReferences()).toThrow(/no registerResource \(SDK changed\)/);
  });
});
