/**
 * Console: stacked badges — the flags awaiting the issuer's decision and the stacking rules
 * (create, edit at the version shown, disable, enable). The same services as the API
 * (server/services/stacking/*); viewers see, issuers and admins decide; every post carries the
 * session's CSRF token.
 */
import express, { type Request, type Response, type Router } from "express";
import { unixSeconds } from "../../clock";
import { ConflictError, DomainError, InvalidInputError, NotFoundError } from "../../services/errors";
import { decideStackingFlag } from "../../services/stacking/flagDecisions";
import { editStackingRule } from "../../services/stacking/ruleEdits";
import { newStackingRule, ruleDefinition, stackingRuleBody, stackingRuleEditBody, validateStackingRule, type StackingRuleDefinition } from "../../services/stacking/rules";
import type { StackingRuleRecord } from "../../store/StackingStore";
import { renderRuleForm, renderStackingOverview, TIER_ROWS, type FormProblem, type RuleFormValues } from "../../web/console/stackingPages";
import { renderConsoleMessage } from "../../web/console/pages";
import { field, guard, pageFor, send, session, type ConsoleDeps } from "./common";

/** Decided flags shown under the open ones. */
const DECIDED_SHOWN = 20;

function emptyValues(): RuleFormValues {
  return { name: "", lists: {}, tiers: Array.from({ length: TIER_ROWS }, () => ({ name: "", threshold: "", achievementId: "", minimums: "" })), from: "", until: "" };
}

function valuesOf(definition: StackingRuleDefinition): RuleFormValues {
  const values = emptyValues();
  values.name = definition.name;
  for (const [list, ids] of Object.entries(definition.lists)) for (const id of ids) values.lists[id] = list;
  const rows = Math.max(TIER_ROWS, definition.tiers.length);
  values.tiers = Array.from({ length: rows }, (_, i) => {
    const tier = definition.tiers[i];
    if (!tier) return { name: "", threshold: "", achievementId: "", minimums: "" };
    return { name: tier.name, threshold: String(tier.threshold), achievementId: tier.achievementId, minimums: Object.entries(tier.minimums).map(([l, c]) => `${l}=${c}`).join(", ") };
  });
  const day = (s: number | null) => (s === null ? "" : new Date(s * 1000).toISOString().slice(0, 10));
  values.from = day(definition.windowFrom);
  values.until = day(definition.windowUntil);
  return values;
}

/** The form as posted, and the API body it stands for (or the problems in reading it). */
function readForm(body: unknown): { values: RuleFormValues; candidate: Record<string, unknown>; problems: FormProblem[] } {
  const values = emptyValues();
  const problems: FormProblem[] = [];
  values.name = field(body, "name", 200);
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (!key.startsWith("list:") || typeof value !== "string") continue;
    const list = value.trim().toLowerCase().slice(0, 40);
    if (list) values.lists[key.slice("list:".length)] = list;
  }
  values.tiers = Array.from({ length: 10 }, (_, i) => ({
    name: field(body, `tierName${i}`, 100),
    threshold: field(body, `tierThreshold${i}`, 20),
    achievementId: field(body, `tierAchievement${i}`, 200),
    minimums: field(body, `tierMinimums${i}`, 400),
  })).filter((tier, i) => i < TIER_ROWS || tier.name || tier.threshold || tier.achievementId);
  values.from = field(body, "from", 10);
  values.until = field(body, "until", 10);

  const lists: Record<string, string[]> = {};
  for (const [id, list] of Object.entries(values.lists)) (lists[list] ??= []).push(id);
  const tiers = values.tiers
    .map((tier, i) => ({ tier, i }))
    .filter(({ tier }) => tier.name || tier.threshold || tier.achievementId || tier.minimums)
    .map(({ tier, i }) => {
      const minimums: Record<string, number> = {};
      for (const part of tier.minimums.split(",").map((p) => p.trim()).filter(Boolean)) {
        const match = /^([^=\s]+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
        if (!match) problems.push({ field: `tiers.${i}.minimums`, message: "write minimums as list=credits, separated by commas" });
        else minimums[match[1]!.toLowerCase()] = Number(match[2]);
      }
      return { name: tier.name, threshold: tier.threshold === "" ? Number.NaN : Number(tier.threshold), achievementId: tier.achievementId, ...(Object.keys(minimums).length > 0 ? { minimums } : {}) };
    });
  const window = {
    ...(values.from ? { from: `${values.from}T00:00:00Z` } : {}),
    ...(values.until ? { until: `${values.until}T23:59:59Z` } : {}),
  };
  const candidate = { name: values.name, lists, tiers, ...(Object.keys(window).length > 0 ? { window } : {}) };
  return { values, candidate, problems };
}

