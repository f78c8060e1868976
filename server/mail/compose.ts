/**
 * Writes credanchor's mail as RFC 5322 messages with MIME bodies (RFC 2045–2047): a text part,
 * and an HTML alternative when there is one, both UTF-8 in quoted-printable; non-ASCII header
 * text in encoded words. The dev outbox stores these bytes and SMTP sends them, so both deliver
 * the same message.
 *
 * It does what our messages need and nothing else (no attachments, one recipient), at a small
 * fraction of a general composer's cost: composing was ~350 µs of CPU per claim mail with
 * nodemailer's MailComposer, most of a semester's mail cost.
 *
 * What it refuses (UnwritableAddressError): an address that cannot be written into a header
 * as is: white space, controls, brackets, quotes or commas in it, no single "@", or a local part
 * outside ASCII. A non-ASCII domain is written in its ASCII (punycode) form.
 */
import { domainToASCII } from "node:url";
import { BoundedMemo } from "../../core/boundedMemo";
import type { MailMessage } from "./mailer";

export interface ComposeOptions {
  /** The configured sender: "address" or "Display Name <address>". */
  from: string;
  /** The Message-ID header's value without its angle brackets ("id@host"). */
  messageId: string;
  date: Date;
  /** "\n" for files (the dev outbox), "\r\n" on the wire. */
  newline: "\n" | "\r\n";
}

export interface ComposedMail {
  /** Who the SMTP envelope names (MAIL FROM, RCPT TO): the header addresses, in ASCII. */
  envelope: { from: string; to: string };
  raw: Buffer;
}

/** An address credanchor cannot write into a mail header: no attempt will deliver it. */
export class UnwritableAddressError extends Error {
  override readonly name = "UnwritableAddressError";
}

const MAX_HEADER_LINE = 78;
const MAX_BODY_LINE = 76;
// An encoded word is at most 75 characters: "=?UTF-8?B?" + base64 + "?=" leaves 63, i.e. 45 bytes.
const ENCODED_WORD_BYTES = 45;
const ENCODED_WORD_FRAME = "=?UTF-8?B??=".length;

export function composeMail(mail: MailMessage, options: ComposeOptions): ComposedMail {
  const { newline } = options;
  const configured = splitMailbox(options.from);
  const fromAddress = writableAddress(configured.address);
  const toAddress = writableAddress(mail.to);
  const fromName = mail.fromName?.trim() ? mail.fromName : configured.name;
  // "=_" never occurs in quoted-printable text (RFC 2045 §7.2), so no body can contain the boundary.
  const boundary = `=_credanchor_${options.messageId.split("@")[0]!.replace(/[^A-Za-z0-9.-]/g, "")}`;

  const lines = [
    `From: ${fromName ? mailbox(displayName(fromName, "From: ".length, newline), fromAddress, newline) : fromAddress}`,
    `To: ${toAddress}`,
    `Subject: ${unstructured(mail.subject, "Subject: ".length, newline)}`,
    `Message-ID: <${options.messageId}>`,
    `Date: ${rfc5322Date(options.date)}`,
    "MIME-Version: 1.0",
  ];
  if (mail.html === undefined) {
    lines.push(...textPart("text/plain", mail.text, newline));
  } else {
    lines.push(`Content-Type: multipart/alternative;${newline} boundary="${boundary}"`, "");
    lines.push(`--${boundary}`, ...textPart("text/plain", mail.text, newline));
    lines.push(`--${boundary}`, ...textPart("text/html", mail.html, newline));
    lines.push(`--${boundary}--`);
  }
  // A single part's body ends with its last character: a line break after it would be text.
  const raw = lines.join(newline) + (mail.html === undefined ? "" : newline);
  return { envelope: { from: fromAddress, to: toAddress }, raw: Buffer.from(raw, "utf8") };
}

/** "Name <address>" → its parts; a bare address has no name. */
export function splitMailbox(value: string): { name?: string; address: string } {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value);
  if (!match) return { address: value.trim() };
  const quoted = /^"(.*)"$/.exec(match[1]!);
  const name = quoted ? quoted[1]!.replace(/\\(.)/g, "$1") : match[1]!;
  return name === "" ? { address: match[2]!.trim() } : { name, address: match[2]!.trim() };
}

function writableAddress(address: string): string {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at);
  const domain = at > 0 ? domainToASCII(address.slice(at + 1)) : "";
  const plain = /^[!#-'*+\-./0-9=?A-Z^-~]+$/; // printable ASCII without space, quotes, brackets, commas, ":;@\"
  if (at <= 0 || !plain.test(local) || domain === "" || !plain.test(domain) || address.length > 320) {
    throw new UnwritableAddressError(`the address ${JSON.stringify(address.slice(0, 330))} cannot be written into a mail header`);
  }
  return `${local}@${domain}`;
}

