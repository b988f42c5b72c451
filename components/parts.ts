/**
 * The parts of built components that others may wait for, by id
 * (`<component>/<part>`, e.g. `storage/class/nfs`). Each component lists its
 * parts; index.ts adds every component it builds, and the arguments of the
 * next ones resolve exactly the ids their plan names (components/graph.ts), so a
 * component never waits for more than it uses.
 */
import type * as pulumi from "@pulumi/pulumi";

export type Parts = Readonly<Record<string, readonly pulumi.Resource[]>>;

/** A component that exposes its parts. */
export interface HasParts {
  readonly parts: Parts;
}

export class BuiltParts {
  private readonly byId = new Map<string, readonly pulumi.Resource[]>();

  /** Adds a component's parts under `<component>/`; returns the component. */
  public add<T extends HasParts>(component: string, built: T): T {
    for (const [id, resources] of Object.entries(built.parts)) this.byId.set(`${component}/${id}`, resources);
    return built;
  }

  /** The resources of these parts, in order, each once; a part nothing built provides is a wiring error. */
  public resolve(ids: readonly string[]): pulumi.Resource[] {
    const missing = ids.filter((id) => !this.byId.has(id));
    if (missing.length > 0) {
      throw new Error(`nothing built so far provides ${missing.join(", ")} (built: ${[...this.byId.keys()].sort().join(", ") || "nothing"})`);
    }
    return [...new Set(ids.flatMap((id) => this.byId.get(id)!))];
  }
}
