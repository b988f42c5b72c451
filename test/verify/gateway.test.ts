/** The gateway probes against local servers: an mTLS server like the gateway's, and a health endpoint. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mtlsHandshake, readyz } from "../../verify/gateway";

const HOST = "openshell.openshell.svc.cluster.local";
let dir: string;
const pem = (f: string) => readFileSync(join(dir, f), "utf8");

/** A throw-away CA per name, a server certificate for HOST and a client certificate (openssl; keys never leave the temp folder). */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "verify-gateway-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  for (const ca of ["ca", "other"]) ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${ca}.key`, "-out", `${ca}.crt`, "-days", "2", "-subj", `/CN=${ca}`);
  const issue = (name: string, ca: string, ext: string) => {
    ssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    ssl("x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`);
  };
  issue("server", "ca", `subjectAltName=DNS:${HOST},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`);
  issue("client", "ca", "extendedKeyUsage=clientAuth\n");
  issue("stranger", "other", "extendedKeyUsage=clientAuth\n");
});

describe("mtlsHandshake", () => {
  let server: TlsServer;
  let port: number;
  beforeAll(async () => {
    server = createTlsServer({ key: pem("server.key"), cert: pem("server.crt"), ca: pem("ca.crt"), requestCert: true, rejectUnauthorized: true, ALPNProtocols: ["h2"] }, () => undefined);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  it("the stack's CA and client certificate: the handshake holds", async () => {
    expect(await mtlsHandshake(port, HOST, { caPem: pem("ca.crt"), certPem: pem("client.crt"), keyPem: pem("client.key") }, 5000, 200)).toBeUndefined();
  });

  it("a CA that did not sign the server certificate: not trusted", async () => {
    expect(await mtlsHandshake(port, HOST, { caPem: pem("other.crt"), certPem: pem("client.crt"), keyPem: pem("client.key") }, 5000, 200)).toMatch(/^TLS error: /);
  });

  it("a client certificate of another CA: the server refuses it", async () => {
    expect(await mtlsHandshake(port, HOST, { caPem: pem("ca.crt"), certPem: pem("stranger.crt"), keyPem: pem("stranger.key") }, 5000, 200)).toMatch(/^(TLS error: |the gateway closed the connection)/);
  });

  it("a name the certificate does not cover: refused", async () => {
    expect(await mtlsHandshake(port, "openshell.openshell", { caPem: pem("ca.crt"), certPem: pem("client.crt"), keyPem: pem("client.key") }, 5000, 200)).toMatch(/^TLS error: Hostname\/IP does not match certificate's altnames/);
  });
});

describe("readyz", () => {
  let server: HttpServer;
  let port: number;
  let status = 200;
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      res.statusCode = req.url === "/readyz" ? status : 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  it("200 passes, anything else is named", async () => {
    expect(await readyz(port, 2000)).toBeUndefined();
    status = 503;
    expect(await readyz(port, 2000)).toBe("HTTP 503");
  });
});
