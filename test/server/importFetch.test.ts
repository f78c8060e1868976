/**
 * How the wallet import fetches a badge URL (issue 13, "SSRF in wallet import"): through
 * safeFetch, 2 MB streamed, 10 s, public hosts only, nothing of the answer echoed.
 */
import { expect } from "chai";
import express from "express";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createLearnerRouter } from "../../server/routes/learner";
import { learnerServices } from "../../server/routes/learner/deps";
import { ImportRefusedError, isInternalAddress, loadBadgeFromUrl } from "../../server/routes/learner/importBadge";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import { startTestHost, type TestHost } from "../helpers/testHttps";

async function refusal(promise: Promise<unknown>): Promise<ImportRefusedError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ImportRefusedError);
    return error as ImportRefusedError;
  }
  throw new Error("expected the import to be refused");
}

describe("wallet import: fetching the badge URL", function () {
  this.timeout(60_000);
  let host: TestHost;
  let sentBytes = 0;
  const badge = { "@context": ["https://www.w3.org/ns/credentials/v2"], type: ["VerifiableCredential"], id: "urn:uuid:1" };

  before(async function () {
    host = await startTestHost((request, response) => {
      if (request.url === "/huge") {
        // 400 MB if nobody stops it, streamed with no content-length.
        const chunk = Buffer.alloc(256 * 1024, 0x20);
        const pump = () => {
          while (sentBytes < 400 * 1024 * 1024) {
            sentBytes += chunk.length;
            if (!response.write(chunk)) return void response.once("drain", pump);
          }
          response.end();
        };
        return pump();
      }
      if (request.url === "/leak") return response.end("SECRET-INTERNAL-TOKEN not json");
      if (request.url === "/hop") {
        response.statusCode = 302;
        response.setHeader("location", `http://[::ffff:127.0.0.1]:${host.port}/badge.json`);
        return response.end();
      }
      response.setHeader("content-type", "application/ld+json");
      response.end(JSON.stringify(badge));
    });
  });

  after(async function () {
    await host?.close();
  });

  for (const form of ["[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "127.0.0.1", "[::1]", "2130706433", "0x7f.1", "localhost"]) {
    it(`refuses http://${form}:PORT/ as an internal address without requesting it`, async function () {
      const before = host.hits.length;
      const error = await refusal(loadBadgeFromUrl(`http://${form}:${host.port}/badge.json`, { ownOrigin: "http://127.0.0.1:1" }));
      expect(error.message).to.match(/is an internal address; badges are imported only from public hosts$/);
      expect(host.hits.length).to.equal(before);
    });
  }

  it("loads a badge from an allowed host", async function () {
    const loaded = await loadBadgeFromUrl(`http://127.0.0.1:${host.port}/badge.json`, { fetchOptions: { allowedPrivateAddresses: ["127.0.0.1"] } });
    expect(loaded).to.deep.equal(badge);
  });

  it("loads from this server's own origin, but follows no redirect from it", async function () {
    const ownOrigin = `http://127.0.0.1:${host.port}`;
    expect(await loadBadgeFromUrl(`${ownOrigin}/badge.json`, { ownOrigin })).to.deep.equal(badge);
    const error = await refusal(loadBadgeFromUrl(`${ownOrigin}/hop`, { ownOrigin }));
    expect(error.message).to.match(/redirected more than 0 times/);
  });

  it("checks a redirect's target again", async function () {
    const before = host.hits.length;
    const error = await refusal(loadBadgeFromUrl(`http://127.0.0.1:${host.port}/hop`, { fetchOptions: { allowedPrivateAddresses: ["127.0.0.1"] } }));
    expect(error.message).to.equal("[::ffff:7f00:1] is an internal address; badges are imported only from public hosts");
    expect(host.hits.length).to.equal(before + 1);
  });

  it("cuts a 400 MB answer off past 2 MB, keeping memory flat", async function () {
    const rssBefore = process.memoryUsage().rss;
    const error = await refusal(loadBadgeFromUrl(`http://127.0.0.1:${host.port}/huge`, { fetchOptions: { allowedPrivateAddresses: ["127.0.0.1"] } }));
    expect(error.message).to.equal("the badge file is larger than 2 MB");
    expect(process.memoryUsage().rss - rssBefore).to.be.lessThan(40 * 1024 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sentBytes).to.be.lessThan(32 * 1024 * 1024);
  });

  it("never echoes the answer's bytes", async function () {
    const error = await refusal(loadBadgeFromUrl(`http://127.0.0.1:${host.port}/leak`, { fetchOptions: { allowedPrivateAddresses: ["127.0.0.1"] } }));
    expect(error.message).to.equal(`127.0.0.1:${host.port} did not answer with a JSON badge file`);
    expect(error.message).to.not.contain("SECRET");
  });

  it("refuses URLs of other schemes and unparsable URLs", async function () {
    expect((await refusal(loadBadgeFromUrl("file:///etc/passwd"))).message).to.equal("only http and https URLs can be imported");
    expect((await refusal(loadBadgeFromUrl("http://"))).message).to.equal("the URL is not valid");
  });

  it("classifies addresses with safeFetch's rules", function () {
    expect(isInternalAddress("::ffff:127.0.0.1")).to.equal(true);
    expect(isInternalAddress("[::ffff:7f00:1]")).to.equal(true);
    expect(isInternalAddress("64:ff9b::a9fe:a9fe")).to.equal(true);
    expect(isInternalAddress("93.184.216.34")).to.equal(false);
  });
});

describe("wallet import route: POST /learner/import with a URL", function () {
  this.timeout(60_000);
  // The learner router alone over a real SQLite store: no chain is needed to refuse a URL.
  let target: TestHost;
  let app: http.Server;
  let appUrl: string;
  let cookie: string;
  let store: SqliteStore;
  let verifyCalls = 0;
  let targetSent = 0;

  before(async function () {
    target = await startTestHost((_request, response) => {
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      const pump = () => {
        while (targetSent < 400 * 1024 * 1024) {
          targetSent += chunk.length;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        response.end();
      };
      pump();
    });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-import-"));
    store = new SqliteStore(path.join(dataDir, "credanchor.sqlite"));
    // The big answer comes from "this server's own origin", the one host allowed although private.
    const deps = {
      store,
      config: { publicUrl: `http://127.0.0.1:${target.port}`, dataDir },
      verify: async () => {
        verifyCalls++;
        throw new Error("not reached");
      },
    };
    const learners = learnerServices(deps).learners;
    const wallet = learners.createWallet({ handle: "ada", email: "ada@example.edu" });
    cookie = `ca_session=${learners.createSession(wallet.id)}`;
    const expressApp = express();
    expressApp.use(createLearnerRouter(deps));
    app = await new Promise((resolve) => {
      const server = http.createServer(expressApp).listen(0, "127.0.0.1", () => resolve(server));
    });
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });

  after(async function () {
    await target?.close();
    await new Promise((resolve) => app?.close(resolve));
    store?.close();
  });

  const importUrl = (url: string) =>
    fetch(`${appUrl}/learner/import`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: appUrl, cookie, "accept-language": "en" },
      body: new URLSearchParams({ url }).toString(),
      redirect: "manual",
    });

  it("answers 422 for http://[::ffff:127.0.0.1]:PORT/ without requesting it", async function () {
    const response = await importUrl(`http://[::ffff:127.0.0.1]:${target.port}/badge.json`);
    const page = await response.text();
    expect(response.status).to.equal(422);
    expect(page).to.contain("[::ffff:7f00:1] is an internal address; badges are imported only from public sites.");
    expect(target.hits).to.deep.equal([]);
    expect(verifyCalls).to.equal(0);
  });

  it("answers 422 for a 400 MB answer, cut off past 2 MB", async function () {
    const response = await importUrl(`http://127.0.0.1:${target.port}/huge.json`);
    const page = await response.text();
    expect(response.status).to.equal(422);
    expect(page).to.contain("the badge file is larger than 2 MB");
    expect(verifyCalls).to.equal(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(targetSent).to.be.lessThan(32 * 1024 * 1024);
  });
});
