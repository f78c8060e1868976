import crypto from "node:crypto";
import nodemailer from "nodemailer";
import { composeMail } from "./compose";
import { writtenMessage } from "./drafts";
import { isOutboxId, linksIn, writeOutboxEntry } from "./outbox";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Display name of From (the address stays the server's). */
  fromName?: string;
}

/**
 * A recorded draft (mail/drafts.ts) to its recipient: the mailer writes the message where it
 * sends it, so on the mail thread rather than on the main one, and only the ~0.4 KB draft
 * crosses between them instead of the ~7 KB message. A draft that cannot be written fails the
 * send with DraftError.
 */
export interface DraftedMail {
  to: string;
  draft: string;
}

/** What a mailer sends: a written message, or a draft it writes first. */
export type OutgoingMail = MailMessage | DraftedMail;

export interface SendOptions {
  /**
   * The same id for every attempt at one message (the outbox's): the folder transport writes
   * the message under it (a second attempt overwrites, never duplicates) and SMTP sends it as
   * the Message-ID, so a mail resent after a crash mid-send is recognisably the same mail.
   * Must match the outbox id pattern (13 digits, "-", 8 hex digits).
   */
  deliveryId?: string;
}

export interface Mailer {
  send(mail: OutgoingMail, options?: SendOptions): Promise<void>;
  /** Set when messages are written to a folder instead of sent (the local setup). */
  readonly outboxDir?: string;
}

export interface MailerOptions {
  from: string;
  /** smtp:// or smtps:// URL; unset → write every message to `outboxDir`. */
  smtpUrl?: string;
  outboxDir: string;
}

/**
 * One small interface over two deliveries of the same bytes (composed by compose.ts): SMTP
 * through nodemailer's transport, or, without SMTP, the outbox folder, so local claims work with
 * no mail server and tests can read the links.
 */
export function createMailer(options: MailerOptions): Mailer {
  const compose = (message: MailMessage, id: string, newline: "\n" | "\r\n") =>
    composeMail(message, { from: options.from, messageId: `${id}@outbox.credanchor`, date: new Date(), newline });
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(mail, sendOptions) {
        const { envelope, raw } = compose(writtenMessage(mail), sendOptions?.deliveryId ?? crypto.randomUUID(), "\r\n");
        await transport.sendMail({ envelope: { from: envelope.from, to: [envelope.to] }, raw });
      },
    };
  }
  return {
    outboxDir: options.outboxDir,
    async send(mail, sendOptions) {
      const id = sendOptions?.deliveryId ?? `${Date.now()}-${crypto.randomBytes(4).toString("hex")}`;
      if (!isOutboxId(id)) throw new Error(`delivery id ${JSON.stringify(id)} is not an outbox id (13 digits, "-", 8 hex digits)`);
      const message = writtenMessage(mail);
      const { raw } = compose(message, id, "\n");
      writeOutboxEntry(options.outboxDir, { id, date: new Date().toISOString(), to: message.to, subject: message.subject, text: message.text, links: linksIn(message.text) }, raw);
    },
  };
}
