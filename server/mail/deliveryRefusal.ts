/**
 * Whether a failed send is a permanent refusal by the receiving server (a bounce) or worth
 * another try. SMTP (RFC 5321 §4.2.1): a 5yz reply is a permanent negative completion, a 4yz a
 * transient one. A 5yz to RCPT TO (no such mailbox, relaying denied) or to DATA (the message
 * refused) is about this message and this recipient: trying again gives the same answer, so it
 * bounces at once. A 5yz anywhere else (EHLO, AUTH, MAIL FROM) is about our own server's setup
 * and is retried like a temporary failure until the attempts are spent, so a fixed
 * configuration still delivers it; timeouts and dropped connections are temporary too.
 *
 * An address credanchor cannot write into a message at all (compose.ts) is refused for good too.
 *
 * nodemailer's SMTP transport reports the reply code as `responseCode` and the command as
 * `command` ("RCPT TO", "DATA"), with `code` "EENVELOPE" (recipient refused) or "EMESSAGE"
 * (message refused after DATA).
 */
export function isPermanentRefusal(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  // Refused before any server saw it: an address no header can hold (compose.ts) never will be.
  if ((error as { name?: unknown }).name === "UnwritableAddressError") return true;
  const { responseCode, command, code } = error as { responseCode?: unknown; command?: unknown; code?: unknown };
  if (typeof responseCode !== "number" || responseCode < 500 || responseCode > 599) return false;
  const at = typeof command === "string" ? command.toUpperCase() : "";
  if (at !== "") return at.startsWith("RCPT") || at.startsWith("DATA");
  // No command named: nodemailer's envelope and message refusals are about this message.
  return code === "EENVELOPE" || code === "EMESSAGE";
}
