/**
 * The client bundle `npm run -s platform -- client` writes: the CA and the
 * client certificate and key in the layout OpenShell 0.0.111's
 * `openshell gateway add --local` imports from `OPENSHELL_LOCAL_TLS_DIR`
 * (`ca.crt`, `client/tls.crt`, `client/tls.key`; crates/openshell-cli/src/
 * commands/gateway.rs), and register.sh, which registers the gateway the way
 * that release expects. Pure: the files as data; automation/client.ts writes them.
 */
import type { PrivateFile } from "../lib/files";
import type { Plan } from "../plan/plan";
import { clientGatewayName, portForwardEndpoint } from "./clients";

/** A bundle file: path relative to the output directory, content, mode (written by lib/files.ts). */
export type BundleFile = PrivateFile;

/** The CLI's default OIDC client id (`--oidc-client-id`, default "openshell-cli"). */
export const OIDC_CLIENT_ID = "openshell-cli";

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** register.sh: mTLS-only registration (allowUnauthenticatedUsers), or OIDC when the stack configures an issuer. */
export function registerScript(plan: Plan): string {
  const name = clientGatewayName(plan);
  const o = plan.config.gateway.oidc;
  const head = [
    "#!/bin/sh",
    `# Registers the OpenShell gateway of stack ${plan.stack} as "${name}" (OpenShell 0.0.111 CLI) and checks it.`,
    "# Reach the gateway first: `pulumi stack output portForwardCommand` (or set OPENSHELL_ENDPOINT to a",
    "# https:// address the server certificate covers).",
    "set -eu",
    'here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
    `name=${quote(name)}`,
    `endpoint=\${OPENSHELL_ENDPOINT:-${portForwardEndpoint()}}`,
    "# An earlier registration (a stale CA after a rotation fails with BadSignature) is replaced.",
    'openshell gateway remove "$name" >/dev/null 2>&1 || true',
  ];
  if (o.issuer === undefined) {
    return [
      ...head,
      "# mTLS: --local imports ca.crt, client/tls.crt and client/tls.key from OPENSHELL_LOCAL_TLS_DIR.",
      'OPENSHELL_LOCAL_TLS_DIR="$here" openshell gateway add "$endpoint" --local --name "$name"',
      "openshell status",
      "",
    ].join("\n");
  }
  const audience = o.audience !== undefined && o.audience !== OIDC_CLIENT_ID ? ` --oidc-audience ${quote(o.audience)}` : "";
  return [
    ...head,
    "# OIDC: `gateway add --oidc-issuer` imports no certificates, so the CA and the client certificate go",
    "# where the CLI reads them for this gateway, owner-only.",
    'dir="${XDG_CONFIG_HOME:-$HOME/.config}/openshell/gateways/$name/mtls"',
    "umask 077",
    'mkdir -p "$dir"',
    'cp "$here/ca.crt" "$dir/ca.crt"',
    'cp "$here/client/tls.crt" "$here/client/tls.key" "$dir/"',
    'chmod 600 "$dir/ca.crt" "$dir/tls.crt" "$dir/tls.key"',
    `openshell gateway add "$endpoint" --local --name "$name" --oidc-issuer ${quote(o.issuer)} --oidc-client-id ${OIDC_CLIENT_ID}${audience}`,
    "openshell status",
    "",
  ].join("\n");
}

export interface BundleOutputs {
  readonly caCertificate: string;
  readonly clientCertificate: string;
  readonly clientKey: string;
}

const pem = (s: string) => (s.endsWith("\n") ? s : `${s}\n`);

export function clientBundle(plan: Plan, out: BundleOutputs): BundleFile[] {
  return [
    { path: "ca.crt", content: pem(out.caCertificate), mode: 0o644 },
    { path: "client/tls.crt", content: pem(out.clientCertificate), mode: 0o600 },
    { path: "client/tls.key", content: pem(out.clientKey), mode: 0o600 },
    { path: "register.sh", content: registerScript(plan), mode: 0o755 },
  ];
}
