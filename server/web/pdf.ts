import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage, type PDFImage } from "pdf-lib";
import { credentialView, initials, type CredentialView } from "./credentialView";
import { qrMatrix } from "./qr";

/** The attachment name verifiers look for; the verify page extracts the first JSON attachment. */
export const CREDENTIAL_ATTACHMENT_NAME = "credential.json";

const INK = rgb(0.078, 0.129, 0.239);
const SOFT = rgb(0.275, 0.325, 0.42);
const BRAND = rgb(0.114, 0.306, 0.847);
const LINE = rgb(0.851, 0.871, 0.918);

/**
 * The standard PDF fonts only cover Latin-1 (WinAnsi). Text they cannot draw is replaced so
 * the certificate still renders; the exact names stay in the embedded credential JSON, which
 * is what a verifier checks.
 */
function drawable(font: PDFFont, text: string): string {
  let out = "";
  for (const ch of text) {
    try {
      font.encodeText(ch);
      out += ch;
    } catch {
      out += "?";
    }
  }
  return out;
}

function centered(page: PDFPage, font: PDFFont, text: string, size: number, y: number, color = INK): void {
  const safe = drawable(font, text);
  let fitted = size;
  while (fitted > 8 && font.widthOfTextAtSize(safe, fitted) > page.getWidth() - 120) fitted -= 1;
  const width = font.widthOfTextAtSize(safe, fitted);
  page.drawText(safe, { x: (page.getWidth() - width) / 2, y, size: fitted, font, color });
}

async function embedBadgeImage(pdf: PDFDocument, image: string | undefined): Promise<PDFImage | undefined> {
  // Only images carried inside the credential: the server never fetches a URL to print it.
  const match = image ? /^data:image\/(png|jpeg);base64,(.+)$/i.exec(image) : null;
  if (!match) return undefined;
  const bytes = Buffer.from(match[2]!, "base64");
  try {
    return match[1]!.toLowerCase() === "png" ? await pdf.embedPng(bytes) : await pdf.embedJpg(bytes);
  } catch {
    return undefined;
  }
}

function formatDay(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

export interface CertificateInput {
  /** The credential exactly as served (its bytes are embedded unchanged). */
  credentialJson: string;
  shareUrl: string;
  /** Shown under the title: "anchored", "revoked", … */
  stateLabel?: string;
  /** The recipient's name when the credential itself names them only by a hashed email. */
  recipientName?: string;
}

/**
 * A one-page certificate: badge, names, dates, a QR code of the share URL, and the credential
 * JSON as a PDF file attachment so the PDF itself can be verified later (the verify page
 * extracts it in the browser).
 */
export async function renderCertificatePdf(input: CertificateInput): Promise<Uint8Array> {
  const view: CredentialView = credentialView(JSON.parse(input.credentialJson));
  view.recipientName ??= input.recipientName;
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${view.achievementName} — ${view.recipientName ?? "certificate"}`);
  pdf.setSubject("Open Badges 3.0 credential certificate");
  pdf.setKeywords(["OpenBadgeCredential", "credanchor"]);
  pdf.setProducer("credanchor");
  pdf.setCreator("credanchor");
  const now = new Date();
  pdf.setCreationDate(now);
  pdf.setModificationDate(now);

  const page = pdf.addPage([842, 595]); // A4 landscape, points
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const { width, height } = page.getSize();

  page.drawRectangle({ x: 24, y: 24, width: width - 48, height: height - 48, borderColor: LINE, borderWidth: 2 });
  page.drawRectangle({ x: 24, y: height - 36, width: width - 48, height: 12, color: BRAND });

  const badge = await embedBadgeImage(pdf, view.image);
  const badgeSize = 110;
  const badgeX = (width - badgeSize) / 2;
  const badgeY = height - 70 - badgeSize;
  if (badge) {
    const scaled = badge.scaleToFit(badgeSize, badgeSize);
    page.drawImage(badge, { x: (width - scaled.width) / 2, y: badgeY + (badgeSize - scaled.height) / 2, width: scaled.width, height: scaled.height });
  } else {
    page.drawCircle({ x: badgeX + badgeSize / 2, y: badgeY + badgeSize / 2, size: badgeSize / 2, color: rgb(0.902, 0.929, 1), borderColor: BRAND, borderWidth: 3 });
    centered(page, bold, drawable(bold, initials(view.achievementName)), 36, badgeY + badgeSize / 2 - 12, BRAND);
  }

  let y = badgeY - 40;
  centered(page, regular, "This certifies that", 13, y, SOFT);
  y -= 36;
  centered(page, bold, view.recipientName ?? "the holder of this credential", 28, y);
  y -= 30;
  centered(page, regular, "has earned", 13, y, SOFT);
  y -= 32;
  centered(page, bold, view.achievementName, 22, y, BRAND);
  y -= 28;
  const issuers = [view.issuer, ...view.coIssuers].map((p) => p.name).join(" & ");
  centered(page, regular, `Issued by ${issuers}`, 13, y);
  y -= 20;
  const dates = [`Issued ${formatDay(view.validFrom)}`, view.validUntil ? `valid until ${formatDay(view.validUntil)}` : ""].filter(Boolean).join(", ");
  centered(page, regular, dates, 11, y, SOFT);
  if (input.stateLabel) {
    y -= 18;
    centered(page, regular, `Status when printed: ${input.stateLabel}`, 10, y, SOFT);
  }

  // QR code of the share URL, bottom right, drawn as vector squares.
  const matrix = qrMatrix(input.shareUrl);
  const qrSize = 96;
  const cell = qrSize / matrix.length;
  const qrX = width - 48 - qrSize;
  const qrY = 48;
  matrix.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) page.drawRectangle({ x: qrX + c * cell, y: qrY + qrSize - (r + 1) * cell, width: cell + 0.02, height: cell + 0.02, color: INK });
    }),
  );
  const footerLines = [
    "Verify: scan the code, or open the verify page and drop this PDF.",
    "The credential is embedded in this file as credential.json.",
    drawable(regular, input.shareUrl),
    view.id ? drawable(regular, view.id) : "",
  ].filter(Boolean);
  footerLines.forEach((line, i) => page.drawText(line, { x: 48, y: 120 - i * 15, size: 9, font: regular, color: SOFT }));

  await pdf.attach(Buffer.from(input.credentialJson, "utf8"), CREDENTIAL_ATTACHMENT_NAME, {
    mimeType: "application/json",
    description: "Open Badges 3.0 credential (verifiable)",
    creationDate: now,
    modificationDate: now,
  });
  return pdf.save();
}
