/**
 * A local HTTPS host with a certificate from a test CA made for this run (openssl CLI), so code
 * that fetches over https can be tested against a real TLS handshake without disabling checks.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";

export interface TestCa {
  /** The CA certificate (PEM) a client must trust. */
  caPem: string;
  /** A server key and certificate for `hostnames` (and 127.0.0.1, ::1), signed by the CA. */
  key: string;
  cert: string;
}

/** Makes a CA and one server certificate for `hostnames` in a temporary folder (removed after). */
export function createTestCa(hostnames: readonly string[]): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-ca-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=credanchor test CA",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${hostnames[0] ?? "localhost"}`);
    const altNames = [...hostnames.map((name) => `DNS:${name}`), "IP:127.0.0.1", "IP:::1"].join(",");
    fs.writeFileSync(path.join(dir, "ext.cnf"), `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf");
    const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
    return { caPem: read("ca.pem"), key: read("server.key"), cert: read("server.pem") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface TestHost {
  port: number;
  /** Requests the host received, by path. */
  hits: string[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (https when `tls` is given) and counts every request. */
export async function startTestHost(handler: http.RequestListener, tls?: Pick<TestCa, "key" | "cert">, host = "127.0.0.1"): Promise<TestHost> {
  const hits: string[] = [];
  const listener: http.RequestListener = (request, response) => {
    hits.push(request.url ?? "");
    handler(request, response);
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
