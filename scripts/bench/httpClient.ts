/**
 * A small JSON client: the benches talk to the server the way a busy client would (reused
 * connections, bounded parallelism), and the client's own cost stays small next to the
 * server's, because on a 2-core machine the client and the server share the cores.
 *
 * GETs go through a fixed set of keep-alive connections (keepAliveGets.ts): the semester bench
 * makes a million of them, and that client costs less CPU per request than undici's or
 * node:http's. Writes go through node:http on a fresh connection each (they are few).
 */
import http from "node:http";
import { KeepAliveGets } from "./keepAliveGets";

export class HttpStatusError extends Error {
  override readonly name = "HttpStatusError";
  constructor(
    readonly method: string,
    readonly route: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${route} → ${status}: ${body.slice(0, 500)}`);
  }
}

export interface JsonClient {
  request<T = unknown>(method: string, route: string, options?: { body?: unknown; key?: string }): Promise<T>;
  /** The body as text, without parsing (for responses the caller parses itself). */
  getText(route: string): Promise<string>;
  close(): void;
}

export function createJsonClient(baseUrl: string, options: { maxSockets?: number } = {}): JsonClient {
  const base = new URL(baseUrl);
  const gets = new KeepAliveGets(base, options.maxSockets ?? 32);

  // Writes go on a fresh connection each (they are few and not safely repeatable); a GET sent
  // on a keep-alive connection the server was closing for idleness is sent once more.
  const send = (method: string, route: string, body: string | undefined, key: string | undefined): Promise<string> =>
    method === "GET" ? get(route, key) : write(method, route, body, key);

  const get = async (route: string, key: string | undefined): Promise<string> => {
    const headers: Record<string, string> = { accept: "application/json" };
    if (key) headers.authorization = `Bearer ${key}`;
    const answer = await gets.get(route, headers);
    if (answer.status >= 400) throw new HttpStatusError("GET", route, answer.status, answer.body);
    return answer.body;
  };

  const write = (method: string, route: string, body: string | undefined, key: string | undefined): Promise<string> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: "application/json" };
      if (key) headers.authorization = `Bearer ${key}`;
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = String(Buffer.byteLength(body));
      }
      headers.connection = "close";
      const req = http.request({ host: base.hostname, port: base.port, path: route, method, agent: false, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) >= 400) reject(new HttpStatusError(method, route, res.statusCode ?? 0, text));
          else resolve(text);
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });

  return {
    async request<T>(method: string, route: string, opts: { body?: unknown; key?: string } = {}): Promise<T> {
      const text = await send(method, route, opts.body === undefined ? undefined : JSON.stringify(opts.body), opts.key);
      return (text === "" ? undefined : JSON.parse(text)) as T;
    },
    getText: (route) => send("GET", route, undefined, undefined),
    close: () => gets.close(),
  };
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