/** "name <address>", the address on a folded line of its own when the name's last line has no room for it. */
function mailbox(name: string, address: string, newline: string): string {
  const lastLine = name.slice(name.lastIndexOf("\n") + 1);
  const column = lastLine === name ? "From: ".length + name.length : lastLine.length;
  return `${name}${column + address.length + 3 <= MAX_HEADER_LINE ? " " : `${newline} `}<${address}>`;
}

/** Words of atext (RFC 5322 §3.2.3) separated by single spaces: a phrase that needs no quotes. */
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+( [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;

/** A display name: as it is when it is a phrase of atoms, a quoted string when printable ASCII, encoded words otherwise. */
function displayName(name: string, column: number, newline: string): string {
  const flat = name.replace(/[\r\n\t]+/g, " ").slice(0, 200);
  if (/^[\x20-\x7e]*$/.test(flat) && !flat.includes("=?") && column + flat.length + 2 <= MAX_HEADER_LINE) {
    return ATOM_PHRASE.test(flat) ? flat : `"${flat.replace(/[\\"]/g, "\\$&")}"`;
  }
  return encodedWords(flat, column, newline);
}

/** Unstructured header text (Subject): as it is when short printable ASCII, encoded words otherwise. */
function unstructured(text: string, column: number, newline: string): string {
  const flat = text.replace(/[\r\n\t]+/g, " ");
  if (/^[\x20-\x7e]*$/.test(flat) && !flat.includes("=?") && column + flat.length <= MAX_HEADER_LINE) return flat;
  return encodedWords(flat, column, newline);
}

/**
 * RFC 2047 "B" encoded words, one per folded line, each at most 45 UTF-8 bytes (the first fewer
 * when the header's name leaves less room), never splitting a character.
 */
function encodedWords(text: string, column: number, newline: string): string {
  const words: string[] = [];
  let chunk = "";
  let chunkBytes = 0;
  let room = Math.max(3, Math.min(ENCODED_WORD_BYTES, Math.floor((MAX_HEADER_LINE - column - ENCODED_WORD_FRAME) / 4) * 3));
  for (const char of text) {
    const bytes = Buffer.byteLength(char, "utf8");
    if (chunkBytes + bytes > room && chunk !== "") {
      room = ENCODED_WORD_BYTES;
      words.push(chunk);
      chunk = "";
      chunkBytes = 0;
    }
    chunk += char;
    chunkBytes += bytes;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, "utf8").toString("base64")}?=`).join(`${newline} `);
}

function textPart(type: string, content: string, newline: string): string[] {
  return [`Content-Type: ${type}; charset=utf-8`, "Content-Transfer-Encoding: quoted-printable", "", quotedPrintable(content, newline)];
}

const HEX = "0123456789ABCDEF";
/** Characters written as =XX, each byte of their UTF-8: all but printable ASCII other than "=", space and tab. */
const QP_ESCAPED = /[^\x21-\x3c\x3e-\x7e \t]/gu;
// A message's few scripts, not every character ever seen.
const escapes = new BoundedMemo<string, string>(4096, "stop-adding");

function qpEscape(char: string): string {
  return escapes.get(char, () => {
    let escaped = "";
    for (const byte of Buffer.from(char, "utf8")) escaped += `=${HEX[byte >> 4]}${HEX[byte & 15]}`;
    return escaped;
  });
}

/**
 * Quoted-printable (RFC 2045 §6.7): line breaks kept as hard breaks, every other byte outside
 * printable ASCII (and "=") as =XX, white space before a break encoded, and soft breaks ("=" at
 * the end of a line) so no line is longer than 76 characters and no =XX is split. Each line is
 * escaped whole, then cut greedily: the only "=" in escaped text begins an =XX.
 */
export function quotedPrintable(content: string, newline: string): string {
  const out: string[] = [];
  for (const line of content.split(/\r\n|\r|\n/)) {
    let escaped = line.replace(QP_ESCAPED, qpEscape);
    const last = escaped.charCodeAt(escaped.length - 1);
    if (last === 32 || last === 9) escaped = `${escaped.slice(0, -1)}${last === 32 ? "=20" : "=09"}`;
    let start = 0;
    while (escaped.length - start > MAX_BODY_LINE) {
      // 75 characters and a soft break, less the start of an =XX the cut would split.
      let end = start + MAX_BODY_LINE - 1;
      if (escaped[end - 1] === "=") end -= 1;
      else if (escaped[end - 2] === "=") end -= 2;
      out.push(`${escaped.slice(start, end)}=`);
      start = end;
    }
    out.push(escaped.slice(start));
  }
  return out.join(newline);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** RFC 5322 §3.3 date-time in UTC: "Mon, 07 Dec 2026 10:51:34 +0000". */
export function rfc5322Date(date: Date): string {
  return `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}
