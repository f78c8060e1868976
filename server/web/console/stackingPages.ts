/**
 * The console's stacking pages: the stacked badges awaiting the issuer's decision (keep, or
 * revoke with a reason) and the stacking rules (list, create, edit at a version, disable).
 */
import { html, type SafeHtml } from "../html";
import type { AchievementRecord } from "../../store/Store";
import type { StackingFlagRecord, StackingRuleRecord } from "../../store/StackingStore";
import type { StackingRuleDefinition } from "../../services/stacking/rules";
import { may } from "../../console/auth";
import { consoleLayout, consoleNotice, csrfField, formatTime, type ConsolePageContext } from "./layout";

/** Tier rows the form offers (a rule has at most 10; five cover the programs we know, more by editing again). */
export const TIER_ROWS = 5;

export interface RuleFormValues {
  name: string;
  /** Achievement id → the list it counts in ("" = not counted). */
  lists: Record<string, string>;
  tiers: { name: string; threshold: string; achievementId: string; minimums: string }[];
  from: string;
  until: string;
}

export interface FormProblem {
  field: string;
  message: string;
}

export interface StackingOverview {
  flags: StackingFlagRecord[];
  decided: StackingFlagRecord[];
  rules: { record: StackingRuleRecord; definition: StackingRuleDefinition }[];
  achievementNames: Map<string, string>;
  notice?: string;
  error?: string;
}

function problems(ctx: ConsolePageContext, list: readonly FormProblem[] | undefined): SafeHtml {
  if (!list || list.length === 0) return html``;
  // English pages say what is wrong; Korean ones name the field (the services speak English).
  return consoleNotice(
    "bad",
    html`${ctx.t("console.form.invalid")}<ul>${list.map((p) => html`<li>${ctx.t("console.stack.problem", { field: p.field, message: p.message })}</li>`)}</ul>`,
  );
}

