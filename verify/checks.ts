/**
 * `verify`'s checks: expectations (verify/expectations.ts) against the
 * objects the cluster returned. Pure: no client, no clock (the time is
 * passed in). Each failed check is one finding naming the object, what was
 * expected, what was found and the troubleshooting row (docs/troubleshooting.md).
 */
import { X509Certificate } from "node:crypto";
import { describeRef, refKey, type Expectation } from "./expectations";
import { rowReference } from "./troubleshooting";

export interface Finding {
  /** The expectation's check, or what `--probe` does (probe: the Sandbox; mtls: the gateway handshake and /readyz; openshell: a sandbox through the gateway with the CLI). */
  readonly check: Expectation["check"] | "probe" | "mtls" | "openshell";
  readonly object: string;
  readonly expected: string;
  readonly found: string;
  readonly troubleshooting: string;
}

/** A Kubernetes object as the API returns it (only what the checks read is typed). */
export type KubeObject = Readonly<Record<string, unknown>>;

/** What the cluster returned, by refKey: the object, null when it does not exist, or the items of a list. */
export type Observed = ReadonlyMap<string, KubeObject | null | readonly KubeObject[]>;

const record = (v: unknown): Readonly<Record<string, unknown>> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const array = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const at = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((acc, k) => record(acc)[k], o);
const num = (v: unknown): number => (typeof v === "number" ? v : 0);

function condition(o: KubeObject, type: string): { status: string; reason?: string; message?: string } | undefined {
  const c = array(at(o, "status", "conditions")).map(record).find((x) => x["type"] === type);
  if (c === undefined) return undefined;
  return {
    status: String(c["status"]),
    ...(typeof c["reason"] === "string" ? { reason: c["reason"] } : {}),
    ...(typeof c["message"] === "string" ? { message: c["message"] } : {}),
  };
}

const describeCondition = (type: string, c: ReturnType<typeof condition>): string =>
  c === undefined ? `no ${type} condition` : `${type}=${c.status}${c.reason !== undefined ? ` (${c.reason}${c.message !== undefined ? `: ${c.message}` : ""})` : ""}`;

/** An agent-sandbox Sandbox's Ready condition as verify reports it (the bare probe and the OpenShell CLI probe). */
export function sandboxReady(o: KubeObject | null): { ready: boolean; detail: string } {
  if (o === null) return { ready: false, detail: "the Sandbox does not exist" };
  const c = condition(o, "Ready");
  return { ready: c?.status === "True", detail: describeCondition("Ready", c) };
}


/** SAN entries of a certificate: DNS names and IP addresses. */
function subjectAltNames(cert: X509Certificate): { dns: string[]; ip: string[] } {
  const dns: string[] = [];
  const ip: string[] = [];
  for (const part of (cert.subjectAltName ?? "").split(/,\s*/)) {
    if (part.startsWith("DNS:")) dns.push(part.slice(4));
    else if (part.startsWith("IP Address:")) ip.push(part.slice(11).toLowerCase());
  }
  return { dns, ip };
}

/** The IPv6 forms the checks compare (`::1` as X509Certificate prints it: 0:0:0:0:0:0:0:1). */
function normalizeIp(ip: string): string {
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const h = head === "" ? [] : head.split(":");
  const t = tail === "" ? [] : tail.split(":");
  const groups = ip.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return groups.map((g) => g.replace(/^0+(?=.)/, "")).join(":");
}

function secretValue(o: KubeObject, key: string): string | undefined {
  const v = at(o, "data", key);
  return typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined;
}

function checkServerCertificate(e: Extract<Expectation, { check: "serverCertificate" }>, o: KubeObject, now: Date): { expected: string; found: string }[] {
  const pem = secretValue(o, "tls.crt");
  if (pem === undefined) return [{ expected: "key tls.crt holding the server certificate", found: "no tls.crt" }];
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (err) {
    return [{ expected: "a PEM certificate in tls.crt", found: `unreadable: ${(err as Error).message}` }];
  }
  const out: { expected: string; found: string }[] = [];
  if (e.caPem !== undefined) {
    const ca = new X509Certificate(e.caPem);
    const chains = cert.checkIssued(ca) && cert.verify(ca.publicKey);
    if (!chains) out.push({ expected: `issued and signed by the stack's CA (${ca.subject.replace(/\n/g, ", ")}, serial ${ca.serialNumber})`, found: `issued by ${cert.issuer.replace(/\n/g, ", ")}, not signed by the stack's CA` });
  }
  const san = subjectAltNames(cert);
  const missingDns = e.dnsNames.filter((d) => !san.dns.includes(d));
  const ips = san.ip.map(normalizeIp);
  const missingIp = e.ipAddresses.filter((ip) => !ips.includes(normalizeIp(ip)));
  if (missingDns.length > 0 || missingIp.length > 0) {
    out.push({ expected: `SANs covering ${[...e.dnsNames, ...e.ipAddresses].join(", ")}`, found: `missing ${[...missingDns, ...missingIp].join(", ")}` });
  }
  const expires = new Date(cert.validTo);
  const renewAt = new Date(expires.getTime() - e.earlyRenewalHours * 3_600_000);
  if (now.getTime() >= renewAt.getTime()) {
    out.push({
      expected: `valid for more than pki.earlyRenewalHours (${e.earlyRenewalHours} h)`,
      found: `expires ${expires.toISOString()}${now.getTime() >= expires.getTime() ? " (expired)" : ""}`,
    });
  }
  return out;
}

