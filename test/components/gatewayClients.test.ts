/** gateway.clients: the client Secret and ConfigMap per namespace, and the NetworkPolicy letting those namespaces reach the gateway port only. */
import { describe, expect, it } from "vitest";
import { GATEWAY_CLIENTS_TYPE } from "../../components/gatewayClients";
import { serverDnsNames } from "../../pki/certificates";
import { networkPolicies } from "../../security/networkPolicies";
import { clientConfigMaps, gatewayServiceHost, inClusterEndpoint } from "../../values/clients";
import { find } from "../harness/mocks";
import { planFor } from "../harness/planFor";
import { buildConfigMap, runExample, runProgram } from "../harness/program";

const CLIENTS = { tier: "dev", kubernetesVersion: "1.34", gateway: { clients: { namespaces: ["ci", "runners"] } } };

describe("in-cluster clients (pure)", () => {
  it("the ConfigMap names the stack's gateway and its in-cluster endpoint, which the server certificate covers", () => {
    const plan = planFor(CLIENTS, undefined, "dev");
    expect(clientConfigMaps(plan)).toEqual([
      { metadata: { name: "openshell-client", namespace: "ci", labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" } }, data: { OPENSHELL_GATEWAY: "openshell-dev", OPENSHELL_GATEWAY_ENDPOINT: "https://openshell.openshell.svc.cluster.local:8080" } },
      { metadata: { name: "openshell-client", namespace: "runners", labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" } }, data: { OPENSHELL_GATEWAY: "openshell-dev", OPENSHELL_GATEWAY_ENDPOINT: "https://openshell.openshell.svc.cluster.local:8080" } },
    ]);
    expect(new URL(inClusterEndpoint(plan)).hostname).toBe(gatewayServiceHost("openshell"));
    expect(serverDnsNames("openshell", "openshell", [])).toContain(gatewayServiceHost("openshell"));
  });

  it("one NetworkPolicy in the gateway namespace: those namespaces, to the gateway pods, port 8080 only", () => {
    const np = networkPolicies(planFor(CLIENTS)).filter((p) => p.metadata.name === "gateway-clients");
    expect(np).toEqual([
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "gateway-clients", namespace: "openshell", labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" } },
        spec: {
          podSelector: { matchLabels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ci" } } }, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "runners" } } }],
              ports: [{ protocol: "TCP", port: 8080 }],
            },
          ],
        },
      },
    ]);
    expect(networkPolicies(planFor({ tier: "dev", kubernetesVersion: "1.34" })).some((p) => p.metadata.name === "gateway-clients")).toBe(false);
  });

  it("refuses duplicates and the platform's own namespaces, in one error", () => {
    expect(() => planFor({ ...CLIENTS, gateway: { clients: { namespaces: ["ci", "ci", "openshell-sandboxes"] } } })).toThrow(
      /gateway\.clients\.namespaces: ci listed more than once[\s\S]*gateway\.clients\.namespaces: openshell-sandboxes belong\(s\) to the platform; list the namespaces your runners use/,
    );
  });
});

describe("GatewayClients component", () => {
  it("per namespace a TLS Secret (certificate and key secret, from the PKI) and the ConfigMap, children of the component", async () => {
    const ev = await runProgram("dev", buildConfigMap(CLIENTS));
    const component = find(ev, GATEWAY_CLIENTS_TYPE, "gateway-clients");
    const secret = find(ev, "kubernetes:core/v1:Secret", "gateway-clients-ci-tls");
    const ca = find(ev, "tls:index/selfSignedCert:SelfSignedCert", "pki-ca");
    expect(secret.parent).toBe(component.urn);
    expect(secret.inputs["metadata"]).toEqual({ name: "openshell-client", namespace: "ci", labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" } });
    expect(secret.inputs["type"]).toBe("kubernetes.io/tls");
    expect(Object.keys(secret.inputs["stringData"] as object).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
    // The Kubernetes SDK makes a Secret's whole stringData secret.
    expect(secret.secretPaths).toEqual(["stringData"]);
    expect(secret.propertyDependencies["stringData"]).toEqual(expect.arrayContaining([ca.urn]));
    const cm = find(ev, "kubernetes:core/v1:ConfigMap", "gateway-clients-runners-config");
    expect(cm.parent).toBe(component.urn);
    expect(cm.inputs["data"]).toEqual({ OPENSHELL_GATEWAY: "openshell-dev", OPENSHELL_GATEWAY_ENDPOINT: "https://openshell.openshell.svc.cluster.local:8080" });
    expect(find(ev, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "policies-openshell-gateway-clients").inputs["metadata"]).toMatchObject({ name: "gateway-clients", namespace: "openshell" });
  });

  it("example stacks set no clients: no component", async () => {
    const ev = await runExample("dev");
    expect(ev.resources.filter((r) => r.type === GATEWAY_CLIENTS_TYPE)).toEqual([]);
  });
});
