/**
 * A small SMTP server for tests (RFC 5321's commands as nodemailer uses them, no TLS, no AUTH):
 * it keeps what it receives and can be told to refuse — per recipient, at RCPT TO or after
 * DATA, with a permanent (5xx) or temporary (4xx) reply — or to drop the connection.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface SinkMessage {
  from: string;
  to: string[];
  data: string;
}

/** How the sink answers one recipient (else it accepts): refuse at RCPT or after DATA, drop the connection, or never answer RCPT ("stall"). */
export type SinkRule = { at: "rcpt" | "data"; code: number; text: string } | { at: "drop" } | { at: "stall" };

export interface SmtpSink {
  url: string;
  port: number;
  received: SinkMessage[];
  /** Every RCPT TO the sink was asked, in order (accepted or not). */
  rcptAttempts: string[];
  /** Rules by lower-cased recipient address. */
  rules: Map<string, SinkRule>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: SinkMessage[] = [];
  const rcptAttempts: string[] = [];
  const rules = new Map<string, SinkRule>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let buffer = "";
    let inData = false;
    let data = "";
    let from = "";
    let to: string[] = [];
    const reply = (line: string) => socket.write(`${line}\r\n`);
    const reset = () => {
      from = "";
      to = [];
      data = "";
    };
    reply("220 sink.test ESMTP");
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        const end = buffer.indexOf("\r\n");
        if (end === -1) return;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line !== ".") {
            data += `${line.startsWith("..") ? line.slice(1) : line}\n`;
            continue;
          }
          inData = false;
          const refusal = to.map((address) => rules.get(address)).find((rule) => rule?.at === "data");
          if (refusal && refusal.at === "data") reply(`${refusal.code} ${refusal.text}`);
          else {
            received.push({ from, to: [...to], data });
            reply("250 2.0.0 queued");
          }
          reset();
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") reply("250 sink.test");
        else if (verb === "MAIL") {
          reset();
          from = /<([^>]*)>/.exec(line)?.[1] ?? "";
          reply("250 2.1.0 ok");
        } else if (verb === "RCPT") {
          const address = (/<([^>]*)>/.exec(line)?.[1] ?? "").toLowerCase();
          rcptAttempts.push(address);
          const rule = rules.get(address);
          if (rule?.at === "drop") {
            socket.destroy();
            return;
          }
          if (rule?.at === "stall") return; // no answer, ever: the client waits
          if (rule?.at === "rcpt") reply(`${rule.code} ${rule.text}`);
          else {
            to.push(address);
            reply("250 2.1.5 ok");
          }
        } else if (verb === "DATA") {
          if (to.length === 0) reply("554 5.5.1 no valid recipients");
          else {
            inData = true;
            reply("354 go ahead");
          }
        } else if (verb === "RSET") {
          reset();
          reply("250 ok");
        } else if (verb === "QUIT") {
          reply("221 bye");
          socket.end();
        } else if (verb === "NOOP") reply("250 ok");
        else reply("502 5.5.2 command not implemented");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    rcptAttempts,
    rules,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
