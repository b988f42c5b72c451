/**
 * The gateway probes `verify --probe` runs through a port-forward: the mTLS
 * handshake on the gRPC port with the stack's client certificate, checked
 * against the stack's CA for the in-cluster name, and GET /readyz on the
 * chart's health port (plain HTTP, the probe the chart's readinessProbe uses).
 */
import { request } from "node:http";
import { connect } from "node:tls";

export interface ClientIdentity {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * Resolves with undefined when the handshake succeeds and the server keeps the
 * connection (a server refusing the client certificate closes it right after
 * a TLS 1.3 handshake), else with the reason.
 */
export function mtlsHandshake(port: number, servername: string, id: ClientIdentity, timeoutMs: number, settleMs = 500): Promise<string | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (why: string | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => finish(`no TLS handshake within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    const socket = connect({ host: "127.0.0.1", port, servername, ca: id.caPem, cert: id.certPem, key: id.keyPem, ALPNProtocols: ["h2"] });
    socket.once("secureConnect", () => {
      if (!socket.authorized) return finish(`server certificate not trusted: ${String(socket.authorizationError)}`);
      setTimeout(() => finish(undefined), settleMs);
    });
    socket.once("error", (err) => finish(`TLS error: ${err.message}`));
    socket.once("close", () => finish("the gateway closed the connection (client certificate refused?)"));
  });
}

/** GET /readyz on a local port: undefined on 200, else the status or error. */
export function readyz(port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/readyz", method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `HTTP ${res.statusCode ?? "?"}`);
    });
    req.once("timeout", () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.once("error", (err) => resolve(err.message));
    req.end();
  });
}
