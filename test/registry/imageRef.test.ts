import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ImageRefError, formatImageRef, parseImageRef, tagForValues, type ImageRef } from "../../registry/imageRef";
import { component, imageRefArb, tagArb } from "./arbitraries";

const D = `sha256:${"a".repeat(64)}`;

describe("parseImageRef", () => {
  it.each<[string, ImageRef]>([
    ["nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["nginx:1.27", { registry: "docker.io", repository: "library/nginx", tag: "1.27" }],
    ["bitnami/redis:7.4", { registry: "docker.io", repository: "bitnami/redis", tag: "7.4" }],
    ["docker.io/nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["index.docker.io/library/nginx:1", { registry: "docker.io", repository: "library/nginx", tag: "1" }],
    ["ghcr.io/nvidia/openshell/gateway:0.0.111", { registry: "ghcr.io", repository: "nvidia/openshell/gateway", tag: "0.0.111" }],
    ["localhost/app", { registry: "localhost", repository: "app" }],
    ["harbor.example.internal:8443/mirror/x:v1", { registry: "harbor.example.internal:8443", repository: "mirror/x", tag: "v1" }],
    [`ghcr.io/a/b@${D}`, { registry: "ghcr.io", repository: "a/b", digest: D }],
    [`ghcr.io/a/b:1.0@${D}`, { registry: "ghcr.io", repository: "a/b", tag: "1.0", digest: D }],
    ["registry:5000/team/app:2", { registry: "registry:5000", repository: "team/app", tag: "2" }],
  ])("%s", (input, expected) => {
    expect(parseImageRef(input)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["", 'invalid image reference "": empty'],
    ["Ghcr.io/A/b", 'invalid image reference "Ghcr.io/A/b": bad repository "A/b" (lower-case letters, digits and . _ - separators)'],
    ["ghcr.io/a/b:bad tag", 'invalid image reference "ghcr.io/a/b:bad tag": bad tag "bad tag"'],
    ["ghcr.io/a/b@sha256:xyz", 'invalid image reference "ghcr.io/a/b@sha256:xyz": bad digest "sha256:xyz"'],
    ["oci://ghcr.io/a/b", 'invalid image reference "oci://ghcr.io/a/b": an image reference has no URL scheme'],
    [" nginx", 'invalid image reference " nginx": leading or trailing whitespace'],
  ])("rejects %j", (input, message) => {
    expect(() => parseImageRef(input)).toThrow(new ImageRefError(input, "x").constructor as typeof Error);
    expect(() => parseImageRef(input)).toThrow(message);
  });
});

describe("tagForValues", () => {
  it("keeps a digest next to the tag so repository:tag renders pull by digest", () => {
    expect(tagForValues({ registry: "ghcr.io", repository: "a", tag: "1", digest: D })).toBe(`1@${D}`);
    expect(tagForValues({ registry: "ghcr.io", repository: "a", tag: "1" })).toBe("1");
  });
  it("refuses a digest-only reference", () => {
    expect(() => tagForValues({ registry: "ghcr.io", repository: "a", digest: D })).toThrow(
      `invalid image reference "ghcr.io/a@${D}": a values tag needs a tag (digest-only references cannot be split)`,
    );
  });
});

// ------------------------------------------------------------ properties

describe("parse/format properties", () => {
  it("parse(format(ref)) is ref for every fully-qualified reference", () => {
    fc.assert(
      fc.property(imageRefArb, (ref) => {
        expect(parseImageRef(formatImageRef(ref))).toEqual(ref);
      }),
    );
  });

  it("format(parse(s)) is a fixed point: parsing the canonical form gives the same reference", () => {
    const shortHub = fc
      .tuple(component, fc.option(tagArb, { nil: undefined }))
      .map(([name, tag]) => `${name}${tag !== undefined ? `:${tag}` : ""}`);
    fc.assert(
      fc.property(fc.oneof(shortHub, imageRefArb.map(formatImageRef)), (s) => {
        const canonical = formatImageRef(parseImageRef(s));
        expect(formatImageRef(parseImageRef(canonical))).toBe(canonical);
      }),
    );
  });
});
