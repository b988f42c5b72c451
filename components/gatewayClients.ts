/**
 * In-cluster clients of the gateway (CI runners, job runners): in each listed
 * namespace a Secret with the CA and the client certificate and key (the
 * files the OpenShell CLI reads from `gateways/<name>/mtls/`) and a
 * ConfigMap naming the gateway and its in-cluster endpoint. The
 * NetworkPolicy that lets these namespaces reach the gateway port is built
 * with the others (security/networkPolicies.ts). The namespaces are the
 * users': they must exist, the graph does not own them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMMON_LABELS } from "../manifests/labels";

export const GATEWAY_CLIENTS_TYPE = "agent-platform:platform:GatewayClients";

export interface GatewayClientsArgs {
  /** One ConfigMap per namespace (values/clients.ts); the Secret takes the same name and namespace. */
  readonly configMaps: readonly { readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> }; readonly data: Readonly<Record<string, string>> }[];
  readonly caCertificate: pulumi.Input<string>;
  /** Secret Outputs of the PKI. */
  readonly clientCertificate: pulumi.Input<string>;
  readonly clientKey: pulumi.Input<string>;
}

export class GatewayClients extends pulumi.ComponentResource {
  public readonly secrets: readonly k8s.core.v1.Secret[];

  constructor(name: string, args: GatewayClientsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GATEWAY_CLIENTS_TYPE, name, {}, opts);
    const child = { parent: this };
    const secrets: k8s.core.v1.Secret[] = [];
    for (const cm of args.configMaps) {
      const ns = cm.metadata.namespace;
      secrets.push(
        new k8s.core.v1.Secret(
          `${name}-${ns}-tls`,
          {
            metadata: { name: cm.metadata.name, namespace: ns, labels: { ...COMMON_LABELS } },
            type: "kubernetes.io/tls",
            stringData: {
              "ca.crt": args.caCertificate,
              "tls.crt": pulumi.secret(args.clientCertificate),
              "tls.key": pulumi.secret(args.clientKey),
            },
          },
          child,
        ),
      );
      new k8s.core.v1.ConfigMap(`${name}-${ns}-config`, { metadata: { ...cm.metadata, labels: { ...cm.metadata.labels } }, data: { ...cm.data } }, child);
    }
    this.secrets = secrets;
    this.registerOutputs({ namespaces: args.configMaps.map((c) => c.metadata.namespace) });
  }
}
