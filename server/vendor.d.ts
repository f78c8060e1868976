// Types for the untyped packages the server uses.
declare module "subset-font" {
  /** A font holding only the glyphs `text` needs (HarfBuzz hb-subset), in `targetFormat`. */
  export default function subsetFont(font: Buffer | Uint8Array, text: string, options?: { targetFormat?: "truetype" | "sfnt" | "woff" | "woff2" }): Promise<Buffer>;
}

declare module "etag" {
  /** The entity tag express sends for a body (`W/"<length hex>-<sha1 base64>"` when weak). */
  export default function etag(entity: Buffer | string, options?: { weak?: boolean }): string;
}

declare module "fresh" {
  /** Whether a conditional GET is answered by the response headers (so a 304 will do). */
  export default function fresh(requestHeaders: Record<string, string | string[] | undefined>, responseHeaders: Record<string, string | undefined>): boolean;
}
