/**
 * URLs that end up signed into credentials (issuer url and image, achievement image and
 * criteria, evidence). A credential is displayed by wallets and verifiers we do not control,
 * so a `javascript:` or `data:text/html` URL signed today is a script someone runs tomorrow:
 * only http(s) URLs are accepted, and for images also a base64 `data:` URI that really holds a
 * PNG, JPEG, GIF or WebP (checked by its leading bytes; never SVG, which can carry script).
 */
import { z } from "zod";

export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

const RASTER_DATA_URI = /^data:image\/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/]+={0,2})$/;

function startsWith(bytes: Buffer, prefix: readonly number[], offset = 0): boolean {
  return prefix.every((byte, i) => bytes[offset + i] === byte);
}

export function isRasterImageDataUri(value: string): boolean {
  const match = RASTER_DATA_URI.exec(value);
  if (!match) return false;
  const bytes = Buffer.from(match[2]!, "base64");
  switch (match[1]) {
    case "png":
      return startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case "jpeg":
      return startsWith(bytes, [0xff, 0xd8, 0xff]);
    case "gif":
      return startsWith(bytes, [0x47, 0x49, 0x46, 0x38]);
    case "webp":
      return startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8);
    default:
      return false;
  }
}

export function isImageReference(value: string): boolean {
  return isHttpUrl(value) || isRasterImageDataUri(value);
}

/** An http(s) URL of at most `max` characters. */
export function httpUrlField(max = 2000) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine(isHttpUrl, "must be an http:// or https:// URL");
}

/** An image: an http(s) URL, or a base64 data: URI of a PNG, JPEG, GIF or WebP (at most `max` characters). */
export function imageField(max = 200_000) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine(isImageReference, "must be an http(s) URL or a data:image/(png|jpeg|gif|webp);base64 URI holding that image");
}
