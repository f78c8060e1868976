/**
 * Images the console stores and the instance serves at a stable URL (/media/<id>.svg|png),
 * which achievements and the issuer profile reference and credentials carry. PNGs are checked
 * by signature and size; SVGs go through the allow-list sanitiser and are stored sanitised.
 */
import type { ConsoleStore, MediaRecord } from "../store/ConsoleStore";
import { sanitizeSvg } from "./svgSanitize";

export const IMAGE_MAX_BYTES = 512 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class ImageRejectedError extends Error {
  override readonly name = "ImageRejectedError";
  constructor(
    readonly code: "bad-type" | "bad-png" | "svg",
    message: string,
    readonly reason = "",
  ) {
    super(message);
  }
}

export function mediaUrl(publicUrl: string, media: Pick<MediaRecord, "id" | "contentType">): string {
  return `${publicUrl}/media/${media.id}.${media.contentType === "image/png" ? "png" : "svg"}`;
}

/** Validates an uploaded image and stores it; what the SVG sanitiser removed comes back too. */
export function storeUploadedImage(store: ConsoleStore, issuerId: string, file: { fileName: string; bytes: Buffer }): { media: MediaRecord; removed: string[] } {
  const isPng = file.bytes.subarray(0, 8).equals(PNG_SIGNATURE);
  const looksSvg = /\.svg$/i.test(file.fileName) || /^\s*(<\?xml|<svg)/.test(file.bytes.subarray(0, 200).toString("utf8").replace(/^\uFEFF/, ""));
  if (isPng) return { media: store.putMedia({ issuerId, contentType: "image/png", bytes: file.bytes }), removed: [] };
  if (/\.png$/i.test(file.fileName)) throw new ImageRejectedError("bad-png", "the file is named .png but is not a PNG image");
  if (!looksSvg) throw new ImageRejectedError("bad-type", "only PNG and SVG images are accepted");
  try {
    const { svg, removed } = sanitizeSvg(file.bytes);
    return { media: store.putMedia({ issuerId, contentType: "image/svg+xml", bytes: Buffer.from(svg, "utf8") }), removed };
  } catch (error) {
    throw new ImageRejectedError("svg", (error as Error).message, (error as { reason?: string }).reason ?? "");
  }
}
