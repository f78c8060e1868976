/**
 * What the fault suite's fuzzer found answering 5xx, each now a 4xx with a reason (or a 503
 * with Retry-After when the chain does not answer): malformed percent-encodings in path
 * parameters, a gzip body cut short, and the public batch route against a frozen chain.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { expect } from "chai";
import express from "express";
import { errorMiddleware } from "../../server/http/errors";
import { createLogger } from "../../server/log";
import { BATCH_HEAD_TIMEOUT_MS, batchesRouter } from "../../server/routes/batches";
import type { AppContext } from "../../server/context";

const quiet = createLogger("silent");

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: http.IncomingHttpHeaders;
  ms: number;
}

function send(port: number, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: "127.0.0.1", method, path, headers: body ? { ...headers, "content-length": String(body.length) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: res.headers, ms: Date.now() - started });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function listen(app: express.Express): Promise<{ port: number; close: () => Promise<void> }> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("server: malformed requests found by the fault suite", function () {
  this.timeout(30_000);

  describe("paths and bodies", () => {
    let port: number;
    let close: () => Promise<void>;
    let reached = 0;

    before(async () => {
      const app = express();
      app.get("/u/:id", (_req, res) => void (reached++, res.json({ ok: true })));
      app.post("/api/v1/credentials/:id/unsuspend", express.json({ limit: "64kb" }), (_req, res) => void (reached++, res.json({ ok: true })));
      app.use(errorMiddleware(quiet));
      ({ port, close } = await listen(app));
    });
    after(() => close());
    beforeEach(() => (reached = 0));

    for (const bad of ["%ff%fe", "%%32%65", "%E2%82", "abc%", "%C0%AF"]) {
      it(`answers 400 malformed_path for /u/${bad}, never reaching the route`, async () => {
        const answer = await send(port, "GET", `/u/${bad}`);
        expect(answer.status).to.equal(400);
        expect(answer.body.error).to.equal("malformed_path");
        expect(answer.body.message).to.match(/percent-encoding/);
        expect(reached).to.equal(0);
      });
    }

    it("still routes a well-formed UTF-8 escape", async () => {
      const answer = await send(port, "GET", "/u/%F0%9F%92%A9");
      expect(answer.status).to.equal(200);
      expect(reached).to.equal(1);
    });

    it("answers 400 malformed_body_encoding for a gzip body cut short", async () => {
      const whole = zlib.gzipSync(Buffer.from(JSON.stringify({ reason: "x".repeat(1000) })));
      const answer = await send(port, "POST", "/api/v1/credentials/%F0%9F%92%A9/unsuspend", whole.subarray(0, 12), { "content-type": "application/json", "content-encoding": "gzip" });
      expect(answer.status).to.equal(400);
      expect(answer.body.error).to.equal("malformed_body_encoding");
      expect(answer.body.message).to.match(/Content-Encoding/);
      expect(reached).to.equal(0);
    });

    it("takes the whole gzip body", async () => {
      const whole = zlib.gzipSync(Buffer.from(JSON.stringify({ reason: "ok" })));
      const answer = await send(port, "POST", "/api/v1/credentials/x/unsuspend", whole, { "content-type": "application/json", "content-encoding": "gzip" });
      expect(answer.status).to.equal(200);
      expect(reached).to.equal(1);
    });
  });

  describe("GET /api/v1/batches/:id against a chain that does not answer", () => {
    let port: number;
    let close: () => Promise<void>;
    let head: () => Promise<bigint>;

    before(async () => {
      const batch = { id: "b1", issuerId: "i1", state: "confirmed", root: `0x${"11".repeat(32)}`, leafCount: 3, txHash: `0x${"22".repeat(32)}`, blockNumber: 10, createdAt: 1, sealedAt: 2, anchoredAt: 3, lastError: null };
      const ctx = {
        store: { getBatch: (id: string) => (id === "b1" ? batch : undefined) },
        chain: { blockNumber: () => head() },
        config: { confirmations: 2 },
      } as unknown as AppContext;
      const app = express();
      app.use(batchesRouter(ctx));
      app.use(errorMiddleware(quiet));
      ({ port, close } = await listen(app));
    });
    after(() => close());

    it("answers 503 chain_unavailable with Retry-After within the bound, not a hang", async () => {
      head = () => new Promise<bigint>(() => undefined); // a frozen node: never answers
      const answer = await send(port, "GET", "/api/v1/batches/b1");
      expect(answer.status).to.equal(503);
      expect(answer.body.error).to.equal("chain_unavailable");
      expect(answer.headers["retry-after"]).to.equal("5");
      expect(answer.ms).to.be.lessThan(BATCH_HEAD_TIMEOUT_MS + 2000);
    });

    it("counts confirmations from the head when the chain answers", async () => {
      head = async () => 14n;
      const answer = await send(port, "GET", "/api/v1/batches/b1");
      expect(answer.status).to.equal(200);
      expect(answer.body.confirmations).to.equal(5);
      expect(answer.body.state).to.equal("confirmed");
    });
  });
});
