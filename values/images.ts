/**
 * Image values for a chart, from the catalog bindings and the plan's
 * resolved references: every image the chart can run is set explicitly,
 * online or mirrored, so chart defaults never decide where a pod pulls from.
 */
import type { ChartId } from "../catalog/artifacts";
import type { ResolvedImage } from "../plan/types";
import { formatImageRef, imageName, tagForValues } from "../registry/imageRef";
import { setPath, type Values } from "../lib/tree";

export function chartImageValues(images: readonly ResolvedImage[], chart: ChartId): Values {
  const values: Values = {};
  for (const img of images) {
    for (const b of img.bindings) {
      if (b.kind === "repository-tag" && b.chart === chart) {
        setPath(values, b.repository, imageName(img.resolved));
        setPath(values, b.tag, tagForValues(img.resolved));
      } else if (b.kind === "repository-image-version" && b.chart === chart) {
        const path = img.resolved.repository.split("/");
        setPath(values, b.repository, [img.resolved.registry, ...path.slice(0, -1)].join("/"));
        setPath(values, b.image, path[path.length - 1]!);
        setPath(values, b.version, tagForValues(img.resolved));
      } else if (b.kind === "reference" && b.chart === chart) {
        setPath(values, b.path, formatImageRef(img.resolved));
      }
    }
  }
  return values;
}

/** The resolved reference of a catalog image in the plan (throws if the plan lacks it). */
export function resolvedImage(images: readonly ResolvedImage[], id: string): string {
  const img = images.find((i) => i.id === id);
  if (img === undefined) throw new Error(`the plan has no image ${id}`);
  return formatImageRef(img.resolved);
}
