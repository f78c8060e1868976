/**
 * The HTTP app with its edges injected (STYLE rule 11): store, chain, clock, config and
 * signer come from the caller, so main.ts wires the real ones and tests their own.
 */
import fs from "node:fs";
import path from "node:path";
import type http from "node:http";
import express from "express";
import type { Chain } from "./chain/Chain";
import { systemClock, type Clock } from "./clock";
import type { ServerConfig } from "./config";
import type { AppContext } from "./context";
import { createSecretBox } from "./crypto/secretBox";
import { createAuthenticator } from "./http/auth";
import { credentialFastPath } from "./http/credentialFastPath";
import { errorMiddleware, notFound } from "./http/errors";
import { Readiness, sqliteWriteProbe } from "./health";
import { createLogger, type Logger } from "./log";
import { Metrics } from "./metrics";
import type { AwardNotifier } from "./notifier";
import { achievementsRouter } from "./routes/achievements";
import { batchesRouter } from "./routes/batches";
import { credentialsRouter } from "./routes/credentials";
import { issuersRouter } from "./routes/issuers";
import { statusListsRouter } from "./routes/statusLists";
import { systemRouter } from "./routes/system";
import type { Signer } from "./signing/Signer";
import type { Store } from "./store/Store";
import { BatchWorker, type WorkerPausePoint } from "./worker/batchWorker";
import { StatusWriter } from "./worker/statusWriter";

export interface AppDeps {
  store: Store;
  chain: Chain;
  clock?: Clock;
  config: ServerConfig;
  signer: Signer;
  notifier?: AwardNotifier;
  log?: Logger;
  metrics?: Metrics;
  /** Test hook (crash tests): the batch worker stops for good at this state. */
  workerPauseAt?: WorkerPausePoint;
  /** Readiness checks; main.ts passes one that knows the embedded chain process. */
  readiness?: (parts: { batchWorker: BatchWorker }) => Readiness;
}

export interface CredanchorApp {
  app: express.Express;
  /**
   * What the HTTP server runs: the credential GET fast path, then the express app for
   * everything else. Serve this, not `app`.
   */
  requestListener: http.RequestListener;
  context: AppContext;
  /** Starts the batching worker and the status writer. */
  startWorkers(): void;
  /** Stops the workers (the store, chain and signer belong to the caller). */
  stop(): Promise<void>;
}

export function createApp(deps: AppDeps): CredanchorApp {
  const log = deps.log ?? createLogger(deps.config.logLevel);
  const clock = deps.clock ?? systemClock;
  const metrics = deps.metrics ?? new Metrics();
  metrics.observeStore(deps.store);
  const workerDeps = { store: deps.store, chain: deps.chain, clock, config: deps.config, log, metrics };
  const batchWorker = new BatchWorker({ ...workerDeps, ...(deps.workerPauseAt ? { pauseAt: deps.workerPauseAt } : {}) });
  const workerLagSeconds = () => (batchWorker.lastPassEndedAt === undefined ? undefined : (Date.now() - batchWorker.lastPassEndedAt) / 1000);
  metrics.observeWorkerLag(workerLagSeconds);
  const readiness =
    deps.readiness?.({ batchWorker }) ??
    new Readiness({
      chain: deps.chain,
      dataDir: deps.config.dataDir,
      probeDatabaseWrite: defaultWriteProbe(deps.store),
      workerLagSeconds,
    });
  const context: AppContext = {
    store: deps.store,
    chain: deps.chain,
    clock,
    config: deps.config,
    signer: deps.signer,
    notifier: deps.notifier,
    box: createSecretBox(deps.config.keyEncryptionSecret),
    log,
    metrics,
    readiness,
    authenticate: createAuthenticator(deps.store, deps.config.adminApiKey),
    batchWorker,
    statusWriter: new StatusWriter(workerDeps),
    // In a worker thread: checking signatures would otherwise hold the event loop.
    verify: async (credentials) =>
      (await deps.signer.verifyCredentials({
        credentials,
        rpcUrls: [deps.chain.rpcUrl],
        registry: { [deps.chain.chainId]: deps.chain.registry },
        confirmations: deps.config.confirmations,
        now: clock.now().toISOString(),
      })) as Awaited<ReturnType<AppContext["verify"]>>,
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use((req, res, next) => {
    const startedAt = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
      log[res.statusCode >= 500 ? "error" : "debug"]({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) }, "request");
    });
    next();
  });
  app.use(express.json({ limit: deps.config.bodyLimit, strict: true }));
  app.use(systemRouter(context));
  app.use(issuersRouter(context));
  app.use(achievementsRouter(context));
  app.use(credentialsRouter(context));
  app.use(batchesRouter(context));
  app.use(statusListsRouter(context));
  mountOptionalRouter(app, context, path.join(__dirname, "routes", "learner", "index"), "createLearnerRouter");
  mountOptionalRouter(app, context, path.join(__dirname, "web", "index"), "createWebRouter");
  app.use((req, _res, next) => next(notFound(`no route ${req.method} ${req.path}`)));
  app.use(errorMiddleware(log));

  const fastPath = credentialFastPath(deps.store, log);
  return {
    app,
    requestListener: (req, res) => {
      const startedAt = process.hrtime.bigint();
      let viaExpress = false;
      res.once("finish", () => {
        const route = viaExpress ? routeLabel(req as unknown as express.Request) : "GET /api/v1/credentials/:id (fast path)";
        metrics.observeHttp(req.method ?? "?", route, res.statusCode, Number(process.hrtime.bigint() - startedAt) / 1e9);
      });
      fastPath(req, res, () => {
        viaExpress = true;
        app(req, res);
      });
    },
    context,
    startWorkers() {
      context.batchWorker.start();
      context.statusWriter.start();
    },
    async stop() {
      await Promise.all([context.batchWorker.stop(), context.statusWriter.stop()]);
    },
  };
}

/** The route pattern that answered (bounded label values), or "unmatched". */
function routeLabel(req: express.Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (!route || route.path === undefined) return "unmatched";
  const pattern = Array.isArray(route.path) ? route.path.join("|") : String(route.path);
  return `${req.baseUrl ?? ""}${pattern}`;
}

function defaultWriteProbe(store: Store): () => void {
  const db = (store as { db?: Parameters<typeof sqliteWriteProbe>[0] }).db;
  return db ? sqliteWriteProbe(db) : () => store.transaction(() => undefined);
}

/**
 * The learner routes and web pages are another team's modules: mounted when present, with
 * the app's context as their deps (it satisfies their LearnerDeps).
 */
function mountOptionalRouter(app: express.Express, context: AppContext, modulePath: string, factory: string): void {
  const exists = [".ts", ".js"].some((ext) => fs.existsSync(`${modulePath}${ext}`));
  if (!exists) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(modulePath) as Record<string, (deps: unknown) => express.Router>;
  const create = module[factory];
  if (typeof create !== "function") {
    context.log.warn({ modulePath, factory }, "optional router module does not export its factory; not mounted");
    return;
  }
  app.use(
    create({
      ...context,
      verifyCredentials: (credentials: unknown[]) => context.verify(credentials),
    }),
  );
}
