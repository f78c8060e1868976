/**
 * Reads the credential back out of a PDF certificate: our PDFs carry the credential JSON as an
 * embedded file (the /EmbeddedFiles name tree). Runs in the browser with pdf-lib; nothing is
 * uploaded.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, decodePDFRawStream } from "pdf-lib";

export interface PdfAttachment {
  name: string;
  bytes: Uint8Array;
}

export function looksLikePdf(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46; // "%PDF"
}

export async function pdfAttachments(bytes: Uint8Array): Promise<PdfAttachment[]> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
  const names = doc.catalog.lookupMaybe(PDFName.of("Names"), PDFDict);
  const tree = names?.lookupMaybe(PDFName.of("EmbeddedFiles"), PDFDict);
  const found: PdfAttachment[] = [];
  const visit = (node: PDFDict, depth: number) => {
    if (depth > 16) return; // a hostile PDF cannot make us loop
    const pairs = node.lookupMaybe(PDFName.of("Names"), PDFArray);
    if (pairs) {
      for (let i = 0; i + 1 < pairs.size(); i += 2) {
        const key = pairs.lookup(i);
        const spec = pairs.lookup(i + 1);
        if (!(spec instanceof PDFDict)) continue;
        const ef = spec.lookupMaybe(PDFName.of("EF"), PDFDict);
        const stream = ef?.lookup(PDFName.of("F"));
        if (!(stream instanceof PDFRawStream)) continue;
        const name = key instanceof PDFString || key instanceof PDFHexString ? key.decodeText() : "attachment";
        found.push({ name, bytes: decodePDFRawStream(stream).decode() });
      }
    }
    const kids = node.lookupMaybe(PDFName.of("Kids"), PDFArray);
    if (kids) for (let i = 0; i < kids.size(); i++) {
      const kid = kids.lookup(i);
      if (kid instanceof PDFDict) visit(kid, depth + 1);
    }
  };
  if (tree) visit(tree, 0);
  return found;
}

/** The embedded credential JSON, preferring our attachment name. */
export async function credentialJsonFromPdf(bytes: Uint8Array): Promise<string | undefined> {
  const attachments = await pdfAttachments(bytes);
  const chosen = attachments.find((a) => a.name === "credential.json") ?? attachments.find((a) => a.name.toLowerCase().endsWith(".json"));
  return chosen ? new TextDecoder().decode(chosen.bytes) : undefined;
}
