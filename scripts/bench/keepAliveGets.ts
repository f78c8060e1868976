/**
 * GETs over a fixed set of keep-alive HTTP/1.1 connections, one request in flight on each (no
 * pipelining: what many verifiers and wallets fetching at once look like to the server).
 *
 * The semester bench makes a million GETs, and on a 2-core machine its client shares the cores
 * with the server it measures: every microsecond the client spends per answer is taken from the
 * server. This client does only what the bench needs (a status line, `Content-Length` bodies, a
 * connection the server closes) and costs less per request than a general-purpose client.
 * Anything else it meets (chunked bodies, bytes past the answer, a malformed head) is an error,
 * never a guess.
 */
import net from "node:net";

export interface GetAnswer {
  status: number;
  body: string;
}

/** The server broke the exchange: a malformed answer, or the connection gone mid-answer. */
export class KeepAliveProtocolError extends Error {
  override readonly name = "KeepAliveProtocolError";
}

interface PendingGet {
  path: string;
  head: string;
  resolve: (answer: GetAnswer) => void;
  reject: (error: Error) => void;
  /** Sent once already on a connection that closed before any byte of its answer came back. */
  resent: boolean;
}

const HEAD_END = Buffer.from("\r\n\r\n");
const STATUS_LINE = /^HTTP\/1\.1 (\d{3})[^\r\n]*\r\n/;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?=\r\n|$)/i;
const TRANSFER_ENCODING = /\r\ntransfer-encoding:[ \t]*([^\r\n]*?)[ \t]*(?=\r\n|$)/i;
const CHUNK_SIZE = /^([0-9a-fA-F]{1,8})(?:;[^\r\n]*)?$/;
const CRLF = Buffer.from("\r\n");
const CONNECTION_CLOSE = /\r\nconnection:[ \t]*close[ \t]*(?=\r\n|$)/i;
/** An answer head larger than this is refused rather than buffered without end. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * The body of a chunked answer starting at `from`: "incomplete" while more bytes are due, a
 * reason when the chunks are malformed or bytes follow the last one. Trailers are refused.
 */
function dechunk(bytes: Buffer, from: number): { body: string } | "incomplete" | string {
  const pieces: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = bytes.indexOf(CRLF, at);
    if (lineEnd < 0) return bytes.length - at > 1024 ? "a chunk size line longer than 1 KiB" : "incomplete";
    const size = CHUNK_SIZE.exec(bytes.toString("latin1", at, lineEnd));
    if (size === null) return `a malformed chunk size line ${JSON.stringify(bytes.toString("latin1", at, Math.min(lineEnd, at + 40)))}`;
    const length = parseInt(size[1]!, 16);
    const dataEnd = lineEnd + CRLF.length + length;
    if (bytes.length < dataEnd + CRLF.length) return "incomplete";
    if (bytes[dataEnd] !== 0x0d || bytes[dataEnd + 1] !== 0x0a) return "a chunk not followed by CRLF (trailers are not read)";
    if (length === 0) {
      if (bytes.length > dataEnd + CRLF.length) return `${bytes.length - dataEnd - CRLF.length} bytes past the end of the answer`;
      return { body: Buffer.concat(pieces).toString("utf8") };
    }
    pieces.push(bytes.subarray(lineEnd + CRLF.length, dataEnd));
    at = dataEnd + CRLF.length;
  }
}

