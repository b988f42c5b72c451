/** The component graph, and proof that index.ts wires exactly it. */
import { describe, expect, it } from "vitest";
import { planStackFile } from "../../plan/fromStackFile";
import { componentGraph, criticalPath, type ComponentId } from "../../plan/graph";
import type { Evaluation } from "../harness/mocks";
import { ROOT } from "../harness/stackConfig";
import { runExample } from "../harness/program";

const planOf = (stack: string) => {
  return planStackFile(ROOT, stack).plan;
};

const TYPES: Readonly<Record<string, ComponentId>> = {
  Namespaces: "namespaces",
  Policies: "policies",
  AgentSandbox: "agent-sandbox",
  Pki: "pki",
  Storage: "storage",
  GpuOperator: "gpu-operator",
  Database: "database",
  OpenShellGateway: "gateway",
  Frameworks: "frameworks",
};

/** The component a URN belongs to (the agent-platform component in its type chain). */
function componentOf(urn: string): ComponentId | undefined {
  const m = /agent-platform:platform:([A-Za-z]+)/.exec(urn);
  return m === null ? undefined : TYPES[m[1]!];
}

/** Component-level edges the registered resources declare through dependsOn. */
function wiredEdges(ev: Evaluation): Set<string> {
  const edges = new Set<string>();
  for (const r of ev.resources) {
    const from = componentOf(r.urn);
    for (const d of r.dependsOn) {
      const to = componentOf(d);
      if (from !== undefined && to !== undefined && from !== to) edges.add(`${from} -> ${to}`);
    }
  }
  return edges;
}

describe("component graph", () => {
  it.each([
    ["dev", ["namespaces", "policies", "agent-sandbox", "pki", "gateway"], ["namespaces", "policies", "gateway"]],
    ["staging", ["namespaces", "policies", "agent-sandbox", "pki", "storage", "database", "gateway"], ["namespaces", "storage", "database", "gateway"]],
    ["prod", ["namespaces", "policies", "agent-sandbox", "pki", "storage", "gpu-operator", "database", "gateway"], ["namespaces", "policies", "gateway"]],
  ])("%s: install order and critical path", (stack, order, path) => {
    const g = componentGraph(planOf(stack));
    expect(g.order).toEqual(order);
    expect(criticalPath(g)).toEqual(path);
  });

  it.each(["dev", "staging", "prod"])("%s: index.ts wires exactly the declared dependencies", async (stack) => {
    const g = componentGraph(planOf(stack));
    const declared = new Set(Object.entries(g.dependsOn).flatMap(([from, tos]) => (tos ?? []).map((to) => `${from} -> ${to}`)));
    expect([...wiredEdges(await runExample(stack))].sort()).toEqual([...declared].sort());
  });
});

describe("component graph with the framework sections on", () => {
  it("Frameworks waits for the namespaces, the agent-sandbox CRDs and controller, and the PKI (the gateway CA); index.ts wires exactly that", async () => {
    const { planFor } = await import("../harness/planFor");
    const { FRAMEWORKS_DEV_VALUES } = await import("../harness/frameworks");
    const { buildConfigMap, runProgram } = await import("../harness/program");
    const g = componentGraph(planFor({ ...FRAMEWORKS_DEV_VALUES }));
    expect(g.dependsOn.frameworks).toEqual(["namespaces", "agent-sandbox", "pki"]);
    expect(g.order).toEqual(["namespaces", "policies", "agent-sandbox", "pki", "gateway", "frameworks"]);
    const declared = new Set(Object.entries(g.dependsOn).flatMap(([from, tos]) => (tos ?? []).map((to) => `${from} -> ${to}`)));
    const ev = await runProgram("dev", buildConfigMap({ ...FRAMEWORKS_DEV_VALUES }));
    expect([...wiredEdges(ev)].sort()).toEqual([...declared].sort());
  });
});
