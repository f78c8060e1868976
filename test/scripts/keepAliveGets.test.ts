/**
 * The semester bench's GET client: answers come back whole and to the right caller over a few
 * reused connections; a connection the server closed for idleness is reconnected and the GET
 * sent once more; anything it does not understand (chunked bodies, bytes past the answer, a
 * connection cut mid-answer) is an error, never a guess.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { KeepAliveGets, KeepAliveProtocolError } from "../../scripts/bench/keepAliveGets";

/**
 * Runs `test` with a client of `connections` keep-alive connections to `server` (listening on a
 * free loopback port for the test), then closes both.
 */
async function against(server: net.Server, connections: number, test: (gets: KeepAliveGets, origin: URL) => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const gets = new KeepAliveGets(origin, connections);
  try {
    await test(gets, origin);
  } finally {
    gets.close();
    if (server instanceof http.Server) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** What `promise` was rejected with, or undefined when it was fulfilled. */
function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** A raw TCP server that hands every chunk of request bytes it reads to `onRequest` (one request per chunk in these tests). */
function rawServer(onRequest: (socket: net.Socket, request: string) => void): net.Server {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("data", (data) => onRequest(socket, data.toString("latin1")));
  });
  server.on("close", () => sockets.forEach((s) => s.destroy()));
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) => {
    sockets.forEach((s) => s.destroy());
    return close(callback);
  };
  return server;
}

