/**
 * The fault suite's only way into the server: plain HTTP/1.1 requests (node:http, so paths,
 * methods and headers can be as odd as a fuzzer wants), each answered with its status, body,
 * headers and time. A request that got no answer (connection refused or reset, timeout) comes
 * back with status 0 and the error's code, never as a throw.
 */
import http from "node:http";

export interface HttpAnswer {
  status: number;
  text: string;
  /** The body parsed as JSON, or undefined. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: http.IncomingHttpHeaders;
  ms: number;
  /** Set when no answer came: ECONNREFUSED, ECONNRESET, TIMEOUT, INVALID_REQUEST… */
  error?: string;
}

export interface HttpRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  /** Bearer key. */
  key?: string;
  timeoutMs?: number;
  agent?: http.Agent;
  /** Keep at most this many bytes of the answer (the rest is read and dropped). */
  maxBytes?: number;
}

export async function request(baseUrl: string, req: HttpRequest): Promise<HttpAnswer> {
  const url = new URL(baseUrl);
  const started = performance.now();
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  let payload: Buffer | undefined;
  if (req.body !== undefined) {
    if (typeof req.body === "string" || Buffer.isBuffer(req.body)) payload = Buffer.from(req.body as string);
    else {
      payload = Buffer.from(JSON.stringify(req.body));
      headers["content-type"] ??= "application/json";
    }
    headers["content-length"] ??= String(payload.length);
  }
  if (req.key) headers.authorization = `Bearer ${req.key}`;
  return new Promise<HttpAnswer>((resolve) => {
    let settled = false;
    const done = (answer: Omit<HttpAnswer, "ms">) => {
      if (settled) return;
      settled = true;
      resolve({ ...answer, ms: performance.now() - started });
    };
    let outgoing: http.ClientRequest;
    try {
      outgoing = http.request({
        host: url.hostname,
        port: url.port,
        method: req.method ?? "GET",
        path: req.path,
        headers,
        agent: req.agent ?? false,
        timeout: req.timeoutMs ?? 30_000,
      });
    } catch (error) {
      // node:http refuses some paths/headers before sending (a fuzzer's invalid characters).
      return done({ status: 0, text: "", body: undefined, headers: {}, error: `INVALID_REQUEST ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    }
    outgoing.on("timeout", () => {
      outgoing.destroy();
      done({ status: 0, text: "", body: undefined, headers: {}, error: "TIMEOUT" });
    });
    outgoing.on("error", (error: NodeJS.ErrnoException) => done({ status: 0, text: "", body: undefined, headers: {}, error: error.code ?? error.message }));
    outgoing.on("response", (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      const max = req.maxBytes ?? 64 * 1024 * 1024;
      res.on("data", (chunk: Buffer) => {
        if (kept < max) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      res.on("error", (error: NodeJS.ErrnoException) => done({ status: res.statusCode ?? 0, text: "", body: undefined, headers: res.headers, error: error.code ?? error.message }));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        if (/json/.test(String(res.headers["content-type"] ?? ""))) {
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
        }
        done({ status: res.statusCode ?? 0, text, body, headers: res.headers });
      });
    });
    if (payload) outgoing.end(payload);
    else outgoing.end();
  });
}

/** The same, throwing unless the status is one of `expected` (for the suite's own set-up steps). */
export async function expectStatus(baseUrl: string, req: HttpRequest, ...expected: number[]): Promise<HttpAnswer> {
  const answer = await request(baseUrl, req);
  if (!expected.includes(answer.status)) {
    throw new Error(`${req.method ?? "GET"} ${req.path} answered ${answer.status}${answer.error ? ` (${answer.error})` : ""}, expected ${expected.join(" or ")}: ${answer.text.slice(0, 300)}`);
  }
  return answer;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value or the deadline passes (then undefined, never a throw). */
export async function waitFor<T>(check: () => Promise<T | undefined>, deadlineMs: number, intervalMs = 200): Promise<T | undefined> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // Not yet.
    }
    if (Date.now() > deadline) return undefined;
    await sleep(intervalMs);
  }
}
