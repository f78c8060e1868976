/**
 * Drafts: mail recorded as the few fields its message is written from, and written when it is
 * sent (migration 155). An award owes each learner a claim mail and a reminder; recording them
 * written cost ~7 KB and the rendering of both per learner inside the award's transaction, more
 * than the credential itself. A draft is ~0.4 KB: the claim mail's input, with everything read
 * from the store at award time already in it (issuer and achievement names, image links, the
 * link's term), so writing it needs nothing but the draft, on any instance.
 *
 * A draft that does not read as one (a kind we do not know, a field of the wrong type) is
 * refused with DraftError: the message cannot be written, now or on a retry.
 */
import type { MailRecord } from "../store/Store";
import type { MailMessage, OutgoingMail } from "./mailer";
import { claimMessage, type ClaimMessageInput } from "./messages";

/** A recorded draft that cannot be written into a message: no attempt will send it. */
export class DraftError extends Error {
  override readonly name = "DraftError";
}

/** The draft of a claim mail (or of its reminder, when `reminder` is set). */
export function claimDraft(input: ClaimMessageInput): string {
  return JSON.stringify({ claim: input });
}

const REQUIRED_TEXT = ["to", "link", "issuerName", "achievementName"] as const;
const OPTIONAL_TEXT = ["recipientName", "logoUrl", "badgeImageUrl", "contactEmail"] as const;
const KNOWN = new Set<string>([...REQUIRED_TEXT, ...OPTIONAL_TEXT, "expiresAt", "reminder"]);

/** The message a draft is written into. */
export function messageFromDraft(draft: string): MailMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(draft);
  } catch {
    throw new DraftError("the mail draft is not JSON");
  }
  const kinds = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? Object.keys(parsed) : [];
  if (kinds.length !== 1 || kinds[0] !== "claim") throw new DraftError(`the mail draft is of no kind this server writes (${JSON.stringify(kinds)})`);
  return claimMessage(claimInputOf((parsed as { claim: unknown }).claim));
}

function claimInputOf(value: unknown): ClaimMessageInput {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new DraftError("a claim draft is an object");
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (!KNOWN.has(key)) throw new DraftError(`a claim draft has no field ${JSON.stringify(key)}`);
  for (const key of REQUIRED_TEXT) if (typeof fields[key] !== "string") throw new DraftError(`a claim draft's ${key} is text`);
  for (const key of OPTIONAL_TEXT) if (fields[key] !== undefined && typeof fields[key] !== "string") throw new DraftError(`a claim draft's ${key} is text when present`);
  if (fields.expiresAt !== undefined && !Number.isSafeInteger(fields.expiresAt)) throw new DraftError("a claim draft's expiresAt is unix seconds");
  if (fields.reminder !== undefined && typeof fields.reminder !== "boolean") throw new DraftError("a claim draft's reminder is true or false");
  return fields as unknown as ClaimMessageInput;
}

/** The message an outbox row holds: written from its draft, else as it was recorded. */
export function messageOf(mail: MailRecord): MailMessage {
  return writtenMessage(outgoingOf(mail));
}

/** What a mailer is handed for an outbox row: its draft, to be written where it is sent, or the message as recorded. */
export function outgoingOf(mail: MailRecord): OutgoingMail {
  if (mail.draft !== undefined) return { to: mail.recipient, draft: mail.draft };
  return { to: mail.recipient, subject: mail.subject, text: mail.text, ...(mail.html ? { html: mail.html } : {}), ...(mail.fromName ? { fromName: mail.fromName } : {}) };
}

/** The message of outgoing mail: a draft written for its recipient (DraftError when it cannot be), a message as it is. */
export function writtenMessage(mail: OutgoingMail): MailMessage {
  return "draft" in mail ? { ...messageFromDraft(mail.draft), to: mail.to } : mail;
}
