import crypto from "node:crypto";
import nodemailer from "nodemailer";
import { isOutboxId, linksIn, writeOutboxEntry } from "./outbox";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Display name of From (the address stays the server's). */
  fromName?: string;
}

/** From with another display name: the configured address, the given name (quoted by nodemailer). */
export function fromWithName(from: string, name: string | undefined): string | { name: string; address: string } {
  if (!name) return from;
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  return { name: name.replace(/[\r\n]/g, " ").slice(0, 200), address };
}

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
  send(message: MailMessage, options?: SendOptions): Promise<void>;
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
 * nodemailer behind one small interface. Without SMTP the message is still rendered by
 * nodemailer (a real RFC 5322 message), then written to the outbox folder instead of sent,
 * so local claims work with no mail server and tests can read the links.
 */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(message, sendOptions) {
        const { fromName, ...rest } = message;
        await transport.sendMail({
          ...rest,
          from: fromWithName(options.from, fromName),
          ...(sendOptions?.deliveryId ? { messageId: `<${sendOptions.deliveryId}@outbox.credanchor>` } : {}),
        });
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    outboxDir: options.outboxDir,
    async send(message, sendOptions) {
      const id = sendOptions?.deliveryId ?? `${Date.now()}-${crypto.randomBytes(4).toString("hex")}`;
      if (!isOutboxId(id)) throw new Error(`delivery id ${JSON.stringify(id)} is not an outbox id (13 digits, "-", 8 hex digits)`);
      const { fromName, ...rest } = message;
      const info = (await transport.sendMail({ ...rest, from: fromWithName(options.from, fromName), messageId: `<${id}@outbox.credanchor>` })) as unknown as { message: Buffer };
      writeOutboxEntry(
        options.outboxDir,
        { id, date: new Date().toISOString(), to: message.to, subject: message.subject, text: message.text, links: linksIn(message.text) },
        info.message,
      );
    },
  };
}
