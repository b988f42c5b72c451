/**
 * The platform installer: configuration → resolved plan → components.
 * Everything that decides *what* is installed lives in config/, catalog/,
 * registry/ and plan/ (pure, tested without Pulumi); components/ turns the
 * plan into resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { readStackSettings, resolveConfig } from "./config/load";
import { readSecrets } from "./config/secrets";
import { buildPlan } from "./plan/plan";
import { createProvider } from "./components/provider";

// 1. Configuration: validated as a whole before any resource exists.
const settings = readStackSettings(pulumi.getProject(), pulumi.getStack());
const config = resolveConfig(settings);

// 2. The plan: versions, images, charts and manifests for this stack.
const plan = buildPlan(settings.stack, config, settings.secrets);
const secrets = readSecrets(new pulumi.Config(), plan.secrets);

// 3. Resources.
const provider = createProvider(plan.provider, secrets);

// 4. Outputs: what this stack installs and pulls.
export const tier = plan.tier;
export const clusterIdentifier = plan.provider.clusterIdentifier;
export const registryMode = plan.registry.mode;
export const versions = plan.versions;
export const components = plan.components;
export const charts = plan.charts.map((c) => ({ id: c.id, version: c.version, ...c.location }));
export const manifests = plan.manifests.map((m) => ({ id: m.id, version: m.version, location: m.location }));
export const images = [...new Set(plan.images.flatMap((i) => i.pulls.map((p) => p.resolved)))].sort();
export const providerUrn = provider.urn;
