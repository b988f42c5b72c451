/**
 * The OpenShell L7 egress allow-list, in OpenShell's sandbox policy format
 * (`version: 1`, `network_policies.<name>.endpoints[]` and `binaries[]`;
 * anything not matched is denied). The inference endpoint is always on the
 * list; the rest comes from `policies.egress`. Endpoints are enforced, not
 * audited (OpenShell's default for an unset `enforcement` is audit).
 */
import { stringify } from "yaml";
import type { Plan } from "../plan/types";
import { sortKeys, type Json } from "../lib/tree";

export const EGRESS_CONFIGMAP = "openshell-egress-policy";
export const EGRESS_KEY = "policy.yaml";
const ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

export interface EgressEntry {
  readonly name: string;
  readonly host: string;
  readonly port?: number;
  readonly methods?: readonly string[];
  readonly paths?: readonly string[];
  readonly binaries?: readonly string[];
}

/** The inference endpoint as an allow-list entry (POST and GET under its base path). */
export function inferenceEntry(endpoint: string): EgressEntry {
  const url = new URL(endpoint);
  const base = url.pathname.replace(/\/+$/, "");
  return {
    name: "inference",
    host: url.hostname,
    port: url.port !== "" ? Number(url.port) : url.protocol === "http:" ? 80 : 443,
    methods: ["GET", "POST"],
    paths: [`${base}/**`],
  };
}

export function egressEntries(plan: Plan): EgressEntry[] {
  const c = plan.config;
  const fromConfig: EgressEntry[] = c.policies.egress.map((e) => ({ ...e }));
  const inference = c.inference.provider !== "none" && c.inference.endpoint !== undefined ? [inferenceEntry(c.inference.endpoint)] : [];
  return [...inference, ...fromConfig];
}

function endpoint(e: EgressEntry): Record<string, Json> {
  const base: Record<string, Json> = { host: e.host, port: e.port ?? 443, protocol: "rest", enforcement: "enforce" };
  if (e.methods === undefined && e.paths === undefined) return { ...base, access: "full" };
  const rules: Json[] = [];
  for (const method of e.methods ?? ALL_METHODS) for (const path of e.paths ?? ["/**"]) rules.push({ allow: { method, path } });
  return { ...base, rules };
}

/** The policy document (sorted keys): `version` and `network_policies` only. */
export function egressPolicy(plan: Plan): Record<string, Json> {
  const policies: Record<string, Json> = {};
  for (const e of egressEntries(plan)) {
    policies[e.name] = { name: e.name, endpoints: [endpoint(e)], binaries: (e.binaries ?? ["/**"]).map((path) => ({ path })) };
  }
  return sortKeys({ version: 1, network_policies: policies });
}

export function egressPolicyYaml(plan: Plan): string {
  return stringify(egressPolicy(plan), { lineWidth: 0 });
}
