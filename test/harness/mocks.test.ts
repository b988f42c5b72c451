/** The mock harness: it records registrations and refuses unexpected invokes. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { EvaluationError, evaluate, find } from "./mocks";
import { buildConfigMap } from "./stackConfig";

const stack = { ...buildConfigMap({ tier: "dev", kubernetesVersion: "1.34" }), stack: "dev" };

class Thing extends pulumi.CustomResource {
  constructor(name: string, props: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, props, opts);
  }
}

class Group extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:index:Group", name);
    new Thing(`${name}-child`, { secret: pulumi.secret("s3cr3t"), plain: 1 }, { parent: this, protect: true });
    this.registerOutputs({});
  }
}

describe("evaluate", () => {
  it("records type, name, parent, options and marks secret inputs", async () => {
    const ev = await evaluate({
      stack,
      program: async () => {
        new Group("g");
        return {};
      },
    });
    const group = find(ev, "test:index:Group", "g");
    const child = find(ev, "test:index:Thing", "g-child");
    expect(child.parent).toBe(group.urn);
    expect(child.inputs).toEqual({ secret: "s3cr3t", plain: 1 });
    expect(child.secretPaths).toEqual(["secret"]);
    expect(child.protect).toBe(true);
    expect(child.custom).toBe(true);
  });

  it("fails on an invoke the test did not allow, and answers allowed ones", async () => {
    const call = (token: string) =>
      evaluate({
        stack,
        invokes: { "test:index:allowed": () => ({ answer: 42 }) },
        program: async () => ({ out: await pulumi.runtime.invoke(token, {}) }),
      });
    await expect(call("kubernetes:core/v1:Namespace/get")).rejects.toBeInstanceOf(EvaluationError);
    await expect(call("kubernetes:core/v1:Namespace/get")).rejects.toThrow("unexpected invoke kubernetes:core/v1:Namespace/get");
    expect((await call("test:index:allowed")).outputs["out"]).toEqual({ answer: 42 });
  });

  it("find names what was registered when the lookup misses", async () => {
    const ev = await evaluate({ stack, program: async () => ({}) });
    expect(() => find(ev, "kubernetes:core/v1:Namespace", "x")).toThrow(
      "expected exactly one kubernetes:core/v1:Namespace named x, found 0; registered:\n  pulumi:pulumi:Stack agent-platform-dev",
    );
  });
});

describe("the SDK internals the harness relies on", () => {
  it("are all still there (an SDK upgrade that changes one is named here, with what it breaks)", async () => {
    const { SDK_INTERNALS, checkSdkInternals } = await import("./mocks");
    expect(Object.keys(SDK_INTERNALS)).toHaveLength(12);
    expect(await checkSdkInternals()).toEqual([]);
  });

  it("records the options the engine sees: retainOnDelete, replacementTrigger, aliases, transforms and property dependencies", async () => {
    const transform: pulumi.ResourceTransform = () => undefined;
    const ev = await evaluate({
      stack,
      program: async () => {
        const a = new Thing("a", { v: 1 }, { retainOnDelete: true, replacementTrigger: 3, aliases: [{ name: "old-a" }] });
        new Thing("b", { v: a.urn }, { transforms: [transform] });
        return {};
      },
    });
    const a = find(ev, "test:index:Thing", "a");
    const b = find(ev, "test:index:Thing", "b");
    // The SDK fills an alias's parent with the resource's own (here the stack); state/urns.ts resolves it.
    expect([a.retainOnDelete, a.replacementTrigger, a.aliases]).toEqual([true, 3, [{ name: "old-a", parentUrn: "urn:pulumi:dev::agent-platform::pulumi:pulumi:Stack::agent-platform-dev" }]]);
    expect([b.transforms, b.propertyDependencies["v"]]).toEqual([[transform], [a.urn]]);
  });

  it("captures pulumi.log warnings instead of printing them", async () => {
    const ev = await evaluate({
      stack,
      program: async () => {
        await pulumi.log.warn("careful");
        return {};
      },
    });
    expect(ev.warnings).toEqual(["careful"]);
  });
});
