/**
 * Every object the framework sections add, built from the plan (pure): the
 * Frameworks component registers them, and components/graph.ts reads which
 * namespaces they are in and whether any needs the agent-sandbox extension
 * API, so what the component waits for is computed in one place.
 */
import { OPENHANDS_AGENT_SERVER } from "../catalog/frameworks";
import { resolvedTemplates, sandboxTemplateObject, sandboxWarmPoolObjects } from "../manifests/sandboxTemplates";
import type { Plan } from "../plan/types";
import { NEMOCLAW_CA_KEY, NEMOCLAW_TARGET_SECRET, nemoclawBlueprintConfigMap } from "./nemoclaw";
import { openhandsConfigMap, openhandsRuntimeQuota, openhandsRuntimeRbac, openhandsSdkRbac, openhandsServiceAccount, sessionKeyNamespaces } from "./openhands";

const present = <T>(xs: readonly (T | undefined)[]): T[] => xs.flatMap((x) => (x !== undefined ? [x] : []));

export function frameworkObjects(plan: Plan) {
  const sdk = openhandsSdkRbac(plan);
  const runtime = openhandsRuntimeRbac(plan);
  const sessionNs = sessionKeyNamespaces(plan);
  return {
    sandboxTemplates: resolvedTemplates(plan).map((t) => sandboxTemplateObject(plan, t)),
    sandboxWarmPools: sandboxWarmPoolObjects(plan),
    serviceAccounts: present([openhandsServiceAccount(plan)]),
    roles: present([sdk?.role, runtime?.role]),
    roleBindings: present([sdk?.binding, runtime?.binding]),
    configMaps: present([openhandsConfigMap(plan), nemoclawBlueprintConfigMap(plan)]),
    quotas: present([openhandsRuntimeQuota(plan)]),
    sessionKey: sessionNs.length > 0 ? { name: OPENHANDS_AGENT_SERVER.sessionKeySecret, key: OPENHANDS_AGENT_SERVER.sessionKeyKey, namespaces: sessionNs } : undefined,
    caSecret: plan.namespaces.nemoclaw !== undefined ? { name: NEMOCLAW_TARGET_SECRET, namespace: plan.namespaces.nemoclaw, key: NEMOCLAW_CA_KEY } : undefined,
  };
}

/** The namespaces the framework objects are in, sorted. */
export function frameworkNamespaces(plan: Plan): string[] {
  const o = frameworkObjects(plan);
  const namespaced = [...o.sandboxTemplates, ...o.sandboxWarmPools, ...o.serviceAccounts, ...o.roles, ...o.roleBindings, ...o.configMaps, ...o.quotas];
  return [...new Set([...namespaced.map((x) => x.metadata.namespace), ...(o.sessionKey?.namespaces ?? []), ...(o.caSecret !== undefined ? [o.caSecret.namespace] : [])])].sort();
}

/** Whether framework objects use the agent-sandbox extension API (SandboxTemplates, SandboxWarmPools). */
export function usesExtensionApi(plan: Plan): boolean {
  const o = frameworkObjects(plan);
  return o.sandboxTemplates.length + o.sandboxWarmPools.length > 0;
}
