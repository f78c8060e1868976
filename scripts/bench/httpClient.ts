/**
 * A small JSON client: the benches talk to the server the way a busy client would (reused
 * connections, bounded parallelism), and the client's own cost stays small next to the
 * server's, because on a 2-core machine the client and the server share the cores.
 *
 * GETs go through one undici connection pool: undici's HTTP/1.1 client costs ~35 µs of CPU
 * per request where node:http's costs ~52 µs (measured on a minimal server with a 3.5 KB body),
 * and the semester bench makes a million of them. Writes go through node:http on a fresh
 * connection each (they are few).
 */
import http from "node:http";
import { Pool, errors as undiciErrors } from "undici";

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
  const pool = new Pool(base.origin, { connections: options.maxSockets ?? 32 });

  // A keep-alive socket the server is closing for idleness (its keepAliveTimeout) can be
  // picked for the next request and reset under it. So: writes go on a fresh connection
  // (they are few and not safely repeatable), and a GET that meets a reset is sent once more.
  const send = async (method: string, route: string, body: string | undefined, key: string | undefined): Promise<string> => {
    if (method !== "GET") return write(method, route, body, key);
    try {
      return await get(route, key);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!(error instanceof undiciErrors.SocketError) && code !== "ECONNRESET" && code !== "EPIPE") throw error;
      return get(route, key);
    }
  };

  const get = async (route: string, key: string | undefined): Promise<string> => {
    const headers: Record<string, string> = { accept: "application/json" };
    if (key) headers.authorization = `Bearer ${key}`;
    const response = await pool.request({ method: "GET", path: route, headers });
    const text = await response.body.text();
    if (response.statusCode >= 400) throw new HttpStatusError("GET", route, response.statusCode, text);
    return text;
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
    close: () => void pool.destroy(),
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
