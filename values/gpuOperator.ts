/**
 * NVIDIA GPU Operator values, from the plan: every component image through
 * the registry resolver (enabled or not, so nothing can fall back to nvcr.io
 * or registry.k8s.io), pull secrets in the shape each key wants (plain names
 * for operator components, `{name}` for the NFD subchart), component
 * switches, MIG, CDI and time-slicing.
 */
import type { ImageBinding } from "../catalog/artifacts";
import type { Plan } from "../plan/types";
import { gpuComponentValues } from "../config/selection";
import { chartImageValues } from "./images";
import { mergeValues, setPath, sortKeys, type Values } from "../lib/tree";

/** The device-plugin config ConfigMap and the key that holds the time-slicing profile. */
export const TIME_SLICING_CONFIGMAP = "gpu-time-slicing";
export const TIME_SLICING_KEY = "any";

/** The ConfigMap data of a time-slicing profile: every GPU advertised `replicas` times. */
export function timeSlicingConfig(replicas: number): string {
  return [
    "version: v1",
    "sharing:",
    "  timeSlicing:",
    "    resources:",
    "      - name: nvidia.com/gpu",
    `        replicas: ${replicas}`,
    "",
  ].join("\n");
}

export const timeSlicingOn = (plan: Plan): boolean => plan.config.gpu.timeSlicingReplicas > 1;

/**
 * Component keys whose pods take `imagePullSecrets` (a list of Secret names).
 * Nested keys (driver.manager, *.driverManager) have none: they run inside
 * their parent's pod, which carries the secret.
 */
export function pullSecretKeys(bindings: readonly ImageBinding[]): string[] {
  const keys = new Set<string>();
  for (const b of bindings) {
    if (b.kind !== "repository-image-version" || b.chart !== "gpuOperator") continue;
    const key = b.repository.replace(/\.repository$/, "");
    if (!key.includes(".")) keys.add(key);
  }
  return [...keys].sort();
}

export function gpuOperatorValues(plan: Plan): Values {
  const g = plan.config.gpu;
  const values: Values = mergeValues(gpuComponentValues(g), {
    ...(g.driverRepoConfigMap !== undefined ? { driver: { repoConfig: { configMapName: g.driverRepoConfigMap } } } : {}),
    mig: { strategy: g.migStrategy },
    cdi: { enabled: g.cdi },
    operator: { runtimeClass: g.runtimeClassName },
    ...(plan.config.observability.prometheusOperator
      ? { dcgmExporter: { serviceMonitor: { enabled: true, additionalLabels: { ...plan.config.observability.monitorLabels } } } }
      : {}),
    devicePlugin: timeSlicingOn(plan) ? { config: { create: false, name: TIME_SLICING_CONFIGMAP, default: TIME_SLICING_KEY } } : {},
  });
  if (plan.pullSecretName !== undefined) {
    const names = [plan.pullSecretName];
    for (const key of pullSecretKeys(plan.chartImages.flatMap((i) => i.bindings))) setPath(values, `${key}.imagePullSecrets`, names);
    setPath(values, "node-feature-discovery.imagePullSecrets", [{ name: plan.pullSecretName }]);
  }
  return sortKeys(mergeValues(values, chartImageValues(plan.chartImages, "gpuOperator")));
}
