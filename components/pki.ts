/**
 * The gateway's PKI, made by Pulumi instead of the chart's hook: a CA, the
 * server certificate, the client certificate (CLI and sandboxes), the
 * sandbox JWT Ed25519 key and the credential-storage key-encryption key,
 * written into exactly the Secrets the chart reads. Key material lives in
 * Pulumi state encrypted by the stack's secrets provider.
 *
 * Rotation: certificates are re-issued on the first `pulumi up` within
 * `earlyRenewalHours` of expiry, without touching the CA. The CA, the JWT key
 * and the KEK rotate only when their generation is raised (`pki.rotation`);
 * in staging and prod they are protected, so a rotation also needs them
 * unprotected in the state first (docs/day-2.md "Rotation").
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Parts } from "./parts";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { jwtKid, privateKeyArgs, type KeyAlgorithm } from "../pki/certificates";
import { GATEWAY_SECRETS } from "../values/openshell";
import { COMMON_LABELS } from "../manifests/labels";

export const PKI_TYPE = "agent-platform:platform:Pki";

export interface PkiArgs {
  /** Gateway namespace: every Secret goes here. */
  readonly namespace: string;
  /** Sandbox namespace: the client TLS Secret is also needed here when it differs. */
  readonly sandboxNamespace: string;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly caValidityHours: number;
  readonly certValidityHours: number;
  readonly earlyRenewalHours: number;
  readonly serverDnsNames: readonly string[];
  readonly serverIpAddresses: readonly string[];
  /** `protect` on the CA key and certificate, the JWT key and the KEK (state/protection.ts). */
  readonly protect: boolean;
  /** Rotation generations: each is the replacementTrigger of its key, so raising one replaces that key. */
  readonly rotation: { readonly ca: number; readonly jwtKey: number; readonly kek: number };
  /** Namespaces (and pull secrets) to wait for. */
  readonly dependsOn: readonly pulumi.Resource[];
}

export class Pki extends pulumi.ComponentResource {
  public readonly caCertificate: pulumi.Output<string>;
  public readonly clientCertificate: pulumi.Output<string>;
  public readonly clientKey: pulumi.Output<string>;
  public readonly caExpiry: pulumi.Output<string>;
  public readonly serverCertificateExpiry: pulumi.Output<string>;
  public readonly clientCertificateExpiry: pulumi.Output<string>;
  /** Every Secret the chart needs; the gateway depends on these. */
  public readonly secrets: readonly k8s.core.v1.Secret[];
  /** What others wait for: `secrets`, every Secret the gateway and sandboxes mount. */
  public readonly parts: Parts;

  constructor(name: string, args: PkiArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PKI_TYPE, name, {}, opts);
    if (args.serverDnsNames.length === 0) throw new Error("Pki: the server certificate needs at least one DNS name");
    const child = { parent: this };
    const kept = { parent: this, protect: args.protect };
    const keyArgs = privateKeyArgs(args.keyAlgorithm);

