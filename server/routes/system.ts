import express from "express";
import { z } from "zod";
import type { AppContext } from "../context";
import { parseBody } from "../http/validate";
import { badRequest, HttpError } from "../http/errors";
import type { ServerConfig } from "../config";
import { typesOf } from "../../core/verify/bundle";
import { bundleVerdict, credentialVerdict, type BundleReport, type Verdict } from "../../core/verify/report";
import { openApiDocument } from "../openapi";
import { applicationJson, assessApplication } from "../../core/application/verifyApplication";

/** Kept for callers that import it: the default of VERIFY_MAX_CREDENTIALS. */
export const MAX_VERIFY_CREDENTIALS = 100;
export const VERIFY_PATH = "/api/v1/verify";
/** Nesting deeper than this (presentations in CLRs in presentations…) is refused before any work. */
export const MAX_VERIFY_DEPTH = 32;
/** Every JSON value (object, array, string, number…) in the body counts; canonicalisation work grows with it. */
export const MAX_VERIFY_JSON_VALUES = 200_000;

/** Job applications: the applicant's email (holder binding) and a challenge this server issued. */
const applicationFields = {
  email: z.string().max(320).optional(),
  challenge: z.string().max(200).optional(),
};

export const verifyBody = z.union([
  z.object({ credential: z.record(z.unknown(), { invalid_type_error: "must be a JSON object" }), ...applicationFields }).strict(),
  z.object({ credentials: z.array(z.unknown()).min(1, "must hold at least one credential"), ...applicationFields }).strict(),
], { errorMap: () => ({ message: "send { credential } or { credentials: [...] }, optionally with email and challenge" }) });


const tooLarge = (message: string, details: Record<string, unknown>) => new HttpError(413, "too_many_credentials", message, details);

/**
 * Counts the credentials the pipeline would verify (those inside presentations and CLRs too,
 * as core/verify/bundle flattens them) and the JSON values of the whole input, without
 * recursion and stopping as soon as a bound is passed: nothing is verified for an input that
 * is over a bound.
 */
