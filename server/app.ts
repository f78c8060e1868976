/**
 * The HTTP app with its edges injected (STYLE rule 11): store, chain, clock, config and
 * signer come from the caller, so main.ts wires the real ones and tests their own.
 */
import type http from "node:http";
import express from "express";
import { checkIssuerDomains, DID_CONFIGURATION_MAX_BYTES } from "../core/identity/checkIssuerDomains";
import { createSafeDocumentFetcher, type SafeFetchOptions } from "../core/node/safeFetch";
import type { BundleReport } from "../core/verify/report";
import type { Chain } from "./chain/Chain";
import { systemClock, type Clock } from "./clock";
import type { ServerConfig } from "./config";
import type { AppContext } from "./context";
import { createSecretBox } from "./crypto/secretBox";
import { createAuthenticator } from "./http/auth";
import { apiBodyParsing, bodyLimitsFor } from "./http/bodyParsing";
import { DEFAULT_ABUSE_LIMITS, MemoryRateLimiter, type AbuseLimits, type RateLimiter } from "./http/rateLimit";
import { securityHeaders } from "./http/securityHeaders";
import { credentialFastPath } from "./http/credentialFastPath";
import { errorMiddleware, notFound } from "./http/errors";
import { Readiness, databaseWriteProbe } from "./health";
import { createLogger, type Logger } from "./log";
import { claimReminderNoLongerOwed, createClaimNotifier } from "./mail/claimNotifier";
import type { Mailer } from "./mail/mailer";
import { Metrics } from "./metrics";
import type { AwardNotifier } from "./notifier";
import { achievementsRouter } from "./routes/achievements";
import { coIssuanceRouter } from "./routes/coIssuance";
import { coIssuanceS2sRouter } from "./routes/coIssuanceS2s";
import { CoIssuanceWorker } from "./coissue/worker";
import { batchesRouter } from "./routes/batches";
import { credentialsRouter } from "./routes/credentials";
import { issuersRouter } from "./routes/issuers";
import { statusListsRouter } from "./routes/statusLists";
import { stackingRouter } from "./routes/stacking";
import { flagAfterStatusChange } from "./services/stacking/engine";
import { WebhookWorker } from "./worker/webhookWorker";
import { stackedComponentsRouter } from "./web/stackedComponentsPage";
import { systemRouter } from "./routes/system";
import { createLearnerRouter, type LearnerDeps } from "./routes/learner";
import { applicationsRouter } from "./routes/applications";
import { createConsoleRouter } from "./routes/console";
import { createWebRouter } from "./web";
import { coIssuancePages } from "./web/coIssuancePages";
import type { Signer } from "./signing/Signer";
import type { IssuerRecord, Store } from "./store/Store";
import { issuerChainKey } from "./services/issuers";
import { learnerServices } from "./routes/learner/deps";
import { MailWorker, type MailRetryPolicy } from "./worker/mailWorker";
import { BatchWorker, type WorkerPausePoint } from "./worker/batchWorker";
import { StatusWriter } from "./worker/statusWriter";
import { AccreditorWriter } from "./worker/accreditorWriter";
import { createWorkerCluster } from "./cluster/workerCluster";
import { accreditorsRouter } from "./routes/accreditors";
import { AccreditorStore } from "./store/accreditors/AccreditorStore";
import { createAccreditorChain } from "./chain/accreditorChain";
import type { AccreditorDeps } from "./services/accreditors";
import { createRecordFetcher } from "./services/recordFetcher";
import { checkRecognitionRecords } from "../core/identity/checkRecognitionRecords";
import { RECOGNITION_RECORD_MAX_BYTES } from "../core/identity/recognitionRecord";

