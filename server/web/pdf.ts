import fs from "node:fs";
import path from "node:path";
import fontkit from "@pdf-lib/fontkit";
import { degrees, PDFDocument, rgb, type PDFFont, type PDFPage, type PDFImage } from "pdf-lib";
import subsetFont from "subset-font";
import { credentialView, initials, type CredentialView } from "./credentialView";
import { formatDate, isMessageKey, translator, type Lang } from "./i18n";
import { qrMatrix } from "./qr";
import { rasterImage } from "./imageData";

/** The attachment name verifiers look for; the verify page extracts the first JSON attachment. */
export const CREDENTIAL_ATTACHMENT_NAME = "credential.json";

const INK = rgb(0.078, 0.129, 0.239);
const SOFT = rgb(0.275, 0.325, 0.42);
const BRAND = rgb(0.114, 0.306, 0.847);
const LINE = rgb(0.851, 0.871, 0.918);
const VOID_RED = rgb(0.706, 0.137, 0.094);

/**
 * Pretendard (SIL Open Font License 1.1, from the npm package `pretendard`): Hangul, Latin and
 * the rest of KS X 1001, so Korean names print as they are; the PDF standard fonts only cover
 * Latin-1. Each certificate embeds only the glyphs of its own text, cut by HarfBuzz's subsetter
 * (`subset-font`): pdf-lib's own subsetting loses glyphs built from components, which most
 * Hangul syllables are.
 */
const FONT_DIR = path.join(path.dirname(require.resolve("pretendard/package.json")), "dist", "public", "static", "alternative");
const fontFiles = new Map<string, Buffer>();

async function embedCertificateFont(pdf: PDFDocument, file: "Pretendard-Regular.ttf" | "Pretendard-Bold.ttf", text: string): Promise<PDFFont> {
  let bytes = fontFiles.get(file);
  if (!bytes) fontFiles.set(file, (bytes = fs.readFileSync(path.join(FONT_DIR, file))));
  // "?" stands in for characters the font lacks (see `drawable`), so it must be in the subset.
  const subset = await subsetFont(bytes, `${text}?`, { targetFormat: "truetype" });
  return pdf.embedFont(withoutTable(subset, "GSUB"));
}

/**
 * The font without one table (its directory entry removed, the data left where it is). We drop
 * GSUB: pdf-lib draws the glyphs fontkit's layout substitutes (Pretendard swaps ":" for a
 * centred colon next to Hangul) but gives widths only to the glyphs the cmap names, so a
 * substituted glyph would print one em wide. Precomposed Hangul needs no substitution.
 */
function withoutTable(font: Uint8Array, tag: string): Uint8Array {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tableCount = view.getUint16(4);
  const records: Uint8Array[] = [];
  for (let i = 0; i < tableCount; i++) {
    const record = font.subarray(12 + 16 * i, 28 + 16 * i);
    if (String.fromCharCode(...record.subarray(0, 4)) !== tag) records.push(record);
  }
  if (records.length === tableCount) return font;
  const out = Uint8Array.from(font);
  const outView = new DataView(out.buffer);
  const count = records.length;
  const entrySelector = Math.floor(Math.log2(count));
  outView.setUint16(4, count);
  outView.setUint16(6, 16 * 2 ** entrySelector);
  outView.setUint16(8, entrySelector);
  outView.setUint16(10, 16 * count - 16 * 2 ** entrySelector);
  records.forEach((record, i) => out.set(record, 12 + 16 * i));
  out.fill(0, 12 + 16 * count, 12 + 16 * tableCount);
  return out;
}

const characterSets = new WeakMap<PDFFont, Set<number>>();

function drawable(font: PDFFont, text: string): string {
  let supported = characterSets.get(font);
  if (!supported) characterSets.set(font, (supported = new Set(font.getCharacterSet())));
  let out = "";
  for (const ch of text) out += supported.has(ch.codePointAt(0)!) || ch === " " ? ch : "?";
  return out;
}

