/** Loads, verifies and prepares the agent-sandbox manifest a plan selects. */
import { agentSandboxHealth } from "../catalog/artifacts";
import type { Plan } from "../plan/types";
import { formatImageRef, imageName } from "../registry/imageRef";
import { prepareAgentSandbox, type AgentSandboxParts } from "./agentSandbox";
import { DEFAULT_READER, loadManifest, type ManifestReader } from "./load";

export async function agentSandboxParts(plan: Plan, reader: ManifestReader = DEFAULT_READER): Promise<AgentSandboxParts> {
  const manifest = plan.manifests.find((m) => m.id === "agent-sandbox" || m.id === "agent-sandbox-with-extensions");
  const controller = plan.images.find((i) => i.id === "agentSandbox.controller");
  if (manifest === undefined || controller === undefined) throw new Error("the plan has no agent-sandbox manifest");
  const text = await loadManifest(
    {
      id: manifest.id,
      location: manifest.location,
      ...(manifest.sha256 !== undefined ? { sha256: manifest.sha256 } : {}),
      digestKey: `catalog.manifestSha256["${manifest.id}"]`,
    },
    reader,
  );
  const health = agentSandboxHealth(manifest.version);
  return prepareAgentSandbox(text, {
    id: manifest.id,
    sourceImage: imageName(controller.source),
    controllerImage: formatImageRef(controller.resolved),
    ...(plan.pullSecretName !== undefined ? { pullSecretName: plan.pullSecretName } : {}),
    ...(health !== undefined ? { health } : {}),
  });
}