export function renderStackingOverview(ctx: ConsolePageContext, model: StackingOverview): string {
  const { t } = ctx;
  const canDecide = ctx.session ? may(ctx.session.staff.role, "issue") : false;
  const nameOf = (id: string) => model.achievementNames.get(id) ?? id;
  return consoleLayout(ctx, {
    title: t("console.stack.title"),
    current: "stacking",
    body: html`<h1>${t("console.stack.title")}</h1>
<p class="lede">${t("console.stack.lede")}</p>
${consoleNotice("ok", model.notice)}${consoleNotice("bad", model.error)}
<h2 id="flags">${t("console.stack.flags")}</h2>
${model.flags.length === 0
  ? html`<p data-flags="none">${t("console.stack.noFlags")}</p>`
  : html`<ul class="flag-list">${model.flags.map(
      (f) => html`<li class="card" data-flag="${String(f.id)}">
<p><strong>${t("console.stack.badge")}</strong>: <a href="/c/${f.stackedCredentialId.replace(/^urn:uuid:/, "")}">${f.stackedCredentialId}</a></p>
<p>${t("console.stack.flagLine", { credits: f.creditsNow, threshold: f.threshold })}. ${t("console.stack.flagTrigger", { component: f.triggerCredentialId })} · ${formatTime(f.createdAt, ctx.lang)}</p>
${canDecide
  ? html`<form method="post" action="/console/stacking/flags/${String(f.id)}">${csrfField(ctx)}
<div class="field"><label for="reason-${String(f.id)}">${t("console.stack.reason")}</label><input id="reason-${String(f.id)}" name="reason" maxlength="1000" required></div>
<div class="actions-bar"><button class="btn secondary" type="submit" name="decision" value="keep">${t("console.stack.keep")}</button>
<button class="btn danger" type="submit" name="decision" value="revoke">${t("console.stack.revoke")}</button></div></form>`
  : ""}
</li>`,
    )}</ul>`}
${model.decided.length > 0
  ? html`<h3>${t("console.stack.decided")}</h3><div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${t("console.stack.badge")}</th><th scope="col">${t("console.col.state")}</th><th scope="col">${t("console.stack.reason")}</th><th scope="col">${t("console.col.when")}</th></tr></thead>
<tbody>${model.decided.map(
      (f) => html`<tr data-decided="${f.state}"><td class="mono">${f.stackedCredentialId}</td><td>${t(f.state === "kept" ? "console.stack.decision.kept" : "console.stack.decision.revoked")}</td><td>${f.decisionReason ?? ""}</td><td>${f.decidedAt !== null ? formatTime(f.decidedAt, ctx.lang) : ""}</td></tr>`,
    )}</tbody></table></div>`
  : ""}
<h2 id="rules">${t("console.stack.rules")}</h2>
${canDecide ? html`<p><a class="btn" href="/console/stacking/rules/new">${t("console.stack.newRule")}</a></p>` : ""}
${model.rules.length === 0
  ? html`<p>${t("console.stack.noRules")}</p>`
  : html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${t("console.col.name")}</th><th scope="col">${t("console.stack.tiers")}</th><th scope="col">${t("console.col.state")}</th><th scope="col">${t("console.col.actions")}</th></tr></thead>
<tbody>${model.rules.map(({ record, definition }) => {
      const disabled = (record.disabledAt ?? null) !== null;
      return html`<tr data-rule="${record.id}" data-disabled="${disabled ? "true" : "false"}"><td>${definition.name}<br><span class="small muted">${t("console.stack.version", { version: record.version ?? 1 })}</span></td>
<td><ul class="tier-list">${definition.tiers.map((tier) => html`<li>${t("console.stack.tiersLine", { name: tier.name, threshold: tier.threshold })} → ${nameOf(tier.achievementId)}</li>`)}</ul></td>
<td><span class="pill ${disabled ? "suspended" : "valid"}">${t(disabled ? "console.stack.disabledPill" : "console.stack.enabledPill")}</span></td>
<td>${canDecide
        ? html`<div class="actions-bar"><a class="btn secondary small" href="/console/stacking/rules/${record.id}">${t("console.stack.edit")}<span class="sr-only"> ${definition.name}</span></a>
<form class="inline" method="post" action="/console/stacking/rules/${record.id}/${disabled ? "enable" : "disable"}">${csrfField(ctx)}<input type="hidden" name="version" value="${String(record.version ?? 1)}">
<button class="btn secondary small" type="submit">${t(disabled ? "console.stack.enable" : "console.stack.disable")}<span class="sr-only"> ${definition.name}</span></button></form></div>`
        : ""}</td></tr>`;
    })}</tbody></table></div>`}`,
  });
}

export function renderRuleForm(
  ctx: ConsolePageContext,
  model: {
    rule?: StackingRuleRecord;
    values: RuleFormValues;
    creditAchievements: { achievement: AchievementRecord; credits: number }[];
    achievements: AchievementRecord[];
    problems?: FormProblem[];
    notice?: string;
    warn?: string;
  },
): string {
  const { t } = ctx;
  const v = model.values;
  const editing = model.rule !== undefined;
  const action = editing ? `/console/stacking/rules/${model.rule!.id}` : "/console/stacking/rules";
  const title = editing ? t("console.stack.editRule") : t("console.stack.newRule");
  return consoleLayout(ctx, {
    title,
    current: "stacking",
    body: html`<h1>${title}</h1>
${editing ? html`<p class="lede">${t("console.stack.editNote")}</p>` : ""}
${consoleNotice("ok", model.notice)}${consoleNotice("warn", model.warn)}${problems(ctx, model.problems)}
<form class="card" method="post" action="${action}">${csrfField(ctx)}
${editing ? html`<input type="hidden" name="version" value="${String(model.rule!.version ?? 1)}">` : ""}
<div class="field"><label for="rule-name">${t("console.stack.name")}</label><input id="rule-name" name="name" required maxlength="200" value="${v.name}"></div>
<fieldset><legend>${t("console.stack.lists")}</legend>
<p class="small" id="lists-help">${t("console.stack.listsHelp")}</p>
${model.creditAchievements.length === 0
  ? html`<p>${t("console.stack.noCredits")}</p>`
  : html`<div class="form-grid">${model.creditAchievements.map(
      ({ achievement, credits }) => html`<div class="field"><label for="list-${achievement.id}">${t("console.stack.listOf", { name: achievement.name, credits })}</label>
<input id="list-${achievement.id}" name="list:${achievement.id}" maxlength="40" aria-describedby="lists-help" value="${v.lists[achievement.id] ?? ""}"></div>`,
    )}</div>`}
</fieldset>
<fieldset><legend>${t("console.stack.tiers")}</legend>
<p class="small" id="minimums-help">${t("console.stack.minimumsHelp")}</p>
${v.tiers.map(
  (tier, i) => html`<div class="form-grid" data-tier="${String(i)}">
<div class="field"><label for="tier-name-${String(i)}">${t("console.stack.tierName", { n: i + 1 })}</label><input id="tier-name-${String(i)}" name="tierName${String(i)}" maxlength="100" value="${tier.name}"></div>
<div class="field"><label for="tier-threshold-${String(i)}">${t("console.stack.tierThreshold", { n: i + 1 })}</label><input id="tier-threshold-${String(i)}" name="tierThreshold${String(i)}" inputmode="decimal" value="${tier.threshold}"></div>
<div class="field"><label for="tier-achievement-${String(i)}">${t("console.stack.tierAchievement", { n: i + 1 })}</label><select id="tier-achievement-${String(i)}" name="tierAchievement${String(i)}">
<option value="">${t("console.stack.noneChosen")}</option>${model.achievements.map((a) => html`<option value="${a.id}"${a.id === tier.achievementId ? html` selected` : ""}>${a.name}</option>`)}</select></div>
<div class="field"><label for="tier-minimums-${String(i)}">${t("console.stack.tierMinimums", { n: i + 1 })}</label><input id="tier-minimums-${String(i)}" name="tierMinimums${String(i)}" maxlength="400" aria-describedby="minimums-help" value="${tier.minimums}"></div>
</div>`,
)}
</fieldset>
<fieldset><legend>${t("console.stack.window")}</legend><div class="form-grid">
<div class="field"><label for="window-from">${t("console.stack.windowFrom")}</label><input id="window-from" name="from" type="date" value="${v.from}"></div>
<div class="field"><label for="window-until">${t("console.stack.windowUntil")}</label><input id="window-until" name="until" type="date" value="${v.until}"></div>
</div></fieldset>
<button class="btn" type="submit">${editing ? t("console.stack.save") : t("console.stack.create")}</button>
</form>
<p><a href="/console/stacking">${t("console.stack.title")}</a></p>`,
  });
}
