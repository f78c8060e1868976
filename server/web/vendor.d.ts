// Types for the untyped packages the web pages use.
declare module "subset-font" {
  /** A font holding only the glyphs `text` needs (HarfBuzz hb-subset), in `targetFormat`. */
  export default function subsetFont(font: Buffer | Uint8Array, text: string, options?: { targetFormat?: "truetype" | "sfnt" | "woff" | "woff2" }): Promise<Buffer>;
}
