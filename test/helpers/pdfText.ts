/**
 * The text a PDF page shows, read the way a viewer draws it: each `<glyph ids> Tj` of the
 * content stream, through the glyph-to-character map of the font embedded for the current `Tf`.
 * Enough for pdf-lib's certificates (Type0 fonts with an embedded TrueType FontFile2); a
 * glyph the font cannot name reads as U+FFFD.
 */
import zlib from "node:zlib";
import fontkit from "@pdf-lib/fontkit";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef } from "pdf-lib";

function streamText(stream: PDFRawStream): Buffer {
  const filter = stream.dict.get(PDFName.of("Filter"));
  const bytes = Buffer.from(stream.contents);
  return filter === PDFName.of("FlateDecode") ? zlib.inflateSync(bytes) : bytes;
}

function characterOfGlyph(pdf: PDFDocument, fontRef: PDFRef): Map<number, string> {
  const font = pdf.context.lookup(fontRef, PDFDict);
  const descendant = pdf.context.lookup(font.lookup(PDFName.of("DescendantFonts"), PDFArray).get(0), PDFDict);
  const descriptor = descendant.lookup(PDFName.of("FontDescriptor"), PDFDict);
  const file = descriptor.lookup(PDFName.of("FontFile2")) as PDFRawStream;
  const parsed = fontkit.create(streamText(file));
  const characters = new Map<number, string>();
  for (const codePoint of parsed.characterSet) characters.set(parsed.glyphForCodePoint(codePoint).id, String.fromCodePoint(codePoint));
  return characters;
}

/** The lines the first page draws, in drawing order. */
export async function pdfPageText(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes);
  const page = pdf.getPage(0);
  const fonts = page.node.Resources()!.lookup(PDFName.of("Font"), PDFDict);
  const contents = page.node.Contents()!;
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref) as PDFRawStream) : [contents as PDFRawStream];
  const program = streams.map((stream) => streamText(stream).toString("latin1")).join("\n");
  const lines: string[] = [];
  let glyphs = new Map<number, string>();
  for (const match of program.matchAll(/\/(\S+) [\d.]+ Tf|<([0-9A-Fa-f]*)> Tj/g)) {
    if (match[1] !== undefined) {
      glyphs = characterOfGlyph(pdf, fonts.get(PDFName.of(match[1])) as PDFRef);
      continue;
    }
    const hex = match[2]!;
    let line = "";
    for (let i = 0; i < hex.length; i += 4) line += glyphs.get(parseInt(hex.slice(i, i + 4), 16)) ?? "\uFFFD";
    lines.push(line);
  }
  return lines;
}