describe("bench GET client (keep-alive connections)", function () {
  this.timeout(20_000);

  it("answers hundreds of GETs, each with its own body and status, over at most the connections it was given", async () => {
    const connections = new Set<net.Socket>();
    const server = http.createServer((req, res) => {
      connections.add(req.socket);
      if (req.url === "/missing") {
        res.writeHead(404, { "content-type": "text/plain" }).end("no such thing");
        return;
      }
      const body = JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null, text: "é ✓ ".repeat(2000) });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    });
    await against(server, 4, async (gets) => {
      const paths = Array.from({ length: 300 }, (_, i) => `/item/${i}?q=${i % 7}`);
      const answers = await Promise.all(paths.map((p) => gets.get(p, { authorization: "Bearer k" })));
      answers.forEach((answer, i) => {
        expect(answer.status).to.equal(200);
        const body = JSON.parse(answer.body);
        expect(body.path).to.equal(paths[i]);
        expect(body.auth).to.equal("Bearer k");
        expect(body.text).to.equal("é ✓ ".repeat(2000));
      });
      expect(await gets.get("/missing")).to.deep.equal({ status: 404, body: "no such thing" });
      expect(connections.size).to.be.at.most(4);
    });
  });

  it("reconnects when the server closed an idle connection, and sends the GET that met the closing once more", async () => {
    let served = 0;
    const server = http.createServer((_req, res) => {
      served++;
      res.writeHead(200, { "content-length": 2 }).end("ok");
    });
    server.keepAliveTimeout = 50;
    await against(server, 1, async (gets) => {
      expect((await gets.get("/a")).body).to.equal("ok");
      await new Promise((resolve) => setTimeout(resolve, 300)); // the server closes the idle connection
      expect((await gets.get("/b")).body).to.equal("ok");
      expect(served).to.equal(2);
    });
  });

  it("sends a GET once more on a new connection when its connection closes before any byte of the answer", async () => {
    const seen: string[] = [];
    const server = rawServer((socket, request) => {
      const path = request.split(" ")[1]!;
      seen.push(path);
      const perConnection = ((socket as net.Socket & { served?: number }).served = ((socket as net.Socket & { served?: number }).served ?? 0) + 1);
      if (perConnection === 2) return void socket.destroy(); // closing as the second request arrives
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${path.length}\r\n\r\n${path}`);
    });
    await against(server, 1, async (gets) => {
      expect((await gets.get("/a")).body).to.equal("/a");
      expect((await gets.get("/b")).body).to.equal("/b");
      expect(seen).to.deep.equal(["/a", "/b", "/b"]);
    });
  });

  it("gives up on a GET whose connection closed before an answer twice", async () => {
    let requests = 0;
    const server = rawServer((socket) => {
      requests++;
      socket.destroy();
    });
    await against(server, 1, async (gets) => {
      const error = await failureOf(gets.get("/never"));
      expect((error as Error).message).to.match(/closed twice before an answer/);
      expect(requests).to.equal(2);
    });
  });

  it("puts an answer together from pieces that arrive one by one, with a Content-Length or chunked", async () => {
    const body = '{"pieces":"' + "x".repeat(5000) + '"}';
    const chunkedBody = [body.slice(0, 1000), body.slice(1000, 1001), body.slice(1001)].map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join("") + "0\r\n\r\n";
    let request = 0;
    const server = rawServer((socket) => {
      const answer =
        request++ % 2 === 0
          ? `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
          : `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunkedBody}`;
      let at = 0;
      const step = () => {
        if (at >= answer.length) return;
        socket.write(answer.slice(at, at + 7 + (at % 13)));
        at += 7 + (at % 13);
        setImmediate(step);
      };
      step();
    });
    await against(server, 1, async (gets) => {
      expect(await gets.get("/slow")).to.deep.equal({ status: 200, body });
      expect(await gets.get("/slow-chunked")).to.deep.equal({ status: 200, body });
      expect(await gets.get("/slow-again")).to.deep.equal({ status: 200, body });
    });
  });

  it("opens a new connection after an answer that says Connection: close", async () => {
    let accepted = 0;
    const server = rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye"));
    server.on("connection", () => accepted++);
    await against(server, 1, async (gets) => {
      expect((await gets.get("/1")).body).to.equal("bye");
      expect((await gets.get("/2")).body).to.equal("bye");
      expect(accepted).to.equal(2);
    });
  });

  for (const [what, answer] of [
    ["a transfer coding other than chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"],
    ["both a Content-Length and a chunked body", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"],
    ["a malformed chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"],
    ["a chunk longer than it said", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n"],
    ["bytes past the last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nHTTP"],
    ["an answer without Content-Length", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nabc"],
    ["bytes past the end of the answer", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\n"],
    ["a status line that is not HTTP/1.1", "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc"],
  ] as const) {
    it(`refuses ${what}`, async () => {
      const server = rawServer((socket) => socket.write(answer));
      await against(server, 1, async (gets) => {
        const error = await failureOf(gets.get("/odd"));
        expect(error).to.be.instanceOf(KeepAliveProtocolError);
      });
    });
  }

  it("goes on with the GETs waiting behind one that failed", async () => {
    let request = 0;
    const server = rawServer((socket) => {
      if (request++ === 0) socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nno length");
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    await against(server, 1, async (gets) => {
      const [first, second, third] = await Promise.all(["/1", "/2", "/3"].map((p) => gets.get(p).then((answer) => answer, (error: unknown) => error)));
      expect(first).to.be.instanceOf(KeepAliveProtocolError);
      expect(second).to.deep.equal({ status: 200, body: "ok" });
      expect(third).to.deep.equal({ status: 200, body: "ok" });
    });
  });

  it("refuses an answer cut off mid-body, naming how much arrived, and is not sent again", async () => {
    let requests = 0;
    const server = rawServer((socket) => {
      requests++;
      socket.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
    });
    await against(server, 1, async (gets) => {
      const error = await failureOf(gets.get("/cut"));
      expect(error).to.be.instanceOf(KeepAliveProtocolError);
      expect((error as Error).message).to.match(/after \d+ bytes of the answer/);
      expect(requests).to.equal(1);
    });
  });

  it("fails a GET to a port nobody listens on after one retry, with the cause", async () => {
    const server = net.createServer();
    let origin: URL | undefined;
    await against(server, 1, async (_gets, at) => {
      origin = at;
    });
    const gets = new KeepAliveGets(origin!, 1); // the server is closed now
    try {
      expect(((await failureOf(gets.get("/nobody"))) as Error).message).to.match(/ECONNREFUSED/);
    } finally {
      gets.close();
    }
  });

  it("rejects the GETs still waiting when it is closed, and every GET after", async () => {
    await against(rawServer(() => undefined /* never answers */), 1, async (gets) => {
      const first = failureOf(gets.get("/1"));
      const second = failureOf(gets.get("/2"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      gets.close();
      expect(await second).to.be.instanceOf(Error);
      expect(await first).to.be.instanceOf(Error);
      expect(await failureOf(gets.get("/3"))).to.be.instanceOf(Error);
    });
  });

  it("refuses request paths and headers that would break the request", async () => {
    const gets = new KeepAliveGets(new URL("http://127.0.0.1:9"), 1);
    try {
      expect(((await failureOf(gets.get("/a b"))) as Error).message).to.match(/not a request path/);
      expect(((await failureOf(gets.get("a"))) as Error).message).to.match(/not a request path/);
      expect(((await failureOf(gets.get("/a", { x: "1\r\nInjected: yes" }))) as Error).message).to.match(/line break/);
    } finally {
      gets.close();
    }
  });
});