function checkOne(e: Expectation, observed: Observed, now: Date): { expected: string; found: string }[] {
  if (e.check === "serviceEndpoints") {
    const service = observed.get(refKey(e.service));
    if (service === null || service === undefined || Array.isArray(service)) return [{ expected: `Service ${e.service.name} with ready endpoints on port ${e.port}`, found: "no Service" }];
    const slices = observed.get(refKey(e.list));
    const items = Array.isArray(slices) ? (slices as readonly KubeObject[]) : [];
    const ready = items.flatMap((s) => array(at(s, "endpoints")).map(record)).filter((ep) => at(ep, "conditions", "ready") === true).length;
    return ready > 0 ? [] : [{ expected: `at least one ready endpoint for port ${e.port}`, found: `${items.length} EndpointSlice(s), no ready endpoint` }];
  }
  const got = observed.get(refKey(e.ref));
  if (got === undefined || got === null || Array.isArray(got)) {
    const what: Record<Expectation["check"], string> = {
      namespace: "the namespace",
      present: `the ${e.ref.kind}`,
      crd: `the CRD, Established, serving ${"versions" in e ? e.versions.join(", ") : ""}`,
      defaultStorageClass: "the StorageClass, marked default",
      deploymentAvailable: "the Deployment, Available",
      workloadReady: `the ${e.ref.kind} with ${"replicas" in e ? e.replicas : 0} ready replica(s)`,
      serviceEndpoints: "",
      postgres: `the Cluster with ${"instances" in e ? e.instances : 0} ready instance(s)`,
      serverCertificate: "the server TLS Secret",
    };
    return [{ expected: what[e.check], found: "not found" }];
  }
  const o = got as KubeObject;
  switch (e.check) {
    case "present":
      return [];
    case "namespace": {
      const labels = record(at(o, "metadata", "labels"));
      const wrong = Object.entries(e.labels).filter(([k, v]) => labels[k] !== v);
      return wrong.length === 0 ? [] : [{ expected: wrong.map(([k, v]) => `${k}=${v}`).join(", "), found: wrong.map(([k]) => `${k}=${typeof labels[k] === "string" ? labels[k] : "(unset)"}`).join(", ") }];
    }
    case "crd": {
      const out: { expected: string; found: string }[] = [];
      const established = condition(o, "Established");
      if (established?.status !== "True") out.push({ expected: "Established=True", found: describeCondition("Established", established) });
      const served = array(at(o, "spec", "versions")).map(record).filter((v) => v["served"] === true).map((v) => String(v["name"]));
      const missing = e.versions.filter((v) => !served.includes(v));
      if (missing.length > 0) out.push({ expected: `serves ${e.versions.join(", ")}`, found: `serves ${served.join(", ") || "nothing"}` });
      if (e.storedVersions !== undefined) {
        const stored = array(at(o, "status", "storedVersions")).map(String);
        if (stored.join(",") !== e.storedVersions.join(",")) {
          out.push({ expected: `status.storedVersions ${JSON.stringify(e.storedVersions)} (the agent-sandbox v1.0 migration ran)`, found: `status.storedVersions ${JSON.stringify(stored)}` });
        }
      }
      return out;
    }
    case "defaultStorageClass": {
      const v = at(o, "metadata", "annotations", "storageclass.kubernetes.io/is-default-class");
      return v === "true" ? [] : [{ expected: "storageclass.kubernetes.io/is-default-class=true", found: typeof v === "string" ? `is-default-class=${v}` : "not the default class" }];
    }
    case "deploymentAvailable": {
      const c = condition(o, "Available");
      return c?.status === "True" ? [] : [{ expected: "Available=True", found: describeCondition("Available", c) }];
    }
    case "workloadReady": {
      const ready = num(at(o, "status", "readyReplicas"));
      return ready >= e.replicas ? [] : [{ expected: `${e.replicas} ready replica(s)`, found: `${ready} ready of ${num(at(o, "spec", "replicas"))}` }];
    }
    case "postgres": {
      const ready = num(at(o, "status", "readyInstances"));
      const phase = at(o, "status", "phase");
      return ready === e.instances ? [] : [{ expected: `${e.instances} ready instance(s)`, found: `${ready} ready${typeof phase === "string" ? ` (phase "${phase}")` : ""}` }];
    }
    case "serverCertificate":
      return checkServerCertificate(e, o, now);
  }
}

/** Every finding, in expectation order (empty: the platform is as planned). */
export function checkPlatform(list: readonly Expectation[], observed: Observed, now: Date): Finding[] {
  return list.flatMap((e) => {
    const object = e.check === "serviceEndpoints" ? `${describeRef(e.service)} (EndpointSlices)` : describeRef(e.ref);
    return checkOne(e, observed, now).map((r) => ({ check: e.check, object, expected: r.expected, found: r.found, troubleshooting: rowReference(e.row) }));
  });
}
