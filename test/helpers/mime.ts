/**
 * Reads a message as a mail client would, for tests: headers unfolded with their RFC 2047
 * encoded words decoded, and the text and HTML parts decoded from base64 or quoted-printable
 * (RFC 2045), through nested multiparts. Enough for the messages nodemailer writes; not a
 * general MIME parser.
 */

export interface ReadMail {
  headers: Map<string, string>;
  from: string;
  subject: string;
  text: string;
  html: string;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function splitPart(raw: string): Part {
  const normalised = raw.replace(/\r\n/g, "\n");
  const end = normalised.indexOf("\n\n");
  const head = end === -1 ? normalised : normalised.slice(0, end);
  const body = end === -1 ? "" : normalised.slice(end + 2);
  const headers = new Map<string, string>();
  // Unfold: a line starting with white space continues the header above it.
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** Quoted-printable (RFC 2045 §6.7) to bytes: soft line breaks removed, =XX as one byte. */
function quotedPrintableBytes(text: string): Buffer {
  const joined = text.replace(/=\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!, "utf8"));
  }
  return Buffer.from(bytes);
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  if (encoding === "base64") return Buffer.from(part.body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") return quotedPrintableBytes(part.body).toString("utf8");
  return part.body;
}

/** RFC 2047 encoded words (UTF-8, B or Q); adjacent words join with no space, their bytes decoded together. */
export function decodeEncodedWords(value: string): string {
  const word = /=\?utf-8\?([bq])\?([^?]*)\?=/gi;
  return value.replace(/=\?utf-8\?[bq]\?[^?]*\?=(?:\s+=\?utf-8\?[bq]\?[^?]*\?=)*/gi, (run) => {
    const bytes: Buffer[] = [];
    for (const [, kind, data] of run.matchAll(word)) {
      bytes.push(kind!.toLowerCase() === "b" ? Buffer.from(data!, "base64") : quotedPrintableBytes(data!.replace(/_/g, " ")));
    }
    return Buffer.concat(bytes).toString("utf8");
  });
}

function collect(part: Part, into: { text: string[]; html: string[] }): void {
  const type = part.headers.get("content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const pieces = part.body.split(`--${boundary}`);
    // The text before the first boundary is a preamble; the piece after the closing "--" an epilogue.
    // The line break before a boundary belongs to the boundary (RFC 2046 §5.1.1), not to the part.
    for (const piece of pieces.slice(1)) {
      if (piece.startsWith("--")) break;
      collect(splitPart(piece.replace(/^\r?\n/, "").replace(/\r?\n$/, "")), into);
    }
    return;
  }
  if (/^text\/html/i.test(type)) into.html.push(decodeBody(part));
  else if (/^text\/plain/i.test(type)) into.text.push(decodeBody(part));
}

export function readMail(eml: string | Buffer): ReadMail {
  const top = splitPart(eml.toString());
  const found = { text: [] as string[], html: [] as string[] };
  collect(top, found);
  const headers = new Map([...top.headers].map(([name, value]) => [name, decodeEncodedWords(value)]));
  return { headers, from: headers.get("from") ?? "", subject: headers.get("subject") ?? "", text: found.text.join("\n"), html: found.html.join("\n") };
}
