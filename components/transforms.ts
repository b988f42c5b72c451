/**
 * Resource transforms the components pass to charts, to reach what a chart
 * renders without editing the chart: helm.v4.Chart applies a transform given
 * in its options to every child it registers (CRDs included).
 */
import type * as pulumi from "@pulumi/pulumi";

export const CRD_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/** `retainOnDelete` on every CustomResourceDefinition the chart renders: a deleted CRD deletes all its custom resources. */
export const retainCustomResourceDefinitions: pulumi.ResourceTransform = (args) =>
  args.type === CRD_TYPE ? { props: args.props, opts: { ...args.opts, retainOnDelete: true } } : undefined;