function centered(page: PDFPage, font: PDFFont, text: string, size: number, y: number, color = INK): void {
  const safe = drawable(font, text);
  let fitted = size;
  while (fitted > 8 && font.widthOfTextAtSize(safe, fitted) > page.getWidth() - 120) fitted -= 1;
  const width = font.widthOfTextAtSize(safe, fitted);
  page.drawText(safe, { x: (page.getWidth() - width) / 2, y, size: fitted, font, color });
}

/**
 * An image carried inside the credential or the issuer profile (data: PNG, JPEG or SVG; SVG
 * rasterised): the server never fetches a URL to print it.
 */
async function embedDataImage(pdf: PDFDocument, image: string | undefined, svgWidth: number): Promise<PDFImage | undefined> {
  const raster = rasterImage(image, svgWidth);
  if (!raster) return undefined;
  try {
    return raster.kind === "png" ? await pdf.embedPng(raster.bytes) : await pdf.embedJpg(raster.bytes);
  } catch {
    return undefined;
  }
}

function drawFitted(page: PDFPage, image: PDFImage, box: { x: number; y: number; width: number; height: number }, align: "center" | "left" = "center"): void {
  const scaled = image.scaleToFit(box.width, box.height);
  const x = align === "center" ? box.x + (box.width - scaled.width) / 2 : box.x;
  page.drawImage(image, { x, y: box.y + (box.height - scaled.height) / 2, width: scaled.width, height: scaled.height });
}

/** What the issuer profile adds to its certificates (server/store IssuerRecord, migration 151). */
export interface CertificateIssuerProfile {
  logoImage?: string;
  sealImage?: string;
  signatories?: { name: string; title: string }[];
}

/** A logo's box; the lead's sits at the top left, up to two co-issuers' at the top right. */
const LOGO_WIDTH = 150;
const MAX_CO_ISSUER_LOGOS = 2;

export interface CertificateInput {
  /** The credential exactly as served (its bytes are embedded unchanged). */
  credentialJson: string;
  shareUrl: string;
  /** Shown under the title: "anchored", "revoked", … */
  stateLabel?: string;
  /** The recipient's name when the credential itself names them only by a hashed email. */
  recipientName?: string;
  /** Language of the certificate's own words (the credential's names are printed as they are). */
  lang?: Lang;
  /** Revoked by the issuer: the certificate is marked VOID, with the date and reason when known. */
  revocation?: { at?: number; reason: string | null };
  /** Logo, seal (직인) and signatories of the issuer, when its profile has them. */
  issuerProfile?: CertificateIssuerProfile;
  /** The co-issuers' logos (data: URLs), in the credential's order; printed beside the lead's. */
  coIssuerLogos?: (string | undefined)[];
  /** The badge image as a data: URL when the credential's own is a URL this instance serves (its media). */
  badgeImage?: string;
}

/**
 * A one-page certificate: badge, names, dates, a QR code of the share URL, and the credential
 * JSON as a PDF file attachment so the PDF itself can be verified later (the verify page
 * extracts it in the browser).
 */
