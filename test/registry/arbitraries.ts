/** fast-check generators for image references, shared by the registry tests. */
import fc from "fast-check";
import type { ImageRef } from "../../registry/imageRef";

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/);
export const hostArb = fc
  .tuple(fc.array(label, { minLength: 2, maxLength: 3 }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
  .map(([labels, port]) => `${labels.join(".")}${port !== undefined ? `:${port}` : ""}`);
export const component = fc.stringMatching(/^[a-z0-9]+([._-][a-z0-9]+)?$/);
export const repositoryArb = fc.array(component, { minLength: 1, maxLength: 4 }).map((c) => c.join("/"));
export const tagArb = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
export const digestArb = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`);
export const imageRefArb: fc.Arbitrary<ImageRef> = fc
  .record({
    registry: hostArb,
    repository: repositoryArb,
    tag: fc.option(tagArb, { nil: undefined }),
    digest: fc.option(digestArb, { nil: undefined }),
  })
  .map((r) => ({
    registry: r.registry,
    repository: r.repository,
    ...(r.tag !== undefined ? { tag: r.tag } : {}),
    ...(r.digest !== undefined ? { digest: r.digest } : {}),
  }));