    // A new CA key re-issues the CA certificate, and with it the server and client certificates.
    const caKey = new tls.PrivateKey(`${name}-ca-key`, keyArgs, { ...kept, replacementTrigger: args.rotation.ca });
    const ca = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: caKey.privateKeyPem,
        subject: { commonName: "openshell-ca", organization: "openshell" },
        isCaCertificate: true,
        validityPeriodHours: args.caValidityHours,
        earlyRenewalHours: args.earlyRenewalHours,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      },
      kept,
    );

    const issue = (role: "server" | "client", commonName: string, organizationalUnit: string | undefined, uses: string[], san: { dnsNames?: string[]; ipAddresses?: string[] }) => {
      const key = new tls.PrivateKey(`${name}-${role}-key`, keyArgs, child);
      const csr = new tls.CertRequest(
        `${name}-${role}-csr`,
        {
          privateKeyPem: key.privateKeyPem,
          subject: { commonName, organization: "openshell", ...(organizationalUnit !== undefined ? { organizationalUnit } : {}) },
          ...san,
        },
        child,
      );
      const cert = new tls.LocallySignedCert(
        `${name}-${role}-cert`,
        {
          certRequestPem: csr.certRequestPem,
          caPrivateKeyPem: caKey.privateKeyPem,
          caCertPem: ca.certPem,
          validityPeriodHours: args.certValidityHours,
          earlyRenewalHours: args.earlyRenewalHours,
          allowedUses: uses,
        },
        child,
      );
      return { key, cert };
    };

    const server = issue("server", "openshell-server", undefined, ["digital_signature", "key_encipherment", "server_auth"], {
      dnsNames: [...args.serverDnsNames],
      ipAddresses: [...args.serverIpAddresses],
    });
    const client = issue("client", "openshell-client", "openshell-user", ["digital_signature", "key_encipherment", "client_auth"], {});

    // Sandbox JWT signing key: Ed25519, PKCS#8 private key, SPKI public key, kid from the public key.
    const jwtKey = new tls.PrivateKey(`${name}-jwt-key`, { algorithm: "ED25519" }, { ...kept, replacementTrigger: args.rotation.jwtKey });
    // Credential-storage key-encryption key: 32 random bytes, base64.
    const kek = new random.RandomBytes(`${name}-kek`, { length: 32 }, { ...kept, replacementTrigger: args.rotation.kek });

    const secretOpts = { parent: this, dependsOn: [...args.dependsOn] };
    const meta = (secretName: string, namespace: string) => ({ name: secretName, namespace, labels: { ...COMMON_LABELS } });
    const tlsData = (cert: tls.LocallySignedCert, key: tls.PrivateKey) => ({
      "ca.crt": ca.certPem,
      "tls.crt": cert.certPem,
      "tls.key": pulumi.secret(key.privateKeyPem),
    });

    const secrets: k8s.core.v1.Secret[] = [
      new k8s.core.v1.Secret(
        `${name}-server-tls`,
        { metadata: meta(GATEWAY_SECRETS.serverTls, args.namespace), type: "kubernetes.io/tls", stringData: tlsData(server.cert, server.key) },
        secretOpts,
      ),
      new k8s.core.v1.Secret(
        `${name}-client-ca`,
        { metadata: meta(GATEWAY_SECRETS.clientCa, args.namespace), type: "Opaque", stringData: { "ca.crt": ca.certPem } },
        secretOpts,
      ),
      new k8s.core.v1.Secret(
        `${name}-client-tls`,
        { metadata: meta(GATEWAY_SECRETS.clientTls, args.namespace), type: "kubernetes.io/tls", stringData: tlsData(client.cert, client.key) },
        secretOpts,
      ),
      new k8s.core.v1.Secret(
        `${name}-jwt-keys`,
        {
          metadata: meta(GATEWAY_SECRETS.jwt, args.namespace),
          type: "Opaque",
          stringData: {
            "signing.pem": pulumi.secret(jwtKey.privateKeyPemPkcs8),
            "public.pem": jwtKey.publicKeyPem,
            kid: jwtKey.publicKeyPem.apply(jwtKid),
          },
        },
        secretOpts,
      ),
      new k8s.core.v1.Secret(
        `${name}-kek`,
        { metadata: meta(GATEWAY_SECRETS.kek, args.namespace), type: "Opaque", stringData: { "key-encryption-key": pulumi.secret(kek.base64) } },
        secretOpts,
      ),
    ];
    if (args.sandboxNamespace !== args.namespace) {
      secrets.push(
        new k8s.core.v1.Secret(
          `${name}-client-tls-sandboxes`,
          {
            metadata: meta(GATEWAY_SECRETS.clientTls, args.sandboxNamespace),
            type: "kubernetes.io/tls",
            stringData: tlsData(client.cert, client.key),
          },
          secretOpts,
        ),
      );
    }

    this.secrets = secrets;
    this.parts = { secrets };
    this.caCertificate = ca.certPem;
    this.clientCertificate = pulumi.secret(client.cert.certPem);
    this.clientKey = pulumi.secret(client.key.privateKeyPem);
    this.caExpiry = ca.validityEndTime;
    this.serverCertificateExpiry = server.cert.validityEndTime;
    this.clientCertificateExpiry = client.cert.validityEndTime;
    this.registerOutputs({
      caCertificate: this.caCertificate,
      clientCertificate: this.clientCertificate,
      clientKey: this.clientKey,
      caExpiry: this.caExpiry,
      serverCertificateExpiry: this.serverCertificateExpiry,
      clientCertificateExpiry: this.clientCertificateExpiry,
    });
  }
}