export async function renderCertificatePdf(input: CertificateInput): Promise<Uint8Array> {
  const view: CredentialView = credentialView(JSON.parse(input.credentialJson));
  view.recipientName ??= input.recipientName;
  const lang = input.lang ?? "en";
  const t = translator(lang);
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${view.achievementName} — ${view.recipientName ?? "certificate"}`);
  pdf.setSubject("Open Badges 3.0 credential certificate");
  pdf.setKeywords(["OpenBadgeCredential", "credanchor"]);
  pdf.setProducer("credanchor");
  pdf.setCreator("credanchor");
  const now = new Date();
  pdf.setCreationDate(now);
  pdf.setModificationDate(now);

  // Every line first: each font embeds only the glyphs its lines use.
  const issuers = [view.issuer, ...view.coIssuers].map((p) => p.name).join(" & ");
  const issuedOn = t("pdf.issuedOn", { date: formatDate(view.validFrom, lang) });
  const stateKey = `status.${input.stateLabel}`;
  const state = input.stateLabel && (isMessageKey(stateKey) ? t(stateKey) : input.stateLabel);
  const text = {
    initials: initials(view.achievementName),
    certifies: t("pdf.certifies"),
    recipient: view.recipientName ?? t("pdf.holder"),
    earned: t("pdf.earned"),
    achievement: view.achievementName,
    issuedBy: t("pdf.issuedBy", { issuers }),
    dates: view.validUntil ? `${issuedOn} · ${t("pdf.validUntil", { date: formatDate(view.validUntil, lang) })}` : issuedOn,
    state: state ? t("pdf.statusWhenPrinted", { state }) : "",
    footer: [t("pdf.verifyHint"), t("pdf.embedded", { file: CREDENTIAL_ATTACHMENT_NAME }), input.shareUrl, view.id ?? ""].filter(Boolean),
    void: input.revocation ? t("pdf.void") : "",
    revoked: input.revocation
      ? [
          input.revocation.at !== undefined && Number.isFinite(input.revocation.at) ? t("pdf.revokedOn", { date: formatDate(new Date(input.revocation.at * 1000).toISOString(), lang) }) : t("status.revoked"),
          input.revocation.reason ? t("pdf.revokedReason", { reason: input.revocation.reason }) : "",
        ].filter(Boolean)
      : [],
    signatories: (input.issuerProfile?.signatories ?? []).slice(0, 3),
  };
  pdf.registerFontkit(fontkit);
  const bold = await embedCertificateFont(pdf, "Pretendard-Bold.ttf", text.initials + text.recipient + text.achievement + text.void + text.revoked.join("") + text.signatories.map((s) => s.name).join(""));
  const regular = await embedCertificateFont(pdf, "Pretendard-Regular.ttf", [text.certifies, text.earned, text.issuedBy, text.dates, text.state, ...text.footer, ...text.signatories.map((s) => s.title)].join(""));

  const page = pdf.addPage([842, 595]); // A4 landscape, points
  const { width, height } = page.getSize();

  page.drawRectangle({ x: 24, y: 24, width: width - 48, height: height - 48, borderColor: LINE, borderWidth: 2 });
  page.drawRectangle({ x: 24, y: height - 36, width: width - 48, height: 12, color: BRAND });

  // The lead's logo at the top left; the co-issuers' (at most two) at the top right, right to
  // left, clear of the badge in the middle.
  const logo = await embedDataImage(pdf, input.issuerProfile?.logoImage, 480);
  if (logo) drawFitted(page, logo, { x: 48, y: height - 48 - 56, width: LOGO_WIDTH, height: 48 }, "left");
  let rightEdge = width - 48;
  for (const image of (input.coIssuerLogos ?? []).slice(0, MAX_CO_ISSUER_LOGOS)) {
    const coLogo = await embedDataImage(pdf, image, 480);
    if (!coLogo) continue;
    const scaled = coLogo.scaleToFit(LOGO_WIDTH, 48);
    page.drawImage(coLogo, { x: rightEdge - scaled.width, y: height - 48 - 56 + (48 - scaled.height) / 2, width: scaled.width, height: scaled.height });
    rightEdge -= scaled.width + 16;
  }

  const badge = await embedDataImage(pdf, input.badgeImage ?? view.image, 440);
  const badgeSize = 110;
  const badgeX = (width - badgeSize) / 2;
  const badgeY = height - 70 - badgeSize;
  if (badge) {
    const scaled = badge.scaleToFit(badgeSize, badgeSize);
    page.drawImage(badge, { x: (width - scaled.width) / 2, y: badgeY + (badgeSize - scaled.height) / 2, width: scaled.width, height: scaled.height });
  } else {
    page.drawCircle({ x: badgeX + badgeSize / 2, y: badgeY + badgeSize / 2, size: badgeSize / 2, color: rgb(0.902, 0.929, 1), borderColor: BRAND, borderWidth: 3 });
    centered(page, bold, text.initials, 36, badgeY + badgeSize / 2 - 12, BRAND);
  }

  let y = badgeY - 40;
  centered(page, regular, text.certifies, 13, y, SOFT);
  y -= 36;
  centered(page, bold, text.recipient, 28, y);
  y -= 30;
  centered(page, regular, text.earned, 13, y, SOFT);
  y -= 32;
  centered(page, bold, text.achievement, 22, y, BRAND);
  y -= 28;
  centered(page, regular, text.issuedBy, 13, y);
  y -= 20;
  centered(page, regular, text.dates, 11, y, SOFT);
  if (text.state) {
    y -= 18;
    centered(page, regular, text.state, 10, y, SOFT);
  }

  // Signature lines: name (bold) and title under a rule, the seal (직인) stamped over the last.
  if (text.signatories.length > 0) {
    const blockWidth = 170;
    const gap = 24;
    const total = text.signatories.length * blockWidth + (text.signatories.length - 1) * gap;
    const left = (width - total) / 2;
    const lineY = 178;
    text.signatories.forEach((signatory, i) => {
      const x = left + i * (blockWidth + gap);
      page.drawLine({ start: { x, y: lineY }, end: { x: x + blockWidth, y: lineY }, thickness: 0.8, color: SOFT });
      const name = drawable(bold, signatory.name);
      const title = drawable(regular, signatory.title);
      page.drawText(name, { x: x + (blockWidth - bold.widthOfTextAtSize(name, 12)) / 2, y: lineY - 16, size: 12, font: bold, color: INK });
      page.drawText(title, { x: x + (blockWidth - regular.widthOfTextAtSize(title, 9)) / 2, y: lineY - 29, size: 9, font: regular, color: SOFT });
    });
    const seal = await embedDataImage(pdf, input.issuerProfile?.sealImage, 256);
    if (seal) drawFitted(page, seal, { x: left + total - 40, y: lineY - 36, width: 56, height: 56 });
  } else {
    const seal = await embedDataImage(pdf, input.issuerProfile?.sealImage, 256);
    if (seal) drawFitted(page, seal, { x: (width - 64) / 2, y: 140, width: 64, height: 64 });
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
  text.footer.forEach((line, i) => page.drawText(drawable(regular, line), { x: 48, y: 120 - i * 15, size: 9, font: regular, color: SOFT }));

  // Revoked: VOID across the page and, at the top, when and why — no one can take it for valid.
  if (text.void) {
    const size = 150;
    const voidText = drawable(bold, text.void);
    const voidWidth = bold.widthOfTextAtSize(voidText, size);
    const angle = 28;
    const rad = (angle * Math.PI) / 180;
    page.drawText(voidText, {
      x: width / 2 - (voidWidth / 2) * Math.cos(rad) + (size / 3) * Math.sin(rad),
      y: height / 2 - (voidWidth / 2) * Math.sin(rad) - (size / 3) * Math.cos(rad),
      size,
      font: bold,
      color: VOID_RED,
      opacity: 0.28,
      rotate: degrees(angle),
    });
    page.drawRectangle({ x: 24, y: 24, width: width - 48, height: height - 48, borderColor: VOID_RED, borderWidth: 4 });
    text.revoked.forEach((line, i) => {
      const safe = drawable(bold, line);
      page.drawText(safe, { x: width - 48 - bold.widthOfTextAtSize(safe, 11), y: height - 60 - i * 15, size: 11, font: bold, color: VOID_RED });
    });
  }

  await pdf.attach(Buffer.from(input.credentialJson, "utf8"), CREDENTIAL_ATTACHMENT_NAME, {
    mimeType: "application/json",
    description: "Open Badges 3.0 credential (verifiable)",
    creationDate: now,
    modificationDate: now,
  });
  return pdf.save();
}
