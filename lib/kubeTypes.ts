/**
 * What object a kubernetes provider type token manages:
 * `kubernetes:apps/v1:Deployment` → apiVersion `apps/v1`, kind `Deployment`
 * (`core` → `v1`). A server-side-apply patch (`ServiceAccountPatch`) names
 * the object it patches. "component" for the tokens that are not one object
 * (`helm.sh`, `yaml`, `kustomize`: charts, releases, ConfigGroups); undefined
 * for any other token.
 */
export function objectKindOf(type: string): { readonly apiVersion: string; readonly kind: string } | "component" | undefined {
  const m = /^kubernetes:([^:/]+)\/([^:/]+):([A-Za-z0-9]+)$/.exec(type);
  if (m === null) return undefined;
  const [, group, version, kind] = m as unknown as [string, string, string, string];
  if (group === "helm.sh" || group === "yaml" || group === "kustomize") return "component";
  return { apiVersion: group === "core" ? version : `${group}/${version}`, kind: kind.replace(/Patch$/, "") };
}
