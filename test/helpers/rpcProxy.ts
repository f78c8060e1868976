/**
 * A JSON-RPC proxy on loopback in front of a node, for tests and benches that need to see or
 * bend the traffic: `intercept` gets each request body first; it may answer the request itself
 * (a status and a text), or await whatever it needs and let it through to the node unchanged.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RpcProxy {
  url: string;
  close(): Promise<void>;
}

export type RpcIntercept = (body: string) => Promise<{ status: number; text: string } | undefined> | { status: number; text: string } | undefined;

export async function startRpcProxy(upstream: string, intercept: RpcIntercept = () => undefined): Promise<RpcProxy> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        const own = await intercept(body);
        if (own) {
          res.writeHead(own.status).end(own.text);
          return;
        }
        const answer = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
        res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
      } catch (error) {
        res.writeHead(502).end(`rpc proxy: ${(error as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
