/** `platform client`: the bundle's layout, modes and register.sh, from the stack outputs. */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerScript } from "../../values/clientBundle";
import { CLIENT_USAGE } from "../../automation/client";
import { localDeps } from "../../automation/deps";
import { run, type Workspace } from "../../automation/orchestrate";
import { planStackFile } from "../../plan/fromStackFile";
import { ROOT } from "../harness/stackConfig";
import { fakeStack } from "./fakes";

const VARS = { PULUMI_BACKEND_URL: "s3://state-bucket/platform", PULUMI_CONFIG_PASSPHRASE: "pass" };
const OUTPUTS = { caCertificate: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----", clientCertificate: "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n", clientKey: "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----" };

function workspace(outputs: Record<string, unknown> = OUTPUTS): Workspace & { envs: string[] } {
  const envs: string[] = [];
  return {
    envs,
    cliVersion: async () => "v3.270.0",
    stack: async (env) => {
      envs.push(env);
      return fakeStack({ outputs: async () => outputs });
    },
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), "bundle-"));
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

function tree(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? [`${prefix}${e.name}/ ${mode(join(dir, e.name))}`, ...tree(join(dir, e.name), `${prefix}${e.name}/`)] : [`${prefix}${e.name} ${mode(join(dir, e.name))}`]))
    .sort();
}

describe("platform client", () => {
  it("writes ca.crt, client/tls.crt, client/tls.key (0600) and register.sh from the stack outputs", async () => {
    const dir = join(tmp(), "bundle");
    const ws = workspace();
    const out = await run(["client", "--stack", "dev", "--out", dir], ws, VARS, ROOT, localDeps(ROOT));
    expect(out.code).toBe(0);
    expect(out.stream).toBe("stdout");
    expect(out.text.split("\n")[0]).toBe(`wrote the client bundle of dev (gateway "openshell-dev") to ${dir}: ca.crt (644), client/tls.crt (600), client/tls.key (600), register.sh (755)`);
    expect(ws.envs).toEqual(["dev"]);
    expect(tree(dir)).toEqual(["ca.crt 644", "client/ 700", "client/tls.crt 600", "client/tls.key 600", "register.sh 755"]);
    expect(readFileSync(join(dir, "ca.crt"), "utf8")).toBe(`${OUTPUTS.caCertificate}\n`);
    expect(readFileSync(join(dir, "client/tls.crt"), "utf8")).toBe(OUTPUTS.clientCertificate);
    expect(readFileSync(join(dir, "client/tls.key"), "utf8")).toBe(`${OUTPUTS.clientKey}\n`);
  });

  it("register.sh, mTLS only (dev: allowUnauthenticatedUsers, no OIDC): OpenShell 0.0.111's --local import from OPENSHELL_LOCAL_TLS_DIR", () => {
    expect(registerScript(planStackFile(ROOT, "dev").plan).split("\n")).toEqual([
      "#!/bin/sh",
      '# Registers the OpenShell gateway of stack dev as "openshell-dev" (OpenShell 0.0.111 CLI) and checks it.',
      "# Reach the gateway first: `pulumi stack output portForwardCommand` (or set OPENSHELL_ENDPOINT to a",
      "# https:// address the server certificate covers).",
      "set -eu",
      'here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
      "name='openshell-dev'",
      "endpoint=${OPENSHELL_ENDPOINT:-https://127.0.0.1:8080}",
      "# An earlier registration (a stale CA after a rotation fails with BadSignature) is replaced.",
      'openshell gateway remove "$name" >/dev/null 2>&1 || true',
      "# mTLS: --local imports ca.crt, client/tls.crt and client/tls.key from OPENSHELL_LOCAL_TLS_DIR.",
      'OPENSHELL_LOCAL_TLS_DIR="$here" openshell gateway add "$endpoint" --local --name "$name"',
      "openshell status",
      "",
    ]);
  });

  it("register.sh with OIDC (prod): certificates copied owner-only where the CLI reads them, then --oidc-issuer/--oidc-client-id", () => {
    expect(registerScript(planStackFile(ROOT, "prod").plan).split("\n").slice(10)).toEqual([
      "# OIDC: `gateway add --oidc-issuer` imports no certificates, so the CA and the client certificate go",
      "# where the CLI reads them for this gateway, owner-only.",
      'dir="${XDG_CONFIG_HOME:-$HOME/.config}/openshell/gateways/$name/mtls"',
      "umask 077",
      'mkdir -p "$dir"',
      'cp "$here/ca.crt" "$dir/ca.crt"',
      'cp "$here/client/tls.crt" "$here/client/tls.key" "$dir/"',
      'chmod 600 "$dir/ca.crt" "$dir/tls.crt" "$dir/tls.key"',
      "openshell gateway add \"$endpoint\" --local --name \"$name\" --oidc-issuer 'https://login.example.internal/realms/platform' --oidc-client-id openshell-cli",
      "openshell status",
      "",
    ]);
  });

  it("refuses a non-empty directory without --force (exit 2), overwrites with it", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "client"));
    writeFileSync(join(dir, "notes.txt"), "mine");
    const refused = await run(["client", "--stack", "dev", "--out", dir], workspace(), VARS, ROOT, localDeps(ROOT));
    expect(refused).toEqual({ code: 2, results: [], text: `${dir} is not empty; choose an empty directory or pass --force to overwrite the bundle files in it\n${CLIENT_USAGE}`, stream: "stderr" });
    const forced = await run(["client", "--stack", "dev", "--out", dir, "--force"], workspace(), VARS, ROOT, localDeps(ROOT));
    expect(forced.code).toBe(0);
    expect(tree(dir)).toEqual(["ca.crt 644", "client/ 755", "client/tls.crt 600", "client/tls.key 600", "notes.txt 644", "register.sh 755"]);
  });

  it.each([
    [["--stack", "dev"], "--out is required"],
    [["--out", "x"], "--stack is required"],
    [["--stack", "qa", "--out", "x"], 'unknown stack "qa": no Pulumi.qa.yaml; stacks: dev, staging, prod'],
    [["--stack", "dev,prod", "--out", "x"], "--stack takes one stack name here"],
    [["--stack", "dev", "--out", "x", "--mode", "600"], 'unknown argument "--mode"'],
  ])("%j: exit 2 with the usage", async (argv, message) => {
    expect(await run(["client", ...argv], workspace(), VARS, ROOT, localDeps(ROOT))).toEqual({ code: 2, results: [], text: `${message}\n${CLIENT_USAGE}`, stream: "stderr" });
  });

  it("a stack without the outputs (never deployed): exit 2, nothing written", async () => {
    const dir = join(tmp(), "b");
    expect(await run(["client", "--stack", "staging", "--out", dir], workspace({}), VARS, ROOT, localDeps(ROOT))).toEqual({
      code: 2,
      results: [],
      text: "the stack staging has no caCertificate, clientCertificate, clientKey output: run `npm run -s platform -- up --stack staging` first",
      stream: "stderr",
    });
    expect(() => readdirSync(dir)).toThrow();
  });

  it("--help: usage on stdout, exit 0", async () => {
    expect(await run(["client", "--help"], workspace(), VARS, ROOT, localDeps(ROOT))).toEqual({ code: 0, results: [], text: CLIENT_USAGE, stream: "stdout" });
  });
});
