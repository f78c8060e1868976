/**
 * GET /verify serves a 1.4 MB built page rewritten with this server's chain settings. Under the
 * fault suite's load it was read and rewritten per request on the event loop; now once per
 * build (the file's stamp) and per settings, and the answer stays the same.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect } from "chai";
import express from "express";
import { errorMiddleware } from "../../server/http/errors";
import { createLogger } from "../../server/log";
import { WEB_DIST_DIR } from "../../server/web/assets";
import { createWebRouter } from "../../server/web/index";
import type { LearnerDeps } from "../../server/routes/learner/deps";

function get(port: number, p: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: p }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    }).on("error", reject);
  });
}

describe("server: the /verify page is rendered once per build", function () {
  this.timeout(30_000);
  const page = path.join(WEB_DIST_DIR, "verify.html");
  let server: http.Server;
  let port: number;
  let reads = 0;
  const realRead = fs.readFileSync;
  const deps = {
    config: { chainPort: 8545, rpcUrl: undefined, publicRpcUrl: "https://rpc.example/one", confirmations: 2, publicUrl: "http://127.0.0.1" },
    chain: { registry: "0x00000000000000000000000000000000000000aa", chainId: 31337, isLocal: true },
  } as unknown as LearnerDeps;

  before(async function () {
    if (!fs.existsSync(page)) this.skip(); // npm test builds the web pages first (npm run build:web)
    (fs as { readFileSync: typeof fs.readFileSync }).readFileSync = ((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      if (String(file) === page) reads++;
      return (realRead as (...args: unknown[]) => unknown)(file, ...rest);
    }) as typeof fs.readFileSync;
    const app = express();
    app.use(createWebRouter(deps));
    app.use(errorMiddleware(createLogger("silent")));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    (fs as { readFileSync: typeof fs.readFileSync }).readFileSync = realRead;
    if (server) await new Promise((resolve) => server.close(resolve));
  });

  it("reads the built page once for many requests, with the same answer", async () => {
    const first = await get(port, "/verify");
    expect(first.status).to.equal(200);
    expect(first.text).to.contain("https://rpc.example/one");
    const readsAfterFirst = reads;
    expect(readsAfterFirst).to.equal(1);
    for (let i = 0; i < 5; i++) expect((await get(port, "/verify")).text).to.equal(first.text);
    expect(reads).to.equal(readsAfterFirst);
  });

  it("renders again when the settings change or the page is rebuilt", async () => {
    const before = reads;
    (deps.config as { publicRpcUrl: string }).publicRpcUrl = "https://rpc.example/two";
    const changed = await get(port, "/verify");
    expect(changed.text).to.contain("https://rpc.example/two");
    expect(changed.text).to.not.contain("https://rpc.example/one");
    expect(reads).to.equal(before + 1);
    const stat = fs.statSync(page);
    fs.utimesSync(page, stat.atime, new Date(stat.mtimeMs + 1000));
    try {
      await get(port, "/verify");
      expect(reads).to.equal(before + 2);
    } finally {
      fs.utimesSync(page, stat.atime, stat.mtime);
    }
  });
});
