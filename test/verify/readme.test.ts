/** README documents what verify and the client bundle do: every finding's row, the bundle's files and register.sh's commands. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientBundle, registerScript } from "../../automation/bundle";
import { planStackFile } from "../../plan/fromStackFile";
import { TROUBLESHOOTING } from "../../verify/troubleshooting";
import { ROOT } from "../harness/stackConfig";

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const section = (heading: string) => {
  const start = README.indexOf(`${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const rest = README.slice(start + heading.length);
  const next = rest.search(/\n#{2,3} /);
  return README.slice(start, next === -1 ? undefined : start + heading.length + next);
};

describe("README", () => {
  it("has one verify-findings row per troubleshooting reference, in order", () => {
    const rows = section("### verify findings")
      .split("\n")
      .filter((l) => l.startsWith("| ") && !l.startsWith("| finding"))
      .map((l) => l.split(" | ")[0]!.slice(2));
    expect(rows).toEqual(Object.values(TROUBLESHOOTING));
  });

  it("Connect a client: uses the bundle command, names its files, and each register.sh command", () => {
    const text = section("## Connect a client");
    expect(text).toContain("npm run -s platform -- client --stack dev --out ~/openshell-dev");
    expect(text).not.toMatch(/gateway add https:\/\/127\.0\.0\.1:8080 --name/);
    const files = clientBundle(planStackFile(ROOT, "dev").plan, { caCertificate: "c", clientCertificate: "c", clientKey: "k" }).map((f) => f.path);
    for (const f of files) expect(text).toContain(f);
    const dev = registerScript(planStackFile(ROOT, "dev").plan);
    expect(dev).toContain('OPENSHELL_LOCAL_TLS_DIR="$here" openshell gateway add "$endpoint" --local --name "$name"');
    expect(text).toContain("`OPENSHELL_LOCAL_TLS_DIR=<bundle> openshell gateway add https://127.0.0.1:8080 --local --name openshell-<stack>`");
    const prod = registerScript(planStackFile(ROOT, "prod").plan);
    expect(prod).toContain("--oidc-issuer 'https://login.example.internal/realms/platform' --oidc-client-id openshell-cli");
    expect(text).toContain("--oidc-issuer <gateway.oidc.issuer> --oidc-client-id openshell-cli");
    for (const cmd of ["openshell gateway remove", "openshell status"]) {
      expect(dev).toContain(cmd);
      expect(prod).toContain(cmd);
      expect(text).toContain(cmd);
    }
  });

  it("In-cluster clients: the Job mounts the client Secret where the CLI reads gateway openshell-dev", () => {
    const text = section("## In-cluster clients");
    expect(text).toContain("configMapRef: { name: openshell-client }");
    expect(text).toContain("mountPath: /config/openshell/gateways/openshell-dev/mtls");
    expect(text).toContain("secret: { secretName: openshell-client, defaultMode: 0400 }");
  });
});
