/**
 * The worker thread behind createThreadedMailer: composes each message with nodemailer and
 * delivers it (the outbox folder or SMTP) with the mailer of mailer.ts, one reply per request.
 * Composing a MIME message and creating its outbox files cost ~1 ms of CPU each, which on the
 * main thread came out of the time left for serving requests.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createMailer, type MailerOptions } from "./mailer";
import type { MailerThreadReply, MailerThreadRequest } from "./threadedMailer";

// nodemailer builds each MIME part through stream.pipeline, which on Node 20 makes an
// AbortController per part and aborts it when the part is done; each abort makes a DOMException
// and captures its stack: 1.5 s of this thread's CPU per 25,000 claim mails. Nothing here reads a
// stack (a failure goes back by name, message and code), so this thread captures none.
Error.stackTraceLimit = 0;

const port = parentPort;
if (port === null) throw new Error("mailerThread.ts runs inside a worker thread only");
const mailer = createMailer(workerData as MailerOptions);

port.on("message", (request: MailerThreadRequest) => {
  mailer.send(request.message, request.options).then(
    () => port.postMessage({ id: request.id, ok: true } satisfies MailerThreadReply),
    (error: unknown) => {
      const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
      const { responseCode, command, code } = (typeof error === "object" && error !== null ? error : {}) as { responseCode?: unknown; command?: unknown; code?: unknown };
      port.postMessage({
        id: request.id,
        ok: false,
        name,
        message,
        ...(typeof responseCode === "number" ? { responseCode } : {}),
        ...(typeof command === "string" ? { command } : {}),
        ...(typeof code === "string" ? { code } : {}),
      } satisfies MailerThreadReply);
    },
  );
});