export function measureVerifyInput(inputs: readonly unknown[], maxCredentials: number): { credentials: number } {
  let credentials = 0;
  let values = 0;
  // Each entry: a document, whether it sits where a credential is expected, and its depth.
  const stack: { value: unknown; credentialSlot: boolean; depth: number }[] = inputs.map((value) => ({ value, credentialSlot: true, depth: 0 }));
  // One CLR envelope around a full bundle is not counted, as in the pipeline (core/verify/pipeline.ts).
  if (inputs.length === 1 && typesOf(inputs[0]).includes("ClrCredential")) credentials -= 1;
  while (stack.length > 0) {
    const { value, credentialSlot, depth } = stack.pop()!;
    values += 1;
    if (values > MAX_VERIFY_JSON_VALUES) {
      throw tooLarge(`the input holds more than ${MAX_VERIFY_JSON_VALUES} JSON values; send fewer or smaller credentials per request`, { maxJsonValues: MAX_VERIFY_JSON_VALUES });
    }
    if (depth > MAX_VERIFY_DEPTH) throw badRequest(`the input is nested deeper than ${MAX_VERIFY_DEPTH} levels`, { maxDepth: MAX_VERIFY_DEPTH });
    if (typeof value !== "object" || value === null) {
      if (credentialSlot) credentials += 1; // not a credential: the pipeline reports it as failed
      continue;
    }
    if (credentialSlot) {
      const types = typesOf(value);
      // A presentation is a wrapper (flattenBundle verifies what it holds); anything else is a credential.
      if (!types.includes("VerifiablePresentation")) credentials += 1;
      if (credentials > maxCredentials) {
        throw tooLarge(
          `the input holds more than ${maxCredentials} credentials (counting those inside presentations and CLRs); send at most ${maxCredentials} per request`,
          { maxCredentials },
        );
      }
      const record = value as Record<string, unknown>;
      const inner = types.includes("VerifiablePresentation")
        ? record.verifiableCredential
        : types.includes("ClrCredential")
          ? (record.credentialSubject as Record<string, unknown> | undefined)?.verifiableCredential
          : undefined;
      if (inner !== undefined && inner !== null) {
        for (const item of Array.isArray(inner) ? inner : [inner]) stack.push({ value: item, credentialSlot: true, depth: depth + 1 });
      }
      // The rest of the document still counts towards the JSON values (skipping what was pushed above).
      for (const [key, child] of Object.entries(record)) {
        if (key === "verifiableCredential" && types.includes("VerifiablePresentation")) continue;
        if (key === "credentialSubject" && types.includes("ClrCredential")) {
          if (typeof child === "object" && child !== null) {
            for (const [subKey, grandChild] of Object.entries(child)) {
              if (subKey !== "verifiableCredential") stack.push({ value: grandChild, credentialSlot: false, depth: depth + 2 });
            }
          }
          continue;
        }
        stack.push({ value: child, credentialSlot: false, depth: depth + 1 });
      }
      continue;
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push({ value: child, credentialSlot: false, depth: depth + 1 });
  }
  return { credentials };
}

const RANK: Record<Verdict, number> = { verified: 0, unconfirmed: 1, failed: 2 };

/**
 * The answer is never greener than the steps: each credential's verdict is at least what its
 * steps say ("warning" counts as unconfirmed), nothing is verified when the chain was not read,
 * and `verified`, `counts` and the input's verdict follow.
 */
export function failClosedReport(report: BundleReport): BundleReport {
  for (const result of report.results) {
    const fromSteps = credentialVerdict(result.steps);
    const given: Verdict = Object.hasOwn(RANK, result.verdict) ? result.verdict : "failed";
    let verdict: Verdict = RANK[fromSteps] > RANK[given] ? fromSteps : given;
    if (verdict === "verified" && report.chainError !== undefined) {
      verdict = "unconfirmed";
      result.reason = `The chain was not read: ${report.chainError}`;
    }
    result.verdict = verdict;
    result.verified = verdict === "verified";
  }
  const verdicts = report.results.map((r) => r.verdict);
  report.verdict = bundleVerdict(verdicts);
  report.verified = report.verdict === "verified";
  report.counts = { verified: 0, unconfirmed: 0, failed: 0 };
  for (const verdict of verdicts) report.counts[verdict] += 1;
  return report;
}

/**
 * The job-application view of a verification: envelope, rows per issuer, summary, holder
 * binding by `email`, and — for a challenge this server issued — whether the presentation
 * answers it. A challenge is spent by its first use, bound or not, so a replay is never bound.
 */
async function applicationAnswer(ctx: AppContext, document: unknown, report: BundleReport, email: string | undefined, challengeId: string | undefined) {
  let challenge: { challenge: string; domain: string } | undefined;
  let challengeRefusal: string | undefined;
  if (challengeId !== undefined) {
    const use = ctx.store.applications.useChallenge(challengeId, Math.floor(ctx.clock.now().getTime() / 1000));
    if (use.ok) challenge = { challenge: challengeId, domain: use.domain };
    else challengeRefusal = use.reason === "used" ? "this challenge was already used (a replay is never bound)" : use.reason === "expired" ? "this challenge expired; ask for a new one" : "this server did not issue this challenge";
  }
  const assessed = applicationJson(await assessApplication(document, report, { email, challenge }));
  if (challengeRefusal !== undefined) return { ...assessed, challenge: { bound: false, message: `Not bound to the applicant: ${challengeRefusal}` } };
  return assessed;
}

export function systemRouter(ctx: AppContext) {
  const router = express.Router();

  // Liveness: the process runs and its event loop answers. The chain's state is reported, not
  // judged: restarting the server would not bring a remote chain back (see /readyz).
  router.get("/healthz", (_req, res) => {
    res.json({
      ok: true,
      chainId: ctx.chain.chainId,
      registry: ctx.chain.registry,
      operator: ctx.chain.operator,
      // The local node has no secrets in its URL; a remote provider URL often carries an API key.
      ...(ctx.chain.isLocal ? { rpcUrl: ctx.chain.rpcUrl } : {}),
      draining: ctx.readiness.draining,
      worker: { pausedAt: ctx.batchWorker.pausedAt ?? null },
      readiness: "/readyz",
    });
  });

  // Readiness: every check with its reason; 503 (with Retry-After) when any failed.
  router.get("/readyz", async (_req, res) => {
    const report = await ctx.readiness.check();
    if (!report.ready) {
      const failed = Object.entries(report.checks).filter(([, c]) => !c.ok).map(([name, c]) => `${name}: ${c.reason}`);
      ctx.log.warn({ failed }, "not ready");
      res.setHeader("Retry-After", "5");
    }
    res.status(report.ready ? 200 : 503).json({ ...report, worker: { pausedAt: ctx.batchWorker.pausedAt ?? null } });
  });

  router.get("/metrics", async (_req, res) => {
    res.type(ctx.metrics.contentType).send(await ctx.metrics.render());
  });

  router.post(VERIFY_PATH, async (req, res) => {
    const body = parseBody(verifyBody, req);
    const credentials = "credential" in body ? [body.credential] : body.credentials;
    const { maxCredentials, timeoutMs } = ctx.config.verifyLimits;
    measureVerifyInput(credentials, maxCredentials);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new HttpError(503, "verification_timeout", `verification took longer than ${timeoutMs} ms; send fewer credentials per request`, { timeoutMs })),
        timeoutMs,
      );
    });
    try {
      const report = failClosedReport((await Promise.race([ctx.verify(credentials), deadline])) as unknown as BundleReport);
      const document = "credential" in body ? body.credential : body.credentials;
      const isEnvelope = "credential" in body && (typesOf(body.credential).includes("ClrCredential") || typesOf(body.credential).includes("VerifiablePresentation"));
      if (body.email === undefined && body.challenge === undefined && !isEnvelope) {
        res.json(report);
        return;
      }
      res.json({ ...report, application: await applicationAnswer(ctx, document, report, body.email, body.challenge) });
    } finally {
      clearTimeout(timer);
    }
  });

  router.get(["/docs", "/docs/openapi.json"], (_req, res) => {
    res.json(openApiDocument(ctx.config.publicUrl));
  });

  return router;
}
