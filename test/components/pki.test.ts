/**
 * The PKI through the whole program under mocks. tls and random outputs are
 * deterministic stand-ins (harness/mocks.ts fakeOutputs); what is asserted
 * is what the program asks the providers for and where it puts the results.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { jwtKid, pemToDer, serverDnsNames } from "../../pki/certificates";
import { find, type Evaluation } from "../harness/mocks";
import { buildConfigMap, runExample, runProgram } from "../harness/program";

const secretShape = (ev: Evaluation, name: string) => {
  const s = find(ev, "kubernetes:core/v1:Secret", name);
  const meta = s.inputs["metadata"] as { name: string; namespace: string };
  return {
    name: meta.name,
    namespace: meta.namespace,
    type: s.inputs["type"],
    keys: Object.keys(s.inputs["stringData"] as object).sort(),
  };
};

describe.each(["dev", "staging", "prod"])("PKI Secrets, %s", (stack) => {
  it("are exactly the ones the chart reads: names, types, keys", async () => {
    const ev = await runExample(stack);
    expect(["pki-server-tls", "pki-client-ca", "pki-client-tls", "pki-jwt-keys", "pki-kek"].map((n) => secretShape(ev, n))).toEqual([
      { name: "openshell-server-tls", namespace: "openshell", type: "kubernetes.io/tls", keys: ["ca.crt", "tls.crt", "tls.key"] },
      { name: "openshell-server-client-ca", namespace: "openshell", type: "Opaque", keys: ["ca.crt"] },
      { name: "openshell-client-tls", namespace: "openshell", type: "kubernetes.io/tls", keys: ["ca.crt", "tls.crt", "tls.key"] },
      { name: "openshell-jwt-keys", namespace: "openshell", type: "Opaque", keys: ["kid", "public.pem", "signing.pem"] },
      {
        name: "openshell-credential-storage-key-encryption-key",
        namespace: "openshell",
        type: "Opaque",
        keys: ["key-encryption-key"],
      },
    ]);
  });
});

describe("certificates and keys", () => {
  it("the server certificate covers the service in every form, localhost and loopback", async () => {
    const ev = await runExample("dev");
    expect(find(ev, "tls:index/certRequest:CertRequest", "pki-server-csr").inputs).toEqual({
      privateKeyPem: expect.stringMatching(/^-----BEGIN EC PRIVATE KEY-----/),
      subject: { commonName: "openshell-server", organization: "openshell" },
      dnsNames: ["openshell", "openshell.openshell", "openshell.openshell.svc", "openshell.openshell.svc.cluster.local", "localhost"],
      ipAddresses: ["127.0.0.1", "::1"],
    });
  });

  it("extra names and addresses are added once; another gateway namespace changes the names", () => {
    expect(serverDnsNames("openshell", "agents", ["openshell.example.internal", "localhost"])).toEqual([
      "openshell",
      "openshell.agents",
      "openshell.agents.svc",
      "openshell.agents.svc.cluster.local",
      "localhost",
      "openshell.example.internal",
    ]);
  });

  it("key algorithm, validity and early renewal follow the tier", async () => {
    const dev = await runExample("dev");
    const prod = await runExample("prod");
    expect(find(dev, "tls:index/privateKey:PrivateKey", "pki-ca-key").inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    const pick = (ev: Evaluation, type: string, name: string) => {
      const i = find(ev, type, name).inputs;
      return [i["validityPeriodHours"], i["earlyRenewalHours"]];
    };
    expect(pick(dev, "tls:index/selfSignedCert:SelfSignedCert", "pki-ca")).toEqual([87600, 720]);
    expect(pick(dev, "tls:index/locallySignedCert:LocallySignedCert", "pki-server-cert")).toEqual([8760, 720]);
    expect(pick(prod, "tls:index/selfSignedCert:SelfSignedCert", "pki-ca")).toEqual([43800, 720]);
    expect(pick(prod, "tls:index/locallySignedCert:LocallySignedCert", "pki-server-cert")).toEqual([2160, 720]);
    expect(find(prod, "tls:index/locallySignedCert:LocallySignedCert", "pki-client-cert").inputs["allowedUses"]).toEqual([
      "digital_signature",
      "key_encipherment",
      "client_auth",
    ]);
    expect(find(prod, "tls:index/selfSignedCert:SelfSignedCert", "pki-ca").inputs["isCaCertificate"]).toBe(true);
  });

  it("a configured RSA key size reaches every TLS key; the JWT key stays Ed25519", async () => {
    const ev = await runProgram("dev", buildConfigMap({ tier: "dev", kubernetesVersion: "1.34", pki: { keyAlgorithm: "RSA-4096" } }));
    for (const role of ["ca", "server", "client"]) {
      expect(find(ev, "tls:index/privateKey:PrivateKey", `pki-${role}-key`).inputs).toEqual({ algorithm: "RSA", rsaBits: 4096 });
    }
    expect(find(ev, "tls:index/privateKey:PrivateKey", "pki-jwt-key").inputs).toEqual({ algorithm: "ED25519" });
  });

  it("the JWT Secret holds the PKCS#8 key, the SPKI key and the kid derived from it", async () => {
    const ev = await runExample("dev");
    const data = find(ev, "kubernetes:core/v1:Secret", "pki-jwt-keys").inputs["stringData"] as Record<string, string>;
    expect(data["signing.pem"]).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(data["public.pem"]).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const der = pemToDer(data["public.pem"]!);
    expect(der).toHaveLength(44);
    expect(data["kid"]).toBe(createHash("sha256").update(der).digest("hex").slice(0, 32));
  });

  it("jwtKid: first 16 bytes of SHA-256 over the SPKI DER, lower-case hex", () => {
    const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.alloc(32, 7)]);
    const pem = `-----BEGIN PUBLIC KEY-----\n${spki.toString("base64")}\n-----END PUBLIC KEY-----\n`;
    expect(jwtKid(pem)).toBe(createHash("sha256").update(spki).digest("hex").slice(0, 32));
    expect(jwtKid(pem)).toMatch(/^[0-9a-f]{32}$/);
  });

  it("the key-encryption key is 32 random bytes", async () => {
    const ev = await runExample("dev");
    expect(find(ev, "random:index/randomBytes:RandomBytes", "pki-kek").inputs).toEqual({ length: 32 });
  });

  it("a separate sandbox namespace gets its own copy of the client TLS Secret", async () => {
    const ev = await runProgram("dev", buildConfigMap({ tier: "dev", kubernetesVersion: "1.34", gateway: { sandboxNamespace: "sandboxes" } }));
    expect(secretShape(ev, "pki-client-tls-sandboxes")).toEqual({
      name: "openshell-client-tls",
      namespace: "sandboxes",
      type: "kubernetes.io/tls",
      keys: ["ca.crt", "tls.crt", "tls.key"],
    });
  });

  it("exports the client certificate and key as secrets, the CA in plain", async () => {
    const ev = await runExample("staging");
    expect(ev.secretOutputs).toEqual(["clientCertificate", "clientKey"]);
    expect(String(ev.outputs["caCertificate"])).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});
