/**
 * A Mailer whose messages are composed and delivered on a worker thread (mailerThread.ts), so
 * the mail worker's deliveries do not take the event loop from requests. Same interface, same
 * bytes: the thread runs createMailer with the same options. The thread starts with the first
 * message (a server that sends none starts none), ends after IDLE_MS without one (so servers
 * started and stopped in one process do not pile up idle threads), never keeps a stopping
 * process alive, and is started again after a crash; the messages it held then fail, and the
 * mail worker retries them under their delivery ids.
 *
 * The sends of one turn of the event loop cross to the thread as one message, and the replies
 * of the sends that settle in one turn there come back as one (a mail worker's round sends
 * several at once): a message between threads costs more than writing a drafted mail into the outbox.
 */
import type { Worker } from "node:worker_threads";
import { perTurnBatcher, siblingModule, startWorker } from "../workerThreads";
import { DraftError } from "./drafts";
import type { Mailer, MailerOptions, OutgoingMail, SendOptions } from "./mailer";
import { removeAbandonedAsideFiles } from "./outbox";

export interface MailerThreadRequest {
  id: number;
  mail: OutgoingMail;
  options: SendOptions | undefined;
}

/**
 * A failed send carries what the SMTP transport said (reply code, command, error code) across
 * the thread, so a permanent refusal still bounces at once (server/mail/deliveryRefusal.ts).
 */
export type MailerThreadReply =
  | { id: number; ok: true }
  | { id: number; ok: false; name: string; message: string; responseCode?: number; command?: string; code?: string };

const THREAD_FILE = siblingModule(__dirname, __filename, "mailerThread");
/** How long the thread waits for another message before it ends. */
const IDLE_MS = 30_000;

export interface ThreadedMailer extends Mailer {
  /** Ends the thread (messages in flight fail); the next send starts a new one. */
  close(): Promise<void>;
}

export function createThreadedMailer(options: MailerOptions): ThreadedMailer {
  // Once per process, not per thread start: a process killed mid-write left its message aside
  // in the dev outbox; the outbox delivers it again, so the scrap goes.
  if (!options.smtpUrl) removeAbandonedAsideFiles(options.outboxDir);
  let worker: Worker | undefined;
  let nextId = 1;
  let idleTimer: NodeJS.Timeout | undefined;
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  // Sends not yet handed to the thread: they go together once this turn's work is done.
  const queued = perTurnBatcher<MailerThreadRequest>((requests) => thread().postMessage(requests));

  const endWhenIdle = () => {
    if (pending.size > 0 || worker === undefined) return;
    const idle = worker;
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (worker !== idle || pending.size > 0) return;
      worker = undefined;
      void idle.terminate();
    }, IDLE_MS);
    idleTimer.unref();
  };

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    queued.discard();
  };

  const settle = (reply: MailerThreadReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.ok) return p.resolve();
    if (reply.name === "DraftError") return p.reject(new DraftError(reply.message));
    const { responseCode, command, code } = reply;
    p.reject(Object.assign(new Error(reply.message), { name: reply.name }, responseCode === undefined ? {} : { responseCode }, command === undefined ? {} : { command }, code === undefined ? {} : { code }));
  };

  const thread = (): Worker => {
    if (worker) return worker;
    const started = startWorker(THREAD_FILE, { workerData: options });
    started.unref();
    started.on("message", (replies: MailerThreadReply[]) => {
      for (const reply of replies) settle(reply);
      endWhenIdle();
    });
    const lost = (error: Error) => {
      if (worker !== started) return;
      worker = undefined;
      failAll(error);
    };
    started.on("error", lost);
    started.on("exit", (code) => lost(new Error(`the mail thread exited with code ${code}`)));
    worker = started;
    return started;
  };

  return {
    ...(options.smtpUrl ? {} : { outboxDir: options.outboxDir }),
    send(mail, sendOptions) {
      return new Promise<void>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        if (idleTimer !== undefined) clearTimeout(idleTimer);
        idleTimer = undefined;
        queued.add({ id, mail, options: sendOptions });
      });
    },
    async close() {
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      idleTimer = undefined;
      const closing = worker;
      worker = undefined;
      failAll(new Error("the mailer was closed"));
      if (closing) await closing.terminate();
    },
  };
}
