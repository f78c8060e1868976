/**
 * What the browser tests run against: a real `npm start` server process (ts-node server/main.ts)
 * on free ports, over a Hardhat JSON-RPC node the test starts itself, so the server can be
 * stopped while the chain stays up (the static verify page must work without the server).
 * Chromium is Debian's (/usr/bin/chromium) driven by playwright-core, with a fresh profile.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect } from "chai";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startLocalNode, type LocalNode } from "../../server/chain/localNode";
import { freePort } from "../../scripts/lib/freePort";
import { eventually } from "../helpers/eventually";


export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const SCREENSHOT_DIR = path.join(REPO_ROOT, "test-output", "screenshots");
export const DOWNLOAD_DIR = path.join(REPO_ROOT, "test-output", "downloads");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface RunningServer {
  baseUrl: string;
  rpcUrl: string;
  adminKey: string;
  dataDir: string;
  stop(): Promise<void>;
  log(): string;
}

export async function startChain(): Promise<LocalNode> {
  return startLocalNode(await freePort(), { log: () => undefined });
}

export async function startServer(chain: LocalNode, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-browser-"));
  const adminKey = `ca_admin_browser_${port}`;
  const chainPort = new URL(chain.rpcUrl).port;
  const tsNode = require.resolve("ts-node/dist/bin.js", { paths: [REPO_ROOT] });
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [tsNode, "--transpile-only", "server/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      // The repository's deployments/localhost.json belongs to `npm start`'s chain, not this one.
      DEPLOYMENTS_DIR: path.join(dataDir, "deployments"),
      CHAIN_PORT: chainPort,
      ADMIN_API_KEY: adminKey,
      CONFIRMATIONS: "1",
      BATCH_MAX_AGE_SECONDS: "3600",
      WORKER_INTERVAL_MS: "200",
      LOG_LEVEL: "warn",
      // The tests read claim and sign-in links from the local outbox (served to loopback only).
      DEV_OUTBOX: "1",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.on("exit", () => (exited = true));
  const baseUrl = `http://127.0.0.1:${port}`;
  await eventually(
    "the server to answer /healthz",
    async () => {
      if (exited) throw new Error(`server exited:\n${output}`);
      const response = await fetch(`${baseUrl}/healthz`);
      return response.ok ? true : undefined;
    },
    180_000,
  );
  return {
    baseUrl,
    rpcUrl: chain.rpcUrl,
    adminKey,
    dataDir,
    log: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export async function api<T = any>(baseUrl: string, method: string, route: string, key?: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH; never \`npx playwright install\``);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1180, height: 860 },
    locale: "en-US",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
      "--allow-file-access-from-files",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A small PNG (a filled circle on a transparent square) as a data URL, drawn here so no image file is needed. */
export function badgePngDataUrl(rgb: [number, number, number]): string {
  const size = 64;
  const zlib = require("node:zlib") as typeof import("node:zlib");
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const inside = (x - 31.5) ** 2 + (y - 31.5) ** 2 < 30 ** 2;
      const ring = inside && (x - 31.5) ** 2 + (y - 31.5) ** 2 > 24 ** 2;
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = ring ? 255 : rgb[0];
      raw[o + 1] = ring ? 200 : rgb[1];
      raw[o + 2] = ring ? 60 : rgb[2];
      raw[o + 3] = inside ? 255 : 0;
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
  return `data:image/png;base64,${png.toString("base64")}`;
}

/**
 * axe at WCAG 2.1 AA plus heading order, one main landmark and one h1: each violation as
 * "rule: targets", none when the page passes.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const wcag = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const order = await new AxeBuilder({ page }).withRules(["heading-order", "page-has-heading-one", "landmark-one-main"]).analyze();
  return [...wcag.violations, ...order.violations].map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Fails the test when axe finds anything on the page (see axeViolations), naming the step. */
export async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  expect(await axeViolations(page), `axe at ${step}`).to.deep.equal([]);
}

/**
 * Where a test photographs the README's pictures (docs/screenshots/<sub>). A test run leaves
 * the committed pictures alone and writes under test-output/; `UPDATE_SCREENSHOTS=1` rewrites
 * the ones in docs.
 */
export function docsScreenshotDir(sub = ""): string {
  const root = process.env.UPDATE_SCREENSHOTS === "1" ? path.join(REPO_ROOT, "docs", "screenshots") : path.join(SCREENSHOT_DIR, "docs");
  const dir = path.join(root, sub);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Checks a console page with axe on a desktop and a phone viewport and photographs both as
 * `<name>-<lang>-desktop.png` and `<name>-<lang>-phone.png` in `dir`.
 */
export async function captureBothViewports(page: Page, dir: string, name: string, lang: "en" | "ko"): Promise<void> {
  await expectNoAxeViolations(page, `${name} (${lang})`);
  await page.screenshot({ path: path.join(dir, `${name}-${lang}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoAxeViolations(page, `${name} (${lang}, phone)`);
  await page.screenshot({ path: path.join(dir, `${name}-${lang}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1180, height: 860 });
}
