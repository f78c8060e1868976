/**
 * The worker thread behind createThreadedMailer: writes each drafted mail, composes each message
 * and delivers it (the outbox folder or SMTP) with the mailer of mailer.ts; requests come in
 * batches, and the replies of the sends settled in one turn go back together. Composing a message
 * and creating its outbox files, or talking SMTP, would otherwise come out of the main thread's
 * time for serving requests.
 */
import { parentPort, workerData } from "node:worker_threads";
import { perTurnBatcher, runInBackground } from "../workerThreads";
import { createMailer, type MailerOptions } from "./mailer";
import type { MailerThreadReply, MailerThreadRequest } from "./threadedMailer";

// nodemailer's SMTP transport streams each message through stream.pipeline, which on Node 20
// makes an AbortController and aborts it when done; each abort makes a DOMException and captures
// its stack. Nothing here reads a stack (a failure goes back by name, message and code), so this
// thread captures none.
Error.stackTraceLimit = 0;

const port = parentPort;
if (port === null) throw new Error("mailerThread.ts runs inside a worker thread only");
// Mail can wait: it takes the CPU that awards, signing and reads leave, and a smaller share
// while they keep the cores busy (never none), instead of an equal one.
runInBackground();
const mailer = createMailer(workerData as MailerOptions);

// Replies settled in one turn go back as one message; a slow send (an SMTP server taking its
// time) holds back only its own reply.
const replies = perTurnBatcher<MailerThreadReply>((batch) => port.postMessage(batch));

port.on("message", (requests: MailerThreadRequest[]) => {
  for (const request of requests) void sendOne(request).then((reply) => replies.add(reply));
});

function sendOne(request: MailerThreadRequest): Promise<MailerThreadReply> {
  return mailer.send(request.mail, request.options).then(
    () => ({ id: request.id, ok: true }),
    (error: unknown) => {
      const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
      const { responseCode, command, code } = (typeof error === "object" && error !== null ? error : {}) as { responseCode?: unknown; command?: unknown; code?: unknown };
      return {
        id: request.id,
        ok: false,
        name,
        message,
        ...(typeof responseCode === "number" ? { responseCode } : {}),
        ...(typeof command === "string" ? { command } : {}),
        ...(typeof code === "string" ? { code } : {}),
      };
    },
  );
}
