/**
 * Turns what a verifier has in hand (a JSON file, a PDF certificate, pasted JSON, a link to a
 * badge page, a scanned QR code) into the credentials to verify.
 */
import { credentialJsonFromPdf, looksLikePdf } from "./pdfAttachment";

export class InputError extends Error {
  override readonly name = "InputError";
}

export function credentialsFromJson(textValue: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(textValue);
  } catch (error) {
    throw new InputError(`not valid JSON (${(error as Error).message})`);
  }
  // A JSON array is a bundle (a job application with several badges).
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** Where to fetch the credential JSON behind a share link. */
export function credentialUrlForLink(link: string): string {
  const url = new URL(link);
  const page = /^(.*)\/c\/([^/]+)\/?$/.exec(url.pathname);
  if (page) return `${url.origin}${page[1]}/c/${page[2]}/credential.json`;
  return url.href; // an API URL (/api/v1/credentials/:id) or a badge host's own JSON URL
}

export async function credentialsFromLink(link: string): Promise<unknown[]> {
  const target = credentialUrlForLink(link.trim());
  let response: Response;
  try {
    response = await fetch(target, { headers: { accept: "application/ld+json, application/json" } });
  } catch (error) {
    throw new InputError(`could not load ${target} (${(error as Error).message})`);
  }
  if (!response.ok) throw new InputError(`${target} answered ${response.status}`);
  return credentialsFromJson(await response.text());
}

export function isLink(value: string): boolean {
  return /^https?:\/\/\S+$/i.test(value.trim());
}

export async function credentialsFromText(value: string): Promise<unknown[]> {
  const trimmed = value.trim();
  if (!trimmed) throw new InputError("nothing to verify");
  return isLink(trimmed) ? credentialsFromLink(trimmed) : credentialsFromJson(trimmed);
}

export async function credentialsFromFile(file: Blob, pdfMissingMessage: string): Promise<unknown[]> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (looksLikePdf(bytes)) {
    const json = await credentialJsonFromPdf(bytes);
    if (!json) throw new InputError(pdfMissingMessage);
    return credentialsFromJson(json);
  }
  return credentialsFromJson(new TextDecoder().decode(bytes));
}
