import crypto from "node:crypto";
import nodemailer from "nodemailer";
import { linksIn, writeOutboxEntry } from "./outbox";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
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
      async send(message) {
        await transport.sendMail({ from: options.from, ...message });
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    outboxDir: options.outboxDir,
    async send(message) {
      const info = (await transport.sendMail({ from: options.from, ...message })) as unknown as { message: Buffer };
      const id = `${Date.now()}-${crypto.randomBytes(4).toString("hex")}`;
      writeOutboxEntry(
        options.outboxDir,
        { id, date: new Date().toISOString(), to: message.to, subject: message.subject, text: message.text, links: linksIn(message.text) },
        info.message,
      );
    },
  };
}
