/** The schema helper itself: it must catch what the API server would reject. */
import { describe, expect, it } from "vitest";
import { kubernetesObjects, typeToGvk, validateObject } from "./k8sSchema";
import type { Evaluation, Registered } from "./mocks";

describe("validateObject", () => {
  it("accepts a well-formed Deployment and Namespace", async () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "demo" },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "ghcr.io/a/b:1" }] } },
      },
    };
    expect(await validateObject(deployment)).toEqual({ object: "apps/v1 Deployment demo/web", status: "valid", errors: [] });
    expect((await validateObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } })).status).toBe("valid");
  });

  it("rejects a Deployment without a selector and a container without a name", async () => {
    const bad = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: { containers: [{ image: "x" }] } } },
    };
    const result = await validateObject(bad);
    expect(result.status).toBe("invalid");
    expect(result.errors.join("\n")).toContain("selector");
  });

  it("rejects a wrong type deep inside (a string port)", async () => {
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: "8080" }] } };
    expect((await validateObject(svc)).status).toBe("invalid");
  });

  it("flags an unknown kind in a built-in group, skips custom resources", async () => {
    expect(await validateObject({ apiVersion: "apps/v1", kind: "Deploymnet", metadata: { name: "x" } })).toEqual({
      object: "apps/v1 Deploymnet x",
      status: "invalid",
      errors: ["no Deploymnet in apps/v1"],
    });
    expect((await validateObject({ apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", metadata: { name: "db" } })).status).toBe("skipped");
  });
});

describe("kubernetesObjects", () => {
  it("maps Pulumi type tokens and expands ConfigGroup objs", () => {
    expect(typeToGvk("kubernetes:core/v1:Namespace")).toEqual({ apiVersion: "v1", kind: "Namespace" });
    expect(typeToGvk("kubernetes:networking.k8s.io/v1:NetworkPolicy")).toEqual({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" });
    expect(typeToGvk("kubernetes:helm.sh/v4:Chart")).toBeUndefined();
    const reg = (type: string, inputs: Record<string, unknown>): Registered =>
      ({ type, name: "n", inputs } as unknown as Registered);
    const ev: Evaluation = {
      outputs: {},
      invokes: [],
      warnings: [],
      resources: [
        reg("kubernetes:core/v1:Namespace", { metadata: { name: "a" } }),
        reg("kubernetes:yaml/v2:ConfigGroup", { objs: [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "sa" } }] }),
        reg("pulumi:providers:kubernetes", {}),
      ],
    };
    expect(kubernetesObjects(ev)).toEqual([
      { metadata: { name: "a" }, apiVersion: "v1", kind: "Namespace" },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "sa" } },
    ]);
  });
});
