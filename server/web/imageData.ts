/**
 * Images carried inside credentials and issuer profiles as data: URLs (PNG, JPEG or SVG),
 * turned into bytes a PDF or a link preview can use. Nothing is fetched: an http(s) image is
 * left to the browser, never loaded by the server.
 *
 * The kind is read from the bytes (PNG and JPEG signatures, an `<svg` root), not from the
 * media type the URL claims. SVG is rasterised by resvg (@resvg/resvg-js), which loads no
 * external resources; its text is set in Pretendard, the certificate font.
 */
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";

export type RasterKind = "png" | "jpeg";
export interface DecodedImage {
  kind: RasterKind | "svg";
  bytes: Buffer;
}

/** Larger images are refused (a badge image of a few hundred kB is already generous). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

const FONT_DIR = path.join(path.dirname(require.resolve("pretendard/package.json")), "dist", "public", "static", "alternative");

function sniff(bytes: Buffer): DecodedImage["kind"] | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  const head = bytes.subarray(0, 1024).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  if (head.startsWith("<") && /<svg[\s>]/i.test(bytes.subarray(0, 64 * 1024).toString("utf8"))) return "svg";
  return undefined;
}

/** The bytes of a data: URL image, or undefined when it is not one (or not PNG/JPEG/SVG, or too large). */
export function decodeImageDataUrl(url: string | null | undefined): DecodedImage | undefined {
  if (!url) return undefined;
  const match = /^data:image\/(?:png|jpeg|jpg|svg\+xml)(?:;charset=[\w-]+)?(;base64)?,(.*)$/is.exec(url);
  if (!match) return undefined;
  let bytes: Buffer;
  try {
    bytes = match[1] ? Buffer.from(match[2]!, "base64") : Buffer.from(decodeURIComponent(match[2]!), "utf8");
  } catch {
    return undefined;
  }
  if (bytes.length === 0 || bytes.length > MAX_IMAGE_BYTES) return undefined;
  const kind = sniff(bytes);
  return kind ? { kind, bytes } : undefined;
}

/** An SVG as a PNG `width` pixels wide; undefined when resvg cannot read it. */
export function rasterizeSvg(svg: Buffer, width: number): Buffer | undefined {
  // An SVG that points outside itself (an <image> of a file or URL, a CSS url()) is refused:
  // the server reads nothing a credential names.
  const text = svg.toString("utf8");
  if (/href\s*=\s*["'](?!#|data:image\/(?:png|jpeg);base64,)/i.test(text) || /url\(\s*["']?(?!#)/i.test(text)) return undefined;
  try {
    const resvg = new Resvg(svg, {
      fitTo: { mode: "width", value: width },
      font: { loadSystemFonts: false, fontFiles: [path.join(FONT_DIR, "Pretendard-Regular.ttf"), path.join(FONT_DIR, "Pretendard-Bold.ttf")], defaultFontFamily: "Pretendard" },
    });
    return Buffer.from(resvg.render().asPng());
  } catch {
    return undefined;
  }
}

/** A data: URL image as PNG or JPEG bytes (SVG rasterised at `svgWidth`). */
export function rasterImage(url: string | null | undefined, svgWidth = 512): { kind: RasterKind; bytes: Buffer } | undefined {
  const decoded = decodeImageDataUrl(url);
  if (!decoded) return undefined;
  if (decoded.kind !== "svg") return { kind: decoded.kind, bytes: decoded.bytes };
  const png = rasterizeSvg(decoded.bytes, svgWidth);
  return png ? { kind: "png", bytes: png } : undefined;
}
