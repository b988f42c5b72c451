/**
 * The gateway PKI's certificate material, as OpenShell's certgen makes it
 * (helm.v4.Chart never runs that hook): the names on the server certificate,
 * the key algorithms, and the sandbox JWT key id. Pure; the Pki component
 * builds on it. The Secret names the chart reads are in values/openshell.ts.
 */
import { createHash } from "node:crypto";

/** The service in every form a client inside or outside the cluster uses, plus localhost for port-forwards. */
export function serverDnsNames(service: string, namespace: string, extra: readonly string[]): string[] {
  const names = [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
    "localhost",
    ...extra,
  ];
  return [...new Set(names)];
}

export function serverIpAddresses(extra: readonly string[]): string[] {
  return [...new Set(["127.0.0.1", "::1", ...extra])];
}

/** DER bytes of a single-block PEM. */
export function pemToDer(pem: string): Buffer {
  const body = pem
    .replace(/-----BEGIN [^-]+-----/, "")
    .replace(/-----END [^-]+-----/, "")
    .replace(/\s+/g, "");
  return Buffer.from(body, "base64");
}

/**
 * The JWT key id, as OpenShell's certgen derives it: lower-case hex of the
 * first 16 bytes of SHA-256 over the public key's SPKI DER (32 characters).
 */
export function jwtKid(publicKeyPem: string): string {
  return createHash("sha256").update(pemToDer(publicKeyPem)).digest("hex").slice(0, 32);
}

export type KeyAlgorithm = "ECDSA-P256" | "ECDSA-P384" | "RSA-2048" | "RSA-4096";

/** `tls.PrivateKey` arguments for a configured algorithm. */
export function privateKeyArgs(alg: KeyAlgorithm): { algorithm: "ECDSA"; ecdsaCurve: "P256" | "P384" } | { algorithm: "RSA"; rsaBits: number } {
  switch (alg) {
    case "ECDSA-P256":
      return { algorithm: "ECDSA", ecdsaCurve: "P256" };
    case "ECDSA-P384":
      return { algorithm: "ECDSA", ecdsaCurve: "P384" };
    case "RSA-2048":
      return { algorithm: "RSA", rsaBits: 2048 };
    case "RSA-4096":
      return { algorithm: "RSA", rsaBits: 4096 };
  }
}
