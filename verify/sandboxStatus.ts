/**
 * The Ready condition of an agent-sandbox Sandbox as verify reports it: shared by the bare
 * probe (probe.ts) and the OpenShell CLI probe (openshellProbe.ts), which import it from here.
 */
import type { KubeObject } from "./checks";

const record = (v: unknown): Readonly<Record<string, unknown>> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The Sandbox's Ready condition, when it has one. */
export function sandboxReady(o: KubeObject | null): { ready: boolean; detail: string } {
  if (o === null) return { ready: false, detail: "the Sandbox does not exist" };
  const conditions = Array.isArray(record(o["status"])["conditions"]) ? (record(o["status"])["conditions"] as unknown[]).map(record) : [];
  const c = conditions.find((x) => x["type"] === "Ready");
  if (c === undefined) return { ready: false, detail: "no Ready condition" };
  const reason = typeof c["reason"] === "string" ? ` (${c["reason"]}${typeof c["message"] === "string" ? `: ${c["message"]}` : ""})` : "";
  return { ready: c["status"] === "True", detail: `Ready=${String(c["status"])}${reason}` };
}