function zodProblems(issues: readonly { path: (string | number)[]; message: string }[]): FormProblem[] {
  return issues.map((issue) => ({ field: issue.path.join(".") || "rule", message: issue.message }));
}

export function stackingRoutes(deps: ConsoleDeps): Router {
  const router = express.Router();

  const overview = (req: Request, res: Response, extra: { notice?: string; error?: string } = {}, status = 200) => {
    const issuerId = session(req).staff.issuerId;
    const flags = deps.store.stacking.listFlags(issuerId, "open");
    const decided = deps.store.stacking
      .listFlags(issuerId)
      .filter((f) => f.state !== "open")
      .sort((a, b) => (b.decidedAt ?? 0) - (a.decidedAt ?? 0))
      .slice(0, DECIDED_SHOWN);
    const rules = deps.store.stacking.listRules(issuerId).map((record) => ({ record, definition: ruleDefinition(record) }));
    const achievementNames = new Map(deps.store.listAchievements(issuerId).map((a) => [a.id, a.name]));
    send(res, renderStackingOverview(pageFor(deps, req, res), { flags, decided, rules, achievementNames, ...extra }), status);
  };

  const formPage = (req: Request, res: Response, model: { rule?: StackingRuleRecord; values: RuleFormValues; problems?: FormProblem[]; notice?: string; warn?: string }, status = 200) => {
    const issuerId = session(req).staff.issuerId;
    const achievements = deps.store.listAchievements(issuerId);
    const creditAchievements = achievements.flatMap((achievement) => {
      const credits = deps.store.stacking.achievementCredits(achievement.id);
      return credits === undefined ? [] : [{ achievement, credits }];
    });
    send(res, renderRuleForm(pageFor(deps, req, res), { ...model, achievements, creditAchievements }), status);
  };

  const ownRule = (req: Request): StackingRuleRecord | undefined => {
    const rule = deps.store.stacking.getRule(String(req.params.id));
    return rule && rule.issuerId === session(req).staff.issuerId ? rule : undefined;
  };
  const notFound = (req: Request, res: Response) => {
    const ctx = pageFor(deps, req, res);
    send(res, renderConsoleMessage(ctx, ctx.t("console.stack.title"), ctx.t("console.stack.notFound")), 404);
  };

  router.get("/console/stacking", ...guard(deps, "view"), (req, res) => overview(req, res));

  router.post("/console/stacking/flags/:id", ...guard(deps, "issue", "form"), async (req, res) => {
    const ctx = pageFor(deps, req, res);
    const decision = field(req.body, "decision", 10);
    const reason = field(req.body, "reason", 1000);
    if (decision !== "keep" && decision !== "revoke") return overview(req, res, { error: ctx.t("console.stack.reasonMissing") }, 422);
    if (!reason) return overview(req, res, { error: ctx.t("console.stack.reasonMissing") }, 422);
    try {
      await decideStackingFlag(deps, session(req).staff.issuerId, Number(req.params.id), decision, reason);
    } catch (error) {
      if (error instanceof NotFoundError) return notFound(req, res);
      if (error instanceof DomainError) return overview(req, res, { error: error.message }, error instanceof ConflictError ? 409 : 422);
      throw error;
    }
    overview(req, res, { notice: ctx.t(decision === "keep" ? "console.stack.kept" : "console.stack.revokedNotice") });
  });

  router.get("/console/stacking/rules/new", ...guard(deps, "issue"), (req, res) => formPage(req, res, { values: emptyValues() }));

  router.post("/console/stacking/rules", ...guard(deps, "issue", "form"), (req, res) => {
    const ctx = pageFor(deps, req, res);
    const issuerId = session(req).staff.issuerId;
    const { values, candidate, problems } = readForm(req.body);
    const parsed = stackingRuleBody.safeParse(candidate);
    if (problems.length > 0 || !parsed.success) return formPage(req, res, { values, problems: [...problems, ...(parsed.success ? [] : zodProblems(parsed.error.issues))] }, 422);
    try {
      const definition = validateStackingRule(deps.store, issuerId, parsed.data);
      const record = newStackingRule(issuerId, definition, unixSeconds(deps.clock));
      deps.store.stacking.insertRule(record);
    } catch (error) {
      if (error instanceof InvalidInputError) return formPage(req, res, { values, problems: [...error.problems] }, 422);
      throw error;
    }
    overview(req, res, { notice: ctx.t("console.stack.created") });
  });

  router.get("/console/stacking/rules/:id", ...guard(deps, "issue"), (req, res) => {
    const rule = ownRule(req);
    if (!rule) return notFound(req, res);
    formPage(req, res, { rule, values: valuesOf(ruleDefinition(rule)) });
  });

  router.post("/console/stacking/rules/:id", ...guard(deps, "issue", "form"), async (req, res) => {
    const ctx = pageFor(deps, req, res);
    const rule = ownRule(req);
    if (!rule) return notFound(req, res);
    const { values, candidate, problems } = readForm(req.body);
    const parsed = stackingRuleEditBody.safeParse({ ...candidate, version: Number(field(req.body, "version", 20)), ...(candidate.window ? {} : { window: null }) });
    if (problems.length > 0 || !parsed.success) return formPage(req, res, { rule, values, problems: [...problems, ...(parsed.success ? [] : zodProblems(parsed.error.issues))] }, 422);
    try {
      const saved = await editStackingRule(deps, session(req).staff.issuerId, rule.id, parsed.data);
      formPage(req, res, { rule: saved, values: valuesOf(ruleDefinition(saved)), notice: ctx.t("console.stack.saved", { version: saved.version ?? 1 }) });
    } catch (error) {
      if (error instanceof InvalidInputError) return formPage(req, res, { rule, values, problems: [...error.problems] }, 422);
      if (error instanceof ConflictError) {
        // Last writer does not win: the form shows the rule as it is now, to edit again.
        const current = ownRule(req)!;
        return formPage(req, res, { rule: current, values: valuesOf(ruleDefinition(current)), warn: ctx.t("console.stack.conflict", { version: current.version ?? 1 }) }, 409);
      }
      if (error instanceof NotFoundError) return notFound(req, res);
      throw error;
    }
  });

  for (const op of ["disable", "enable"] as const) {
    router.post(`/console/stacking/rules/:id/${op}`, ...guard(deps, "issue", "form"), async (req, res) => {
      const ctx = pageFor(deps, req, res);
      const rule = ownRule(req);
      if (!rule) return notFound(req, res);
      try {
        await editStackingRule(deps, session(req).staff.issuerId, rule.id, { version: Number(field(req.body, "version", 20)), disabled: op === "disable" });
      } catch (error) {
        if (error instanceof ConflictError) return overview(req, res, { error: ctx.t("console.stack.conflict", { version: ownRule(req)?.version ?? 1 }) }, 409);
        if (error instanceof NotFoundError) return notFound(req, res);
        throw error;
      }
      overview(req, res, { notice: ctx.t(op === "disable" ? "console.stack.disabledNotice" : "console.stack.enabledNotice") });
    });
  }

  return router;
}