export interface AppDeps {
  store: Store;
  chain: Chain;
  clock?: Clock;
  config: ServerConfig;
  signer: Signer;
  /** What awards owe by mail; default: claim links (server/mail/claimNotifier). */
  notifier?: AwardNotifier;
  /** Mail transport; default: SMTP_URL, or the DATA_DIR/outbox folder. */
  mailer?: Mailer;
  mailRetry?: Partial<MailRetryPolicy>;
  log?: Logger;
  /** Where abuse limits are counted (in memory when absent; a shared store for several instances). */
  rateLimiter?: RateLimiter;
  /** Abuse limits of the learner side (DEFAULT_ABUSE_LIMITS when absent). */
  abuseLimits?: AbuseLimits;
  /** Tests only: how issuers' domains are fetched (a test CA, a local host). */
  fetchOptions?: Partial<SafeFetchOptions>;
  metrics?: Metrics;
  /** Test hook (crash tests): the batch worker stops for good at this state. */
  workerPauseAt?: WorkerPausePoint;
  /** Readiness checks; main.ts passes one that knows the embedded chain process. */
  readiness?: (parts: { workerLagSeconds: () => number | undefined }) => Readiness;
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
  const box = createSecretBox(deps.config.keyEncryptionSecret);
  // Several instances on one database (server/cluster): leases, and this instance's operator authorised per issuer.
  const cluster = deps.config.cluster ? createWorkerCluster({ cluster: deps.config.cluster, store: deps.store, chain: deps.chain, clock, box, log }) : undefined;
  const clusterDeps = cluster ? { leases: cluster.leases, ensureOperator: cluster.ensureOperator } : {};
  const workerDeps = { store: deps.store, chain: deps.chain, clock, config: deps.config, log, metrics, issuerChainKey: (issuer: IssuerRecord) => issuerChainKey(box, issuer) };
  const chainInfo = { chainId: deps.chain.chainId, registry: deps.chain.registry, isLocal: deps.chain.isLocal };
  const mailDeps = { store: deps.store, config: deps.config, chain: chainInfo, ...(deps.mailer ? { mailer: deps.mailer } : {}) };
  const batchWorker = new BatchWorker({ ...workerDeps, ...clusterDeps, ...(deps.workerPauseAt ? { pauseAt: deps.workerPauseAt } : {}) });
  const workerLagSeconds = () => (batchWorker.lastPassEndedAt === undefined ? undefined : (Date.now() - batchWorker.lastPassEndedAt) / 1000);
  metrics.observeWorkerLag(workerLagSeconds);
  const readiness =
    deps.readiness?.({ workerLagSeconds }) ??
    new Readiness({
      chain: deps.chain,
      dataDir: deps.config.dataDir,
      probeDatabaseWrite: defaultWriteProbe(deps.store),
      workerLagSeconds,
    });
  const issuerDocuments = createSafeDocumentFetcher(deps.fetchOptions);
  // Accreditors (issue 12): their store shares the SQLite database; their writes use their own keys.
  const accreditorDb = (deps.store as { db?: ConstructorParameters<typeof AccreditorStore>[0] }).db;
  const accreditorDeps: AccreditorDeps | undefined = accreditorDb
    ? {
        accreditors: new AccreditorStore(accreditorDb),
        accreditorChain: createAccreditorChain({ rpcUrl: deps.chain.rpcUrl, registry: deps.chain.registry, chainId: deps.chain.chainId, isLocal: deps.chain.isLocal }),
        clock,
        box,
        log,
        publicUrl: deps.config.publicUrl,
      }
    : undefined;
  const accreditorWriter = accreditorDeps ? new AccreditorWriter({ ...accreditorDeps, intervalMs: Math.max(deps.config.workerIntervalMs, 1000), ...(cluster ? { leases: cluster.leases } : {}) }) : undefined;
  const recordFetcher = createRecordFetcher(accreditorDeps, createSafeDocumentFetcher({ maxBytes: RECOGNITION_RECORD_MAX_BYTES, accept: "application/json", ...deps.fetchOptions }));
  const context: AppContext = {
    store: deps.store,
    chain: deps.chain,
    clock,
    config: deps.config,
    signer: deps.signer,
    notifier: deps.notifier ?? createClaimNotifier(mailDeps),
    box,
    log,
    metrics,
    readiness,
    authenticate: createAuthenticator(deps.store, deps.config.adminApiKey, accreditorDeps ? (hash) => accreditorDeps.accreditors.accreditorIdByKeyHash(hash) : undefined),
    batchWorker,
    ...(cluster ? { leases: cluster.leases } : {}),
    statusWriter: new StatusWriter({ ...workerDeps, ...clusterDeps }),
    onStatusChangeQueued: (change) => flagAfterStatusChange(deps.store, clock, deps.config.publicUrl, change),
    webhookWorker: new WebhookWorker({ store: deps.store, clock, log, config: deps.config, network: { allowPrivate: deps.config.webhookAllowPrivate === true, localChain: deps.chain.isLocal }, ...(cluster ? { lease: cluster.outboxLease } : {}) }),
    mailWorker: new MailWorker({
      ...workerDeps,
      mailer: learnerServices(mailDeps).mailer,
      noLongerOwed: claimReminderNoLongerOwed(deps.store.learners),
      ...(deps.mailRetry ? { retry: deps.mailRetry } : {}),
      ...(cluster ? { lease: cluster.outboxLease } : {}),
    }),
    // In a worker thread: checking signatures would otherwise hold the event loop.
    verify: async (credentials) => {
      const report = (await deps.signer.verifyCredentials({
        credentials,
        rpcUrls: [deps.chain.rpcUrl],
        // TRUSTED_REGISTRIES narrows trust; by default, our own deployment's registry.
        registry: { [deps.chain.chainId]: deps.config.trustedRegistries ?? [deps.chain.registry] },
        confirmations: deps.config.confirmations,
        now: clock.now().toISOString(),
        // did:web and https issuers' keys are bound through their documents, fetched safely (no private addresses).
        fetchDocument: issuerDocuments,
        // TRUSTED_ACCREDITORS say who issuers are (identity beside the verdict); REQUIRE_RECOGNITION makes it count.
        accreditors: deps.config.trustedAccreditors ?? [],
        requireRecognition: deps.config.requireRecognition === true,
      })) as BundleReport;
      await checkRecognitionRecords(report, { fetchRecord: recordFetcher });
      // Who each issuer is (its linked domain), beside the verdicts: never changes them.
      await checkIssuerDomains(
        report,
        credentials,
        deps.config.verifyCheckDomains
          ? {
              fetchConfiguration: createSafeDocumentFetcher({ maxBytes: DID_CONFIGURATION_MAX_BYTES, accept: "application/json", ...deps.fetchOptions }),
              fetchDocument: createSafeDocumentFetcher(deps.fetchOptions),
              now: clock.now(),
            }
          : { notCheckedReason: "this server does not fetch issuers' domains (VERIFY_CHECK_DOMAINS is off)" },
      );
      return report as unknown as Awaited<ReturnType<AppContext["verify"]>>;
    },
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
  app.use(securityHeaders());
  // Server-to-server co-issuance: no API key, a MAC over the raw body (read by its own parser).
  app.use(coIssuanceS2sRouter(context));
  // Keys are checked before any body is read; each route has its own body limit (VERIFY_BODY_LIMIT for the public verify route).
  app.use(apiBodyParsing(context.authenticate, { ...bodyLimitsFor(deps.config.bodyLimit), verify: deps.config.verifyLimits.bodyLimit }));
  app.use(systemRouter(context));
  app.use(issuersRouter(context));
  app.use(achievementsRouter(context));
  app.use(credentialsRouter(context));
  app.use(batchesRouter(context));
  app.use(statusListsRouter(context));
  app.use(accreditorsRouter(context, accreditorDeps));
  const coIssuanceWorker = new CoIssuanceWorker(context);
  app.use(coIssuanceRouter(context, coIssuanceWorker));
  app.use(stackingRouter(context));
  const learnerDeps: LearnerDeps & AppContext & { rateLimiter: RateLimiter; abuseLimits: AbuseLimits } = {
    ...context,
    rateLimiter: deps.rateLimiter ?? new MemoryRateLimiter(clock),
    abuseLimits: deps.abuseLimits ?? DEFAULT_ABUSE_LIMITS,
  };
  app.use(applicationsRouter({ ...learnerDeps, store: deps.store, box, clock }));
  app.use(createConsoleRouter(learnerDeps));
  app.use(createLearnerRouter(learnerDeps));
  app.use(coIssuancePages(context, learnerDeps));
  app.use(stackedComponentsRouter(context, learnerDeps));
  app.use(createWebRouter(learnerDeps));
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
      context.mailWorker.start();
      accreditorWriter?.start();
      coIssuanceWorker.start();
      context.webhookWorker?.start();
    },
    async stop() {
      await Promise.all([context.batchWorker.stop(), context.statusWriter.stop(), context.mailWorker.stop(), accreditorWriter?.stop(), coIssuanceWorker.stop(), context.webhookWorker?.stop()]);
      // The mail thread (server/mail/threadedMailer.ts) ends with the mail worker; a later send starts a new one.
      await (learnerServices(mailDeps).mailer as { close?: () => Promise<void> }).close?.();
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
  const db = (store as { db?: Parameters<typeof databaseWriteProbe>[0] }).db;
  return db ? databaseWriteProbe(db) : () => store.transaction(() => undefined);
}

