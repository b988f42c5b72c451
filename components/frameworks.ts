/**
 * What the agent frameworks need from the platform, registered: the
 * agent-sandbox SandboxTemplates and SandboxWarmPools, OpenHands' consumer
 * identity (ServiceAccount, Roles, RoleBindings), its session key and
 * config.toml, the KubernetesRuntime quota, and NemoClaw's target Secret
 * and blueprint ConfigMap. Every object is built by the pure modules
 * (manifests/sandboxTemplates.ts, values/openhands.ts, values/nemoclaw.ts);
 * namespaces and NetworkPolicies come from the Namespaces and Policies
 * components.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { COMMON_LABELS } from "../manifests/labels";
import type { NamespacedObject } from "./policies";

export const FRAMEWORKS_TYPE = "agent-platform:platform:Frameworks";

type Obj<T> = NamespacedObject & T;

export interface FrameworksArgs {
  /** extensions.agents.x-k8s.io SandboxTemplates (wait for the CRDs). */
  readonly sandboxTemplates: readonly (NamespacedObject & { apiVersion: string; kind: string; spec: unknown })[];
  readonly sandboxWarmPools: readonly (NamespacedObject & { apiVersion: string; kind: string; spec: unknown })[];
  readonly serviceAccounts: readonly Obj<k8s.core.v1.ServiceAccountArgs>[];
  readonly roles: readonly Obj<k8s.rbac.v1.RoleArgs>[];
  readonly roleBindings: readonly Obj<k8s.rbac.v1.RoleBindingArgs>[];
  readonly configMaps: readonly Obj<k8s.core.v1.ConfigMapArgs>[];
  readonly quotas: readonly Obj<k8s.core.v1.ResourceQuotaArgs>[];
  /** One random session key, stored as this Secret in each namespace. */
  readonly sessionKey?: { readonly name: string; readonly key: string; readonly namespaces: readonly string[] };
  /** The gateway CA (PEM, an Output), stored as this Secret. */
  readonly caSecret?: { readonly name: string; readonly namespace: string; readonly key: string; readonly caCertificate: pulumi.Input<string> };
  /** What objects in each namespace wait for (the namespace and its pull Secret). */
  readonly dependsOnByNamespace: Readonly<Record<string, readonly pulumi.Resource[]>>;
  /** What the extension objects wait for: the agent-sandbox CRDs and controller. */
  readonly extensionsDependOn: readonly pulumi.Resource[];
}

export class Frameworks extends pulumi.ComponentResource {
  constructor(name: string, args: FrameworksArgs, opts?: pulumi.ComponentResourceOptions) {
    super(FRAMEWORKS_TYPE, name, {}, opts);
    const deps = (ns: string): pulumi.Resource[] => [...(args.dependsOnByNamespace[ns] ?? [])];
    const after = (o: NamespacedObject, extra: readonly pulumi.Resource[] = []) => ({ parent: this, dependsOn: [...deps(o.metadata.namespace), ...extra] });
    const id = (o: NamespacedObject, role: string) => `${name}-${o.metadata.namespace}-${role}-${o.metadata.name}`;

    for (const sa of args.serviceAccounts) new k8s.core.v1.ServiceAccount(id(sa, "sa"), sa, after(sa));
    for (const r of args.roles) new k8s.rbac.v1.Role(id(r, "role"), r, after(r));
    for (const b of args.roleBindings) new k8s.rbac.v1.RoleBinding(id(b, "rolebinding"), b, after(b));
    for (const cm of args.configMaps) new k8s.core.v1.ConfigMap(id(cm, "configmap"), cm, after(cm));
    for (const q of args.quotas) new k8s.core.v1.ResourceQuota(id(q, "quota"), q, after(q));

    const secrets: k8s.core.v1.Secret[] = [];
    const sk = args.sessionKey;
    if (sk !== undefined && sk.namespaces.length > 0) {
      // One key for the pool: every warm-pool pod accepts it, the client sends it as X-Session-API-Key.
      const key = new random.RandomPassword(`${name}-session-key`, { length: 48, special: false }, { parent: this });
      for (const ns of sk.namespaces) {
        secrets.push(
          new k8s.core.v1.Secret(
            `${name}-${ns}-secret-${sk.name}`,
            { metadata: { name: sk.name, namespace: ns, labels: { ...COMMON_LABELS } }, type: "Opaque", stringData: { [sk.key]: key.result } },
            { parent: this, dependsOn: deps(ns) },
          ),
        );
      }
    }
    const ca = args.caSecret;
    if (ca !== undefined) {
      new k8s.core.v1.Secret(
        `${name}-${ca.namespace}-secret-${ca.name}`,
        { metadata: { name: ca.name, namespace: ca.namespace, labels: { ...COMMON_LABELS } }, type: "Opaque", stringData: { [ca.key]: ca.caCertificate } },
        { parent: this, dependsOn: deps(ca.namespace) },
      );
    }

    const templates = args.sandboxTemplates.map(
      (t) =>
        new k8s.apiextensions.CustomResource(id(t, "sandboxtemplate"), t as unknown as k8s.apiextensions.CustomResourceArgs, after(t, [...args.extensionsDependOn, ...secrets])),
    );
    for (const p of args.sandboxWarmPools) {
      new k8s.apiextensions.CustomResource(id(p, "sandboxwarmpool"), p as unknown as k8s.apiextensions.CustomResourceArgs, after(p, [...args.extensionsDependOn, ...templates]));
    }
    this.registerOutputs({});
  }
}
