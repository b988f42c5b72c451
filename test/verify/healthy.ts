/**
 * The objects a healthy cluster holds for a plan's expectations, status
 * included the way the controllers report it, and the Observed map the
 * reader would return for a set of objects. Shared by the pure checks'
 * tests and the real-API tests (which apply these objects).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { refKey, type Expectation, type ListRef, type ObjectRef } from "../../verify/expectations";
import type { KubeObject, Observed } from "../../verify/checks";

const FIXTURES = join(__dirname, "..", "fixtures", "verify");
export const fixtureCert = (name: "ca" | "other-ca" | "server" | "server-other-ca" | "server-few-sans"): string => readFileSync(join(FIXTURES, `${name}.crt`), "utf8");

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const meta = (ref: ObjectRef, extra: Record<string, unknown> = {}) => ({ name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}), ...extra });

function presentObject(ref: ObjectRef): KubeObject {
  const base = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: meta(ref) };
  switch (ref.kind) {
    case "Secret":
      return { ...base, type: "Opaque", data: { k: b64("v") } };
    case "ConfigMap":
      return { ...base, data: { k: "v" } };
    case "NetworkPolicy":
      return { ...base, spec: { podSelector: {}, policyTypes: ["Ingress"] } };
    case "ResourceQuota":
      return { ...base, spec: { hard: { pods: "10" } } };
    case "LimitRange":
      return { ...base, spec: { limits: [{ type: "Container", default: { cpu: "1" } }] } };
    case "StorageClass":
      return { ...base, provisioner: "example.com/csi" };
    default:
      return base;
  }
}

function crdObject(name: string, versions: readonly string[], storedVersions: readonly string[] = versions.slice(0, 1)): KubeObject {
  const [plural = "", ...group] = name.split(".");
  const kind = plural.charAt(0).toUpperCase() + plural.slice(1, -1);
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name },
    spec: {
      group: group.join("."),
      names: { plural, singular: plural.slice(0, -1), kind, listKind: `${kind}List` },
      scope: "Namespaced",
      versions: versions.map((v, i) => ({
        name: v,
        served: true,
        storage: i === 0,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        subresources: { status: {} },
      })),
    },
    status: {
      conditions: [
        { type: "NamesAccepted", status: "True", reason: "NoConflicts" },
        { type: "Established", status: "True", reason: "InitialNamesAccepted" },
      ],
      acceptedNames: { plural, kind },
      storedVersions: [...storedVersions],
    },
  };
}

const SELECTOR = { "app.kubernetes.io/name": "verify-fixture" };
const podTemplate = { metadata: { labels: SELECTOR }, spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] } };

/** Every object of a healthy cluster for these expectations. */
export function healthyObjects(list: readonly Expectation[], caPem = fixtureCert("ca"), serverPem = fixtureCert("server")): KubeObject[] {
  void caPem;
  const out = new Map<string, KubeObject>();
  const put = (key: string, o: KubeObject) => {
    if (!out.has(key)) out.set(key, o);
  };
  for (const e of list) {
    switch (e.check) {
      case "namespace":
        put(refKey(e.ref), { apiVersion: "v1", kind: "Namespace", metadata: { name: e.ref.name, labels: { ...e.labels } } });
        break;
      case "present":
        put(refKey(e.ref), presentObject(e.ref));
        break;
      case "crd":
        put(refKey(e.ref), crdObject(e.ref.name, e.versions, e.storedVersions));
        break;
      case "defaultStorageClass":
        out.set(refKey(e.ref), { ...presentObject(e.ref), metadata: { name: e.ref.name, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } });
        break;
      case "deploymentAvailable":
        put(refKey(e.ref), {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: meta(e.ref),
          spec: { replicas: 1, selector: { matchLabels: SELECTOR }, template: podTemplate },
          status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: "Available", status: "True", reason: "MinimumReplicasAvailable" }] },
        });
        break;
      case "workloadReady":
        put(refKey(e.ref), {
          apiVersion: "apps/v1",
          kind: e.ref.kind,
          metadata: meta(e.ref),
          spec: { replicas: e.replicas, selector: { matchLabels: SELECTOR }, template: podTemplate, ...(e.ref.kind === "StatefulSet" ? { serviceName: e.ref.name } : {}) },
          status: { replicas: e.replicas, readyReplicas: e.replicas, availableReplicas: e.replicas },
        });
        break;
      case "serviceEndpoints":
        put(refKey(e.service), { apiVersion: "v1", kind: "Service", metadata: meta(e.service), spec: { selector: SELECTOR, ports: [{ name: "grpc", port: e.port, protocol: "TCP" }] } });
        put(`${refKey(e.list)}#0`, {
          apiVersion: "discovery.k8s.io/v1",
          kind: "EndpointSlice",
          metadata: { name: `${e.service.name}-verify`, namespace: e.list.namespace, labels: { "kubernetes.io/service-name": e.service.name } },
          addressType: "IPv4",
          endpoints: [{ addresses: ["10.244.0.10"], conditions: { ready: true } }],
          ports: [{ name: "grpc", port: e.port, protocol: "TCP" }],
        });
        break;
      case "postgres":
        put(refKey(e.ref), {
          apiVersion: "postgresql.cnpg.io/v1",
          kind: "Cluster",
          metadata: meta(e.ref),
          spec: { instances: e.instances },
          status: { instances: e.instances, readyInstances: e.instances, phase: "Cluster in healthy state" },
        });
        break;
      case "serverCertificate":
        out.set(refKey(e.ref), { apiVersion: "v1", kind: "Secret", metadata: meta(e.ref), type: "kubernetes.io/tls", data: { "tls.crt": b64(serverPem), "tls.key": b64("unused") } });
        break;
    }
  }
  return [...out.values()];
}

const refOf = (o: KubeObject): ObjectRef => {
  const m = o["metadata"] as { name: string; namespace?: string };
  return { apiVersion: String(o["apiVersion"]), kind: String(o["kind"]), name: m.name, ...(m.namespace !== undefined ? { namespace: m.namespace } : {}) };
};

/** What the reader returns for these reads when the cluster holds exactly `objects`. */
export function observe(reads: readonly (ObjectRef | ListRef)[], objects: readonly KubeObject[]): Observed {
  const byKey = new Map(objects.map((o) => [refKey(refOf(o)), o]));
  const out = new Map<string, KubeObject | null | readonly KubeObject[]>();
  for (const r of reads) {
    if ("labelSelector" in r) {
      const wanted = r.labelSelector.split(",").map((p) => p.split("=") as [string, string]);
      out.set(
        refKey(r),
        objects.filter((o) => {
          const m = o["metadata"] as { namespace?: string; labels?: Record<string, string> };
          return o["kind"] === r.kind && m.namespace === r.namespace && wanted.every(([k, v]) => m.labels?.[k] === v);
        }),
      );
    } else out.set(refKey(r), byKey.get(refKey(r)) ?? null);
  }
  return out;
}
