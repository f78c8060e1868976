import { expect } from "chai";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { blockedAddressReason, createSafeDocumentFetcher, safeFetch, SafeFetchError, type SafeFetchOptions } from "../../../core/node/safeFetch";
import { createTestCa, startTestHost, type TestCa, type TestHost } from "../../helpers/testHttps";

async function refusal(promise: Promise<unknown>): Promise<SafeFetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(SafeFetchError);
    return error as SafeFetchError;
  }
  throw new Error("expected the fetch to be refused, but it succeeded");
}

const publicName = (answers: string[][]) => {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    return answer.map((address) => ({ address, family: (net.isIPv6(address) ? 6 : 4) as 4 | 6 }));
  };
  return { lookup, calls };
};

describe("safeFetch", function () {
  this.timeout(60_000);
  let ca: TestCa;
  let tlsHost: TestHost;
  let plainHost: TestHost;
  const base: SafeFetchOptions = { maxBytes: 64 * 1024, timeoutMs: 5000 };

  before(async function () {
    ca = createTestCa(["issuer.test"]);
    tlsHost = await startTestHost((request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ path: request.url, secure: true }));
    }, ca);
    plainHost = await startTestHost((request, response) => {
      if (request.url?.startsWith("/redirect/")) {
        const [, , count, ...rest] = request.url.split("/");
        const left = Number(count);
        response.statusCode = 302;
        response.setHeader("location", left > 0 ? `/redirect/${left - 1}` : decodeURIComponent(rest.join("/")) || "/done");
        return response.end();
      }
      if (request.url?.startsWith("/to?")) {
        response.statusCode = 307;
        response.setHeader("location", decodeURIComponent(request.url.slice(4)));
        return response.end();
      }
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ path: request.url }));
    });
  });

  after(async function () {
    await tlsHost?.close();
    await plainHost?.close();
  });

  describe("a local HTTPS host trusted through a test CA", function () {
    it("fetches over TLS, the name pinned to the checked address", async function () {
      const { lookup, calls } = publicName([["127.0.0.1"], ["127.0.0.2"]]);
      const result = await safeFetch(`https://issuer.test:${tlsHost.port}/did.json?x=1`, { ...base, ca: ca.caPem, lookup, allowedPrivateAddresses: ["127.0.0.1"] });
      expect(result.status).to.equal(200);
      expect(result.contentType).to.equal("application/json");
      expect(JSON.parse(result.body.toString())).to.deep.equal({ path: "/did.json?x=1", secure: true });
      expect(result.url).to.equal(`https://issuer.test:${tlsHost.port}/did.json?x=1`);
      expect(calls).to.deep.equal(["issuer.test"]);
    });

    it("refuses the host's certificate without the test CA (verification is never switched off)", async function () {
      const { lookup } = publicName([["127.0.0.1"]]);
      const error = await refusal(safeFetch(`https://issuer.test:${tlsHost.port}/`, { ...base, lookup, allowedPrivateAddresses: ["127.0.0.1"] }));
      expect(error.reason).to.equal("network");
      expect(error.message).to.match(/could not fetch from issuer\.test:\d+ \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    });

    it("refuses a name the certificate does not cover, although it resolves to the host", async function () {
      const { lookup } = publicName([["127.0.0.1"]]);
      const error = await refusal(safeFetch(`https://attacker.test:${tlsHost.port}/`, { ...base, ca: ca.caPem, lookup, allowedPrivateAddresses: ["127.0.0.1"] }));
      expect(error.message).to.contain("ERR_TLS_CERT_ALTNAME_INVALID");
    });
  });

  describe("URLs that are not fetched", function () {
    const cases: Array<[string, RegExp]> = [
      ["not a url", /not a URL/],
      ["ftp://issuer.test/x", /only https URLs are fetched, not ftp:/],
      ["file:///etc/passwd", /only https URLs are fetched, not file:/],
      ["http://issuer.test/did.json", /only https URLs are fetched, not http:/],
      ["https://user:pass@issuer.test/", /user name or password/],
    ];
    for (const [url, message] of cases) {
      it(`refuses ${url}`, async function () {
        const error = await refusal(safeFetch(url, base));
        expect(error.reason).to.equal("unsafe-url");
        expect(error.message).to.match(message);
      });
    }
  });

  describe("SSRF: addresses of this machine and its networks", function () {
    const variants = [
      "127.0.0.1", "127.9.9.9", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:7f00:1]", "2130706433", "0177.0.0.1", "0x7f.0.0.1",
      "0x7f000001", "127.1", "017700000001", "localhost", "LOCALHOST.", "api.localhost", "[::]", "0.0.0.0", "0", "[64:ff9b::7f00:1]",
      "[64:ff9b::10.0.0.1]", "[2002:7f00:1::]", "[::127.0.0.1]", "10.0.0.1", "169.254.169.254", "[::ffff:169.254.169.254]", "192.168.1.1", "172.16.0.1",
      "172.31.255.255", "100.64.0.1", "[fd00::1]", "[fc00::1]", "[fe80::1]", "[ff02::1]", "224.0.0.1", "255.255.255.255", "[64:ff9b:1::1]", "[2001::1]",
    ];
    for (const host of variants) {
      it(`refuses http://${host}:PORT/ without connecting`, async function () {
        const before = plainHost.hits.length;
        const error = await refusal(safeFetch(`http://${host}:${plainHost.port}/secret`, { ...base, allowHttp: true }));
        expect(error.reason, error.message).to.equal("blocked-address");
        expect(error.message).to.match(/only public hosts are fetched/);
        expect(plainHost.hits.length).to.equal(before);
      });
    }

    it("refuses a name with any private address among its answers", async function () {
      const { lookup } = publicName([["93.184.216.34", "::ffff:10.1.2.3"]]);
      const error = await refusal(safeFetch("https://mixed.example/", { ...base, lookup }));
      expect(error.reason).to.equal("blocked-address");
      expect(error.message).to.contain("::ffff:10.1.2.3");
    });

    it("refuses a name that resolves to loopback", async function () {
      const { lookup } = publicName([["127.0.0.1"]]);
      const error = await refusal(safeFetch(`http://evil.example:${plainHost.port}/`, { ...base, allowHttp: true, lookup }));
      expect(error.reason).to.equal("blocked-address");
      expect(plainHost.hits).to.not.include("/");
    });

    it("classifies public addresses as public", function () {
      for (const address of ["93.184.216.34", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::5db8:d822", "2002:5db8:d822::1", "::ffff:93.184.216.34", "172.32.0.1", "100.128.0.1"]) {
        expect(blockedAddressReason(address), address).to.equal(undefined);
      }
      expect(blockedAddressReason("not-an-ip")).to.equal("not an IP address");
      expect(blockedAddressReason("fe80::1%eth0")).to.equal("link-local");
      expect(blockedAddressReason("::ffff:127.0.0.1")).to.equal("IPv4-mapped loopback");
      expect(blockedAddressReason("64:ff9b::a00:1")).to.equal("NAT64 to private");
    });
  });

  describe("DNS rebinding", function () {
    it("resolves the name once and connects to the address it checked", async function () {
      // First answer: the (allowed) test host; any later answer: an address nothing listens on.
      // A second resolution would connect to 127.0.0.2 and fail; pinning connects to 127.0.0.1.
      const { lookup, calls } = publicName([["127.0.0.1"], ["127.0.0.2"]]);
      const result = await safeFetch(`http://rebind.example:${plainHost.port}/pinned`, { ...base, allowHttp: true, lookup, allowedPrivateAddresses: ["127.0.0.1"] });
      expect(JSON.parse(result.body.toString())).to.deep.equal({ path: "/pinned" });
      expect(calls).to.deep.equal(["rebind.example"]);
    });

    it("never reaches the private address a name answers after a public one", async function () {
      const { lookup, calls } = publicName([["93.184.216.34"], ["127.0.0.1"]]);
      const before = plainHost.hits.length;
      const error = await refusal(safeFetch(`http://rebind.example:${plainHost.port}/steal`, { ...base, timeoutMs: 1500, allowHttp: true, lookup }));
      expect(["network", "timeout"]).to.include(error.reason);
      expect(calls).to.have.length(1);
      expect(plainHost.hits.length).to.equal(before);
    });
  });

  describe("concurrent fetches", function () {
    it("keeps each fetch's own checks and answer when 40 run at once, half of them at forbidden hosts", async function () {
      const before = plainHost.hits.length;
      const runs = Array.from({ length: 40 }, (_, i) => {
        const forbidden = i % 2 === 1;
        const { lookup } = publicName([[forbidden ? "10.0.0.7" : "127.0.0.1"], ["127.0.0.1"]]);
        const url = `http://host${i}.example:${plainHost.port}/n/${i}`;
        return safeFetch(url, { ...base, allowHttp: true, lookup, allowedPrivateAddresses: ["127.0.0.1"] }).then(
          (result) => ({ i, ok: true as const, path: JSON.parse(result.body.toString()).path as string }),
          (error: SafeFetchError) => ({ i, ok: false as const, reason: error.reason }),
        );
      });
      const outcomes = await Promise.all(runs);
      for (const outcome of outcomes) {
        if (outcome.i % 2 === 1) expect(outcome).to.deep.equal({ i: outcome.i, ok: false, reason: "blocked-address" });
        else expect(outcome).to.deep.equal({ i: outcome.i, ok: true, path: `/n/${outcome.i}` });
      }
      expect(plainHost.hits.length - before).to.equal(20);
    });
  });

  describe("redirects", function () {
    const allowed = { ...base, allowHttp: true, allowedPrivateAddresses: ["127.0.0.1"] };

    it("follows up to 3 redirects and answers the final URL", async function () {
      const result = await safeFetch(`http://127.0.0.1:${plainHost.port}/redirect/2/`, allowed);
      expect(JSON.parse(result.body.toString())).to.deep.equal({ path: "/done" });
      expect(result.url).to.equal(`http://127.0.0.1:${plainHost.port}/done`);
    });

    it("refuses a fourth redirect", async function () {
      const error = await refusal(safeFetch(`http://127.0.0.1:${plainHost.port}/redirect/3/`, allowed));
      expect(error.reason).to.equal("unsafe-url");
      expect(error.message).to.equal(`127.0.0.1:${plainHost.port} redirected more than 3 times`);
    });

    for (const target of ["http://[::ffff:127.0.0.1]:PORT/x", "http://localhost:PORT/x", "http://127.0.0.2:PORT/x", "http://169.254.169.254/latest/meta-data/"]) {
      it(`checks each hop again: a redirect to ${target} is refused`, async function () {
        const before = plainHost.hits.length;
        const location = encodeURIComponent(target.replace("PORT", String(plainHost.port)));
        const error = await refusal(safeFetch(`http://127.0.0.1:${plainHost.port}/to?${location}`, allowed));
        expect(error.reason).to.equal("blocked-address");
        expect(plainHost.hits.length).to.equal(before + 1); // the redirecting request only
      });
    }

    it("refuses a redirect to another scheme", async function () {
      const error = await refusal(safeFetch(`http://127.0.0.1:${plainHost.port}/to?${encodeURIComponent("file:///etc/passwd")}`, allowed));
      expect(error.reason).to.equal("unsafe-url");
    });

    it("refuses a redirect from https to plain http", async function () {
      const host = await startTestHost((_request, response) => {
        response.statusCode = 301;
        response.setHeader("location", `http://issuer.test:${plainHost.port}/`);
        response.end();
      }, ca);
      try {
        const { lookup } = publicName([["127.0.0.1"]]);
        const error = await refusal(safeFetch(`https://issuer.test:${host.port}/`, { ...allowed, ca: ca.caPem, lookup }));
        expect(error.message).to.match(/redirected from https to plain http/);
      } finally {
        await host.close();
      }
    });

    it("follows no redirect when maxRedirects is 0", async function () {
      const error = await refusal(safeFetch(`http://127.0.0.1:${plainHost.port}/redirect/0/`, { ...allowed, maxRedirects: 0 }));
      expect(error.message).to.match(/redirected more than 0 times/);
    });
  });

  describe("POST", function () {
    const allowed = { ...base, allowHttp: true, allowedPrivateAddresses: ["127.0.0.1"] };

    it("sends the body and headers; host and content-length cannot be replaced", async function () {
      const seen: { method?: string; body?: string; headers?: Record<string, unknown> } = {};
      const host = await startTestHost((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (c: Buffer) => chunks.push(c));
        request.on("end", () => {
          Object.assign(seen, { method: request.method, body: Buffer.concat(chunks).toString(), headers: request.headers });
          response.setHeader("content-type", "application/json");
          response.end('{"ok":true}');
        });
      });
      try {
        const body = JSON.stringify({ hello: "wörld" });
        const result = await safeFetch(`http://127.0.0.1:${host.port}/s2s`, {
          ...allowed,
          method: "POST",
          body,
          headers: { "content-type": "application/json", "x-mac": "abc", host: "evil.example", "Content-Length": "1" },
        });
        expect(result.status).to.equal(200);
        expect(seen.method).to.equal("POST");
        expect(seen.body).to.equal(body);
        expect(seen.headers!["x-mac"]).to.equal("abc");
        expect(seen.headers!["content-type"]).to.equal("application/json");
        expect(seen.headers!.host).to.equal(`127.0.0.1:${host.port}`);
        expect(seen.headers!["content-length"]).to.equal(String(Buffer.byteLength(body)));
      } finally {
        await host.close();
      }
    });

    it("follows no redirect, not even one to the same host, whatever maxRedirects says", async function () {
      const before = plainHost.hits.length;
      const error = await refusal(safeFetch(`http://127.0.0.1:${plainHost.port}/redirect/0/`, { ...allowed, method: "POST", body: "{}", maxRedirects: 3 }));
      expect(error.reason).to.equal("unsafe-url");
      expect(error.message).to.equal(`127.0.0.1:${plainHost.port} answered a POST with a redirect (HTTP 302); redirects are refused`);
      expect(plainHost.hits.length).to.equal(before + 1);
    });

    it("refuses a private address before sending the body", async function () {
      const before = plainHost.hits.length;
      const error = await refusal(safeFetch(`http://127.0.0.1:${plainHost.port}/x`, { ...base, allowHttp: true, method: "POST", body: "secret" }));
      expect(error.reason).to.equal("blocked-address");
      expect(plainHost.hits.length).to.equal(before);
    });

    it("allowNonPublicAddress admits the ranges it names and no others; localhost names are then resolved and judged", async function () {
      const loopbackOnly = { ...base, allowHttp: true, allowNonPublicAddress: (_address: string, why: string) => why === "loopback" };
      const ok = await safeFetch(`http://127.0.0.1:${plainHost.port}/np`, loopbackOnly);
      expect(JSON.parse(ok.body.toString())).to.deep.equal({ path: "/np" });
      const viaName = await safeFetch(`http://localhost:${plainHost.port}/np2`, { ...loopbackOnly, lookup: async () => [{ address: "127.0.0.1", family: 4 }] });
      expect(viaName.status).to.equal(200);
      const before = plainHost.hits.length;
      const { lookup } = publicName([["169.254.169.254"]]);
      const error = await refusal(safeFetch(`http://metadata.example:${plainHost.port}/x`, { ...loopbackOnly, lookup }));
      expect(error.reason).to.equal("blocked-address");
      expect(error.message).to.match(/169\.254\.169\.254: link-local/);
      expect(plainHost.hits.length).to.equal(before);
    });

    it("refuses a body on a GET", async function () {
      let thrown: unknown;
      try {
        await safeFetch(`http://127.0.0.1:${plainHost.port}/x`, { ...allowed, body: "x" });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(RangeError);
    });
  });

  describe("size and time", function () {
    it("aborts a 50 MB streamed answer past maxBytes without buffering it", async function () {
      let sent = 0;
      let closedEarly = false;
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      const host = await startTestHost((_request, response) => {
        response.setHeader("content-type", "application/json"); // no content-length: streamed
        const pump = () => {
          while (sent < 50 * 1024 * 1024) {
            sent += chunk.length;
            if (!response.write(chunk)) return void response.once("drain", pump);
          }
          response.end();
        };
        response.on("close", () => (closedEarly = sent < 50 * 1024 * 1024));
        pump();
      });
      try {
        global.gc?.();
        const rssBefore = process.memoryUsage().rss;
        const error = await refusal(safeFetch(`http://127.0.0.1:${host.port}/big`, { maxBytes: 2 * 1024 * 1024, timeoutMs: 20_000, allowHttp: true, allowedPrivateAddresses: ["127.0.0.1"] }));
        const rssGrowth = process.memoryUsage().rss - rssBefore;
        expect(error.reason).to.equal("too-large");
        expect(error.message).to.equal(`the answer from 127.0.0.1:${host.port} is larger than 2097152 bytes`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(closedEarly, "the server was cut off before sending everything").to.equal(true);
        expect(sent).to.be.lessThan(16 * 1024 * 1024);
        expect(rssGrowth).to.be.lessThan(32 * 1024 * 1024);
      } finally {
        await host.close();
      }
    });

    it("refuses a declared 400 MB answer before reading its body", async function () {
      let wrote = 0;
      const host = await startTestHost((_request, response) => {
        response.setHeader("content-length", String(400 * 1024 * 1024));
        response.flushHeaders();
        const timer = setInterval(() => {
          if (response.destroyed) return clearInterval(timer);
          wrote += 1024;
          response.write(Buffer.alloc(1024));
        }, 20);
        response.on("close", () => clearInterval(timer));
      });
      try {
        const error = await refusal(safeFetch(`http://127.0.0.1:${host.port}/`, { maxBytes: 1024 * 1024, timeoutMs: 5000, allowHttp: true, allowedPrivateAddresses: ["127.0.0.1"] }));
        expect(error.reason).to.equal("too-large");
        expect(wrote).to.be.lessThan(64 * 1024);
      } finally {
        await host.close();
      }
    });

    it("gives up on a slow answer at the deadline", async function () {
      const host = await startTestHost((_request, response) => {
        response.setHeader("content-type", "application/json");
        response.write("{");
        const timer = setInterval(() => response.write(" "), 100); // a byte now and then, never done
        response.on("close", () => clearInterval(timer));
      });
      try {
        const started = Date.now();
        const error = await refusal(safeFetch(`http://127.0.0.1:${host.port}/`, { ...base, timeoutMs: 600, allowHttp: true, allowedPrivateAddresses: ["127.0.0.1"] }));
        expect(error.reason).to.equal("timeout");
        expect(error.message).to.equal(`127.0.0.1:${host.port} did not answer within 600 ms`);
        expect(Date.now() - started).to.be.lessThan(3000);
      } finally {
        await host.close();
      }
    });

    it("gives up on a host that accepts the connection and never answers", async function () {
      const server = net.createServer(() => undefined);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const port = (server.address() as AddressInfo).port;
      try {
        const error = await refusal(safeFetch(`https://127.0.0.1:${port}/`, { ...base, timeoutMs: 500, allowedPrivateAddresses: ["127.0.0.1"] }));
        expect(error.reason).to.equal("timeout");
      } finally {
        server.close();
      }
    });

    it("refuses an answer cut short of its content-length", async function () {
      const server = net.createServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":1}"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const port = (server.address() as AddressInfo).port;
      try {
        const error = await refusal(safeFetch(`http://127.0.0.1:${port}/`, { ...base, allowHttp: true, allowedPrivateAddresses: ["127.0.0.1"] }));
        expect(error.reason).to.equal("network");
        expect(error.message).to.equal(`the answer from 127.0.0.1:${port} broke off`);
      } finally {
        server.close();
      }
    });

    it("gives up on a name that never resolves", async function () {
      const error = await refusal(safeFetch("https://slow-dns.example/", { ...base, timeoutMs: 300, lookup: () => new Promise(() => undefined) }));
      expect(error.reason).to.equal("timeout");
    });
  });

  describe("errors never echo the answer", function () {
    it("says a broken HTTP answer broke without quoting it", async function () {
      const server = net.createServer((socket) => socket.end("HTTP/1.1 200 OK\r\nX-Leak: SECRET-TOKEN-123\u0000\r\n\r\nSECRET-TOKEN-123"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const port = (server.address() as AddressInfo).port;
      try {
        const error = await refusal(safeFetch(`http://127.0.0.1:${port}/`, { ...base, allowHttp: true, allowedPrivateAddresses: ["127.0.0.1"] }));
        expect(error.reason).to.equal("network");
        expect(error.message).to.not.contain("SECRET");
      } finally {
        server.close();
      }
    });

    it("a document fetcher refuses non-JSON and non-200 answers in its own words", async function () {
      const host = await startTestHost((request, response) => {
        response.statusCode = request.url === "/missing" ? 404 : 200;
        response.end("SECRET-TOKEN-123 <html>");
      });
      try {
        const fetchDocument = createSafeDocumentFetcher({ allowHttp: true, allowedPrivateAddresses: ["127.0.0.1"] });
        const notJson = await refusal(fetchDocument(`http://127.0.0.1:${host.port}/did.json`));
        expect(notJson.message).to.equal(`127.0.0.1:${host.port} did not answer JSON`);
        const missing = await refusal(fetchDocument(`http://127.0.0.1:${host.port}/missing`));
        expect(missing.reason).to.equal("http-status");
        expect(missing.message).to.equal(`127.0.0.1:${host.port} answered HTTP 404`);
      } finally {
        await host.close();
      }
    });
  });
});
