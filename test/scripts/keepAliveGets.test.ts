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

async function listening<T extends net.Server>(server: T): Promise<{ server: T; origin: URL; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: new URL(`http://127.0.0.1:${port}`),
    close: () =>
      new Promise<void>((resolve) => {
        if (server instanceof http.Server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A raw TCP server answering every request it reads with `answer(request text)` written by `write`. */
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
    const { origin, close } = await listening(server);
    const gets = new KeepAliveGets(origin, 4);
    try {
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
    } finally {
      gets.close();
      await close();
    }
  });

  it("reconnects when the server closed an idle connection, and sends the GET that met the closing once more", async () => {
    let served = 0;
    const server = http.createServer((_req, res) => {
      served++;
      res.writeHead(200, { "content-length": 2 }).end("ok");
    });
    server.keepAliveTimeout = 50;
    const { origin, close } = await listening(server);
    const gets = new KeepAliveGets(origin, 1);
    try {
      expect((await gets.get("/a")).body).to.equal("ok");
      await new Promise((resolve) => setTimeout(resolve, 300)); // the server closes the idle connection
      expect((await gets.get("/b")).body).to.equal("ok");
      expect(served).to.equal(2);
    } finally {
      gets.close();
      await close();
    }
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
    const { origin, close } = await listening(server);
    const gets = new KeepAliveGets(origin, 1);
    try {
      expect((await gets.get("/a")).body).to.equal("/a");
      expect((await gets.get("/b")).body).to.equal("/b");
      expect(seen).to.deep.equal(["/a", "/b", "/b"]);
    } finally {
      gets.close();
      await close();
    }
  });

  it("gives up on a GET whose connection closed before an answer twice", async () => {
    let requests = 0;
    const server = rawServer((socket) => {
      requests++;
      socket.destroy();
    });
    const { origin, close } = await listening(server);
    const gets = new KeepAliveGets(origin, 1);
    try {
      const error = await gets.get("/never").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as Error).message).to.match(/closed twice before an answer/);
      expect(requests).to.equal(2);
    } finally {
      gets.close();
      await close();
    }
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
    const { origin, close } = await listening(server);
    const gets = new KeepAliveGets(origin, 1);
    try {
      expect(await gets.get("/slow")).to.deep.equal({ status: 200, body });
      expect(await gets.get("/slow-chunked")).to.deep.equal({ status: 200, body });
      expect(await gets.get("/slow-again")).to.deep.equal({ status: 200, body });
    } finally {
      gets.close();
      await close();
    }
  });

  it("opens a new connection after an answer that says Connection: close", async () => {
    let accepted = 0;
    const server = rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye"));
    server.on("connection", () => accepted++);
    const { origin, close } = await listening(server);
    const gets = new KeepAliveGets(origin, 1);
    try {
      expect((await gets.get("/1")).body).to.equal("bye");
      expect((await gets.get("/2")).body).to.equal("bye");
      expect(accepted).to.equal(2);
    } finally {
      gets.close();
      await close();
    }
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
      const { origin, close } = await listening(server);
      const gets = new KeepAliveGets(origin, 1);
      try {
        const error = await gets.get("/odd").then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(KeepAliveProtocolError);
      } finally {
        gets.close();
        await close();
      }
    });
  }

  it("goes on with the GETs waiting behind one that failed", async () => {
    let request = 0;
    const server = rawServer((socket) => {
      if (request++ === 0) socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nno length");
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    const { origin, close } = await listening(server);
    const gets = new KeepAliveGets(origin, 1);
    try {
      const [first, second, third] = await Promise.all(["/1", "/2", "/3"].map((p) => gets.get(p).catch((e: Error) => e)));
      expect(first).to.be.instanceOf(KeepAliveProtocolError);
      expect(second).to.deep.equal({ status: 200, body: "ok" });
      expect(third).to.deep.equal({ status: 200, body: "ok" });
    } finally {
      gets.close();
      await close();
    }
  });

  it("refuses an answer cut off mid-body, naming how much arrived, and is not sent again", async () => {
    let requests = 0;
    const server = rawServer((socket) => {
      requests++;
      socket.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
    });
    const { origin, close } = await listening(server);
    const gets = new KeepAliveGets(origin, 1);
    try {
      const error = await gets.get("/cut").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(KeepAliveProtocolError);
      expect((error as Error).message).to.match(/after \d+ bytes of the answer/);
      expect(requests).to.equal(1);
    } finally {
      gets.close();
      await close();
    }
  });

  it("fails a GET to a port nobody listens on after one retry, with the cause", async () => {
    const { origin, close } = await listening(net.createServer());
    await close();
    const gets = new KeepAliveGets(origin, 1);
    try {
      const error = await gets.get("/nobody").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as Error).message).to.match(/ECONNREFUSED/);
    } finally {
      gets.close();
    }
  });

  it("rejects the GETs still waiting when it is closed, and every GET after", async () => {
    const server = rawServer(() => undefined); // never answers
    const { origin, close } = await listening(server);
    const gets = new KeepAliveGets(origin, 1);
    try {
      const first = gets.get("/1").catch((e: Error) => e);
      const second = gets.get("/2").catch((e: Error) => e);
      await new Promise((resolve) => setTimeout(resolve, 50));
      gets.close();
      expect(await second).to.be.instanceOf(Error);
      expect(await first).to.be.instanceOf(Error);
      expect(await gets.get("/3").catch((e: Error) => e)).to.be.instanceOf(Error);
    } finally {
      await close();
    }
  });

  it("refuses request paths and headers that would break the request", async () => {
    const gets = new KeepAliveGets(new URL("http://127.0.0.1:9"), 1);
    try {
      expect(await gets.get("/a b").catch((e: Error) => e.message)).to.match(/not a request path/);
      expect(await gets.get("a").catch((e: Error) => e.message)).to.match(/not a request path/);
      expect(await gets.get("/a", { x: "1\r\nInjected: yes" }).catch((e: Error) => e.message)).to.match(/line break/);
    } finally {
      gets.close();
    }
  });
});