/** One keep-alive connection: sends a GET, reads its answer, then takes the next. */
class Connection {
  private socket: net.Socket | null = null;
  private current: PendingGet | null = null;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private lastError: Error | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly next: () => PendingGet | undefined,
    private readonly requeue: (get: PendingGet) => void,
  ) {}

  get busy(): boolean {
    return this.current !== null;
  }

  start(get: PendingGet): void {
    this.current = get;
    this.received = [];
    this.receivedBytes = 0;
    this.connected().write(get.head);
  }

  /** Closes the connection; a GET in flight on it is rejected. */
  close(): void {
    const get = this.current;
    this.current = null;
    this.socket?.destroy();
    this.socket = null;
    get?.reject(new Error(`GET ${get.path}: the client was closed`));
  }

  private connected(): net.Socket {
    if (this.socket !== null && !this.socket.destroyed) return this.socket;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => {
      this.lastError = error; // "close" follows and settles the request
    });
    socket.on("close", () => this.onClose(socket));
    this.socket = socket;
    return socket;
  }

  private onData(chunk: Buffer): void {
    const get = this.current;
    if (get === null) return this.fail(new KeepAliveProtocolError(`${chunk.length} bytes arrived with no request waiting`));
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    const bytes = this.received.length === 1 ? chunk : Buffer.concat(this.received, this.receivedBytes);
    this.received = [bytes];
    const headEnd = bytes.indexOf(HEAD_END);
    if (headEnd < 0) {
      if (bytes.length > MAX_HEAD_BYTES) this.fail(new KeepAliveProtocolError(`GET ${get.path}: no end of the answer's head in ${bytes.length} bytes`));
      return;
    }
    const head = bytes.toString("latin1", 0, headEnd);
    const status = STATUS_LINE.exec(head);
    const length = CONTENT_LENGTH.exec(head);
    const encoding = TRANSFER_ENCODING.exec(head);
    const chunked = encoding !== null && encoding[1]!.toLowerCase() === "chunked";
    if (status === null || (encoding !== null && !chunked) || (length === null) === !chunked) {
      return this.fail(new KeepAliveProtocolError(`GET ${get.path}: expected an HTTP/1.1 answer with a Content-Length or a chunked body, got ${JSON.stringify(head.slice(0, 200))}`));
    }
    const bodyStart = headEnd + HEAD_END.length;
    let body: string;
    if (chunked) {
      const chunks = dechunk(bytes, bodyStart);
      if (chunks === "incomplete") return;
      if (typeof chunks === "string") return this.fail(new KeepAliveProtocolError(`GET ${get.path}: ${chunks}`));
      body = chunks.body;
    } else {
      const bodyEnd = bodyStart + Number(length![1]);
      if (bytes.length < bodyEnd) return;
      if (bytes.length > bodyEnd) return this.fail(new KeepAliveProtocolError(`GET ${get.path}: ${bytes.length - bodyEnd} bytes past the end of the answer`));
      body = bytes.toString("utf8", bodyStart, bodyEnd);
    }
    const answer = { status: Number(status[1]), body };
    this.current = null;
    this.received = [];
    if (CONNECTION_CLOSE.test(head)) this.close();
    get.resolve(answer);
    this.takeNext();
  }

  /** Starts the next waiting GET, if any, on this (idle) connection. */
  private takeNext(): void {
    const following = this.next();
    if (following !== undefined) this.start(following);
  }

  private onClose(socket: net.Socket): void {
    if (socket !== this.socket) return;
    this.socket = null;
    const get = this.current;
    if (get === null) return;
    this.current = null;
    // A keep-alive connection the server closed for idleness as the request went out: nothing
    // of the answer came back, and a GET may be sent again, once.
    if (this.receivedBytes === 0 && !get.resent) {
      get.resent = true;
      return this.requeue(get);
    }
    const why = this.lastError === null ? "" : ` (${this.lastError.message})`;
    get.reject(new KeepAliveProtocolError(`GET ${get.path}: the connection closed ${this.receivedBytes === 0 ? "twice before an answer" : `after ${this.receivedBytes} bytes of the answer`}${why}`));
    this.takeNext();
  }

  private fail(error: Error): void {
    const get = this.current;
    this.current = null;
    this.received = [];
    this.receivedBytes = 0;
    this.close();
    get?.reject(error);
    this.takeNext();
  }
}

/** GETs to one origin over at most `connections` keep-alive connections, queued in order beyond that. */
export class KeepAliveGets {
  private readonly connections: Connection[];
  private readonly waiting: PendingGet[] = [];
  private waitingFrom = 0;
  private closed = false;
  private readonly hostHeader: string;

  constructor(origin: URL, connections: number) {
    if (origin.protocol !== "http:") throw new Error(`keep-alive GETs speak plain HTTP only, not ${origin.protocol}`);
    if (!Number.isSafeInteger(connections) || connections < 1) throw new Error(`connections must be a positive integer, got ${connections}`);
    const port = Number(origin.port || 80);
    this.hostHeader = origin.host;
    this.connections = Array.from({ length: connections }, () => new Connection(origin.hostname, port, () => this.dequeue(), (get) => this.enqueue(get)));
  }

  get(path: string, headers: Record<string, string> = {}): Promise<GetAnswer> {
    if (!path.startsWith("/") || /[\s]/.test(path)) return Promise.reject(new Error(`not a request path: ${JSON.stringify(path)}`));
    let head = `GET ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) return Promise.reject(new Error(`header ${JSON.stringify(name)} holds a line break`));
      head += `${name}: ${value}\r\n`;
    }
    head += "\r\n";
    return new Promise((resolve, reject) => this.enqueue({ path, head, resolve, reject, resent: false }));
  }

  close(): void {
    this.closed = true;
    for (const connection of this.connections) connection.close();
    const abandoned = this.waiting.slice(this.waitingFrom);
    this.waiting.length = 0;
    this.waitingFrom = 0;
    for (const get of abandoned) get.reject(new Error(`GET ${get.path}: the client was closed`));
  }

  private enqueue(get: PendingGet): void {
    if (this.closed) return get.reject(new Error(`GET ${get.path}: the client was closed`));
    const idle = this.connections.find((c) => !c.busy);
    if (idle !== undefined) idle.start(get);
    else this.waiting.push(get);
  }

  private dequeue(): PendingGet | undefined {
    if (this.waitingFrom >= this.waiting.length) return undefined;
    const get = this.waiting[this.waitingFrom++]!;
    if (this.waitingFrom > 1024 && this.waitingFrom * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingFrom);
      this.waitingFrom = 0;
    }
    return get;
  }
}
