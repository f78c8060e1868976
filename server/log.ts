/** Structured logs (pino, JSON lines on stdout). */
import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: "credanchor" }, redact: ["req.headers.authorization", "*.apiKey", "*.seed"] }, destination);
}
