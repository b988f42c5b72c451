/**
 * The agent-framework part of the plan: the namespaces the framework
 * sections add, and the images of the stack's own SandboxTemplates resolved
 * through the registry resolver like every catalog image.
 */
import { effectiveAgentSandbox } from "../config/selection";
import type { Config } from "../config/schema";
import { formatImageRef, parseImageRef } from "../registry/imageRef";
import { resolveImageRef, type RegistrySettings } from "../registry/resolver";
import type { NamespacePlan, ResolvedImage } from "./types";

/** Catalog-style id of a stack template's own image. */
export const templateImageId = (template: string): string => `agentSandbox.template.${template}`;

/** Whether the stack renders SandboxTemplates or SandboxWarmPools (only with the extensions installed). */
export function rendersAgentSandboxObjects(c: Pick<Config, "agentSandbox" | "openhands">): boolean {
  const e = effectiveAgentSandbox(c);
  return c.agentSandbox.extensions && (Object.keys(e.templates).length > 0 || Object.keys(e.warmPools).length > 0);
}

export function frameworkNamespaces(c: Config): Pick<NamespacePlan, "agentSandboxWorkloads" | "openhandsApp" | "openhandsRuntime" | "nemoclaw"> {
  const oh = c.openhands;
  const ohOn = oh.agentSandbox.enabled || oh.kubernetesRuntime.enabled;
  return {
    ...(rendersAgentSandboxObjects(c) ? { agentSandboxWorkloads: c.agentSandbox.namespace } : {}),
    ...(ohOn && oh.createAppNamespace ? { openhandsApp: oh.appNamespace } : {}),
    ...(oh.kubernetesRuntime.enabled ? { openhandsRuntime: oh.kubernetesRuntime.namespace } : {}),
    ...(c.nemoclaw.enabled ? { nemoclaw: c.nemoclaw.namespace } : {}),
  };
}

/** The stack's own template images (those with `image` set), sorted by template name. */
export function templateImages(c: Config, registry: RegistrySettings): ResolvedImage[] {
  if (!c.agentSandbox.extensions) return [];
  const templates = effectiveAgentSandbox(c).templates;
  return Object.keys(templates)
    .sort()
    .flatMap((name) => {
      const image = templates[name]!.image;
      if (image === undefined) return [];
      const source = parseImageRef(image);
      const resolved = resolveImageRef(source, registry);
      return [
        {
          id: templateImageId(name),
          source,
          resolved,
          pulls: [{ source: formatImageRef(source), resolved: formatImageRef(resolved) }],
          bindings: [{ kind: "resource" as const, resource: "extensions.agents.x-k8s.io/v1beta1/SandboxTemplate", path: `${name}: spec.podTemplate.spec.containers[sandbox].image` }],
          runtimeOnly: true,
          why: `SandboxTemplate ${name} (agentSandbox.templates.${name}.image), started by the agent-sandbox controller`,
        },
      ];
    });
}
