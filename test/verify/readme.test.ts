/** docs/ documents what verify and the client bundle do: every finding's row (docs/troubleshooting.md), the bundle's files and register.sh's commands (docs/connect-and-verify.md). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientBundle, registerScript } from "../../values/clientBundle";
import { planStackFile } from "../../plan/fromStackFile";
import { TROUBLESHOOTING } from "../../verify/troubleshooting";
import { VERIFY_USAGE } from "../../automation/usage";
import { cliProbePlan, formatCliProbe } from "../../verify/openshellProbe";
import { ROOT } from "../harness/stackConfig";

/** A section of a docs page: from its heading to the next heading of level 2 or 3. */
const section = (page: string, heading: string) => {
  const text = readFileSync(join(ROOT, "docs", page), "utf8");
  const start = text.indexOf(`${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const rest = text.slice(start + heading.length);
  const next = rest.search(/\n#{2,3} /);
  return text.slice(start, next === -1 ? undefined : start + heading.length + next);
};

describe("docs/troubleshooting.md and docs/connect-and-verify.md", () => {
  it("has one verify-findings row per troubleshooting reference, in order", () => {
    const rows = section("troubleshooting.md", "## verify findings")
      .split("\n")
      .filter((l) => l.startsWith("| ") && !l.startsWith("| finding"))
      .map((l) => l.split(" | ")[0]!.slice(2));
    expect(rows).toEqual(Object.values(TROUBLESHOOTING));
  });

  it("Connect a client: uses the bundle command, names its files, and each register.sh command", () => {
    const text = section("connect-and-verify.md", "## Connect a client");
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
    const text = section("connect-and-verify.md", "## In-cluster clients");
    expect(text).toContain("configMapRef: { name: openshell-client }");
    expect(text).toContain("mountPath: /config/openshell/gateways/openshell-dev/mtls");
    expect(text).toContain("secret: { secretName: openshell-client, defaultMode: 0400 }");
  });

  it("Connect a client: the first sandbox keeps running (--detach and a long-lived main process) and says what the main process is", () => {
    const text = section("connect-and-verify.md", "## Connect a client");
    expect(text).toContain("openshell sandbox create --name demo --detach -- sleep infinity");
    expect(text).toContain("openshell sandbox exec -n demo -- uname -a");
    expect(text).toContain("openshell sandbox delete demo");
    expect(text).toContain("`MainProcessExited`");
    // `-- claude` only with an image that has it.
    expect(text.split("\n").filter((l) => l.startsWith("openshell sandbox create") && l.includes("-- claude"))).toEqual([]);
    expect(text).toContain("--from <image>");
  });

  it("Verify: the CLI probe's flags, each step's exact invocation and the report line as formatCliProbe prints it", () => {
    const text = section("connect-and-verify.md", "## Verify");
    for (const flag of ["--openshell-cli", "--probe-image"]) {
      expect(VERIFY_USAGE).toContain(flag);
      expect(text).toContain(flag);
    }
    const p = cliProbePlan(planStackFile(ROOT, "dev").plan, { port: 40000, nonce: "3f9a1c", timeoutSeconds: 300 });
    const shape = (args: readonly string[]) =>
      `openshell ${args.join(" ")}`
        .replaceAll("https://127.0.0.1:40000", "https://127.0.0.1:<port>")
        .replaceAll("openshell-dev", "openshell-<stack>")
        .replaceAll(p.sandbox, "verify-probe-<6 hex>")
        .replace(p.image, "<image>")
        .replace("sleep 360", "sleep <timeout + 60>")
        .replace("--timeout 60", "--timeout <s>");
    for (const c of [p.register, p.create, p.exec, p.delete]) expect(text).toContain(`\`${shape(c.args)}`);
    const line = formatCliProbe({
      ran: true,
      cli: "/usr/local/bin/openshell",
      sandbox: p.sandbox,
      image: p.image,
      steps: [
        { step: "port-forward", ms: 100, ok: true },
        { step: "register", ms: 600, ok: true },
        { step: "create", ms: 41_200, ok: true },
        { step: "exec", ms: 900, ok: true },
        { step: "delete", ms: 1_400, ok: true },
      ],
    });
    expect(text).toContain(`\n${line}\n`);
  });
});
