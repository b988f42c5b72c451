/**
 * The namespaces the graph owns, created explicitly (never implicitly by a
 * chart) with their Pod Security labels, the default service account's
 * token automount off, and the mirror pull Secret when the stack pulls from
 * an authenticated mirror. Every other component depends on the namespaces
 * it writes into.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dockerConfigJson } from "../registry/dockerConfig";
import { COMMON_LABELS } from "../manifests/labels";
import type { Parts } from "./parts";

export const NAMESPACES_TYPE = "agent-platform:platform:Namespaces";


export interface RegistryCredentials {
  /** Registry host the Secret authenticates to. */
  readonly host: string;
  readonly username: string;
  /** Secret Output; never read as plain text. */
  readonly password: pulumi.Input<string>;
  /** Name of the Secret in every namespace. */
  readonly secretName: string;
}

export interface NamespaceSpec {
  readonly name: string;
  /** Extra labels, e.g. Pod Security Admission. */
  readonly labels: Readonly<Record<string, string>>;
  /** Keep the namespace (and what is in it) when Pulumi deletes it: it holds data. */
  readonly retainOnDelete?: boolean;
}

export interface NamespacesArgs {
  /** Namespaces, in creation order. */
  readonly namespaces: readonly NamespaceSpec[];
  /** Set in mirrored mode with credentials: a pull Secret in every namespace. */
  readonly credentials?: RegistryCredentials;
  /** The mirror's private CA (PEM): a ConfigMap `platform-mirror-ca` (key ca.crt) in every namespace, for trust tooling. */
  readonly mirrorCaBundle?: string;
}

export const MIRROR_CA_CONFIGMAP = "platform-mirror-ca";

export class Namespaces extends pulumi.ComponentResource {
  /** Namespace resources by name. */
  public readonly namespaces: Readonly<Record<string, k8s.core.v1.Namespace>>;
  /** Pull Secrets by namespace name (empty when none is needed). */
  public readonly pullSecrets: Readonly<Record<string, k8s.core.v1.Secret>>;
  /** What others wait for: `<namespace>`, the namespace and its pull Secret. */
  public readonly parts: Parts;

  constructor(name: string, args: NamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(NAMESPACES_TYPE, name, {}, opts);
    const namespaces: Record<string, k8s.core.v1.Namespace> = {};
    const pullSecrets: Record<string, k8s.core.v1.Secret> = {};
    const names = args.namespaces.map((n) => n.name);
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    if (twice.length > 0) throw new Error(`Namespaces: ${[...new Set(twice)].join(", ")} listed more than once`);
    const creds = args.credentials;
    const config =
      creds === undefined
        ? undefined
        : pulumi.secret(pulumi.output(creds.password).apply((pw) => dockerConfigJson(creds.host, creds.username, pw)));
    for (const spec of args.namespaces) {
      const ns = spec.name;
      namespaces[ns] = new k8s.core.v1.Namespace(
        `${name}-${ns}`,
        { metadata: { name: ns, labels: { ...COMMON_LABELS, ...spec.labels } } },
        { parent: this, ...(spec.retainOnDelete === true ? { retainOnDelete: true } : {}) },
      );
      // CIS 5.1.5: the default service account mounts no token; workloads use their own accounts.
      new k8s.core.v1.ServiceAccountPatch(
        `${name}-${ns}-default-sa`,
        { metadata: { name: "default", namespace: ns }, automountServiceAccountToken: false },
        { parent: this, dependsOn: [namespaces[ns]!] },
      );
      if (args.mirrorCaBundle !== undefined) {
        new k8s.core.v1.ConfigMap(
          `${name}-${ns}-mirror-ca`,
          { metadata: { name: MIRROR_CA_CONFIGMAP, namespace: ns, labels: { ...COMMON_LABELS } }, data: { "ca.crt": args.mirrorCaBundle } },
          { parent: this, dependsOn: [namespaces[ns]!] },
        );
      }
      if (creds !== undefined && config !== undefined) {
        pullSecrets[ns] = new k8s.core.v1.Secret(
          `${name}-${ns}-pull`,
          {
            metadata: { name: creds.secretName, namespace: ns, labels: { ...COMMON_LABELS } },
            type: "kubernetes.io/dockerconfigjson",
            stringData: { ".dockerconfigjson": config },
          },
          { parent: this, dependsOn: [namespaces[ns]!] },
        );
      }
    }
    this.namespaces = namespaces;
    this.pullSecrets = pullSecrets;
    this.parts = this.dependsOnByNamespace;
    this.registerOutputs({ namespaces: Object.keys(namespaces) });
  }

  /** What a component writing into each namespace waits for: the namespace and its pull Secret. */
  public get dependsOnByNamespace(): Readonly<Record<string, readonly pulumi.Resource[]>> {
    return Object.fromEntries(Object.keys(this.namespaces).map((ns) => [ns, this.dependenciesOf(ns)]));
  }

  /** What a component writing into these namespaces waits for (unknown or absent names add nothing). */
  public dependenciesOf(...names: readonly (string | undefined)[]): pulumi.Resource[] {
    return names.flatMap((ns) => {
      if (ns === undefined) return [];
      const out: pulumi.Resource[] = [];
      if (this.namespaces[ns] !== undefined) out.push(this.namespaces[ns]);
      if (this.pullSecrets[ns] !== undefined) out.push(this.pullSecrets[ns]);
      return out;
    });
  }
}
