/** The console's pages, rendered on the server (no inline script; the CSP of the site). */
import { html, type SafeHtml } from "../html";
import type { MessageKey } from "../i18n";
import type { AchievementRecord, BatchRecord } from "../../store/Store";
import type { AchievementDetails, AwardJob, AwardRow, ConsoleCredentialRow, IssuerProfileFields, StaffRecord } from "../../store/ConsoleStore";
import { BADGE_ICONS, BADGE_SHAPES } from "../../console/badgeDesigner";
import { may } from "../../console/auth";
import { consoleLayout, consoleNotice, csrfField, formatTime, type ConsolePageContext } from "./layout";

export interface FieldError {
  field: string;
  message: string;
}

function errorList(ctx: ConsolePageContext, errors: readonly FieldError[] | undefined): SafeHtml {
  if (!errors || errors.length === 0) return html``;
  return consoleNotice("bad", html`${ctx.t("console.form.invalid")}<ul>${errors.map((e) => html`<li>${e.field}: ${e.message}</li>`)}</ul>`);
}

export function renderConsoleMessage(ctx: ConsolePageContext, title: string, message: string): string {
  return consoleLayout(ctx, { title, current: "none", body: html`<h1>${title}</h1>${consoleNotice("bad", message)}<p><a href="/console">${ctx.t("console.nav.home")}</a></p>` });
}

export function renderConsoleSignin(ctx: ConsolePageContext, model: { email?: string; error?: string; next?: string }): string {
  const { t } = ctx;
  return consoleLayout(ctx, {
    title: t("console.signin.title"),
    body: html`<h1>${t("console.signin.title")}</h1>
<p class="lede">${t("console.signin.lede")}</p>
${consoleNotice("bad", model.error)}
<section class="card">
<form method="post" action="/console/signin">
  <input type="hidden" name="next" value="${model.next ?? "/console"}">
  <div class="field"><label for="email">${t("console.signin.email")}</label><input id="email" name="email" type="email" autocomplete="username" required value="${model.email ?? ""}"></div>
  <div class="field"><label for="password">${t("console.signin.password")}</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
  <button class="btn" type="submit">${t("console.signin.submit")}</button>
</form>
</section>`,
  });
}

export function renderInvitation(ctx: ConsolePageContext, model: { token: string; email: string; role: string; issuer: string; name?: string; error?: string }): string {
  const { t } = ctx;
  return consoleLayout(ctx, {
    title: t("console.invite.title"),
    body: html`<h1>${t("console.invite.title")}</h1>
<p class="lede">${t("console.invite.lede", { role: t(`console.role.${model.role}` as MessageKey), issuer: model.issuer, email: model.email })}</p>
${consoleNotice("bad", model.error)}
<section class="card">
<form method="post" action="/console/invite/${model.token}">
  <div class="field"><label for="name">${t("console.invite.name")}</label><input id="name" name="name" autocomplete="name" required maxlength="200" value="${model.name ?? ""}"></div>
  <div class="field"><label for="password">${t("console.invite.password")}</label><input id="password" name="password" type="password" autocomplete="new-password" required minlength="12"></div>
  <button class="btn" type="submit">${t("console.invite.submit")}</button>
</form>
</section>`,
  });
}

export function renderConsoleHome(ctx: ConsolePageContext, model: { issuerName: string; credentials: number; achievements: number; pending: number; jobs: AwardJob[]; achievementNames: Map<string, string> }): string {
  const { t } = ctx;
  return consoleLayout(ctx, {
    title: t("console.home.title"),
    current: "home",
    body: html`<h1>${t("console.home.title")}</h1>
<p class="lede">${t("console.home.issuer", { name: model.issuerName })}</p>
<div class="stats">
  <div class="stat"><strong>${model.credentials}</strong>${t("console.home.credentials")}</div>
  <div class="stat"><strong>${model.achievements}</strong>${t("console.home.achievements")}</div>
  <div class="stat"><strong>${model.pending}</strong>${t("console.home.pending")}</div>
</div>
<h2>${t("console.home.recent")}</h2>
${model.jobs.length === 0 ? html`<p>${t("console.home.none")}</p>` : jobsTable(ctx, model.jobs, model.achievementNames)}`,
  });
}

function jobsTable(ctx: ConsolePageContext, jobs: AwardJob[], names: Map<string, string>): SafeHtml {
  const { t } = ctx;
  return html`<div class="table-wrap" tabindex="0"><table>
<thead><tr><th scope="col">${t("console.col.when")}</th><th scope="col">${t("console.col.achievement")}</th><th scope="col">${t("console.col.file")}</th><th scope="col">${t("console.col.rows")}</th><th scope="col">${t("console.col.state")}</th></tr></thead>
<tbody>${jobs.map(
    (j) => html`<tr><td>${formatTime(j.createdAt, ctx.lang)}</td><td>${names.get(j.achievementId) ?? ""}</td><td><a href="/console/awards/${j.id}">${j.fileName}</a></td><td>${j.total}</td><td>${t(`console.job.${j.state}`)}${j.state === "done" ? html` (${j.awarded})` : ""}</td></tr>`,
  )}</tbody></table></div>`;
}

export function renderAchievementList(ctx: ConsolePageContext, achievements: AchievementRecord[]): string {
  const { t } = ctx;
  const canIssue = ctx.session ? may(ctx.session.staff.role, "issue") : false;
  return consoleLayout(ctx, {
    title: t("console.ach.title"),
    current: "achievements",
    body: html`<h1>${t("console.ach.title")}</h1>
${canIssue ? html`<p><a class="btn" href="/console/achievements/new">${t("console.ach.new")}</a></p>` : ""}
${achievements.length === 0
  ? html`<p>${t("console.ach.none")}</p>`
  : html`<ul class="ach-list">${achievements.map(
      (a) => html`<li class="card">${a.image ? html`<img class="badge-preview" src="${a.image}" alt="${t("console.ach.imageAlt", { name: a.name })}">` : ""}
<div><h2 class="h3"><a href="/console/achievements/${a.id}">${a.name}</a></h2><p class="small muted">${a.achievementType ?? "Badge"}</p>
${canIssue ? html`<a class="small" href="/console/awards?achievement=${a.id}">${t("console.ach.awardThis")}</a>` : ""}</div></li>`,
    )}</ul>`}`,
  });
}

export interface AchievementFormValues {
  name: string;
  description: string;
  criteria: string;
  achievementType: string;
  creditValue: string;
  tags: string;
  alignmentName: string;
  alignmentUrl: string;
  expiryMonths: string;
  imageMode: "keep" | "design" | "upload";
  shape: string;
  background: string;
  foreground: string;
  text: string;
  subtext: string;
  icon: string;
}

export function achievementFormValues(a?: AchievementRecord, d?: AchievementDetails): AchievementFormValues {
  return {
    name: a?.name ?? "",
    description: a?.description ?? "",
    criteria: a?.criteriaNarrative ?? "",
    achievementType: a?.achievementType ?? "Badge",
    creditValue: d?.creditValue === null || d?.creditValue === undefined ? "" : String(d.creditValue),
    tags: d?.tags.join(", ") ?? "",
    alignmentName: d?.alignment[0]?.targetName ?? "",
    alignmentUrl: d?.alignment[0]?.targetUrl ?? "",
    expiryMonths: d?.expiryMonths === null || d?.expiryMonths === undefined ? "" : String(d.expiryMonths),
    imageMode: a?.image ? "keep" : "design",
    shape: "circle",
    background: "#1d4ed8",
    foreground: "#ffffff",
    text: "",
    subtext: "",
    icon: "star",
  };
}

export const ACHIEVEMENT_TYPES = ["Badge", "Certificate", "Course", "Competency", "Achievement", "Award", "Certification", "Diploma", "MicroCredential"] as const;

export function renderAchievementForm(ctx: ConsolePageContext, model: { achievement?: AchievementRecord; values: AchievementFormValues; errors?: FieldError[]; notice?: string; warn?: string }): string {
  const { t } = ctx;
  const v = model.values;
  const a = model.achievement;
  const title = a ? t("console.ach.edit") : t("console.ach.new");
  const action = `/console/achievements/${a ? a.id : "new"}?_csrf=${encodeURIComponent(ctx.session?.csrfToken ?? "")}`;
  const radio = (mode: AchievementFormValues["imageMode"], key: MessageKey) =>
    html`<div class="choice"><input type="radio" id="image-${mode}" name="imageMode" value="${mode}"${v.imageMode === mode ? html` checked` : ""}><label for="image-${mode}">${t(key)}</label></div>`;
  const select = (name: string, label: MessageKey, options: readonly string[], value: string, optionKey: (o: string) => string) =>
    html`<div class="field"><label for="${name}">${t(label)}</label><select id="${name}" name="${name}">${options.map((o) => html`<option value="${o}"${o === value ? html` selected` : ""}>${optionKey(o)}</option>`)}</select></div>`;
  return consoleLayout(ctx, {
    title,
    current: "achievements",
    body: html`<h1>${title}</h1>
${consoleNotice("ok", model.notice)}${consoleNotice("warn", model.warn)}${errorList(ctx, model.errors)}
<form method="post" action="${action}" enctype="multipart/form-data" class="card">
  <div class="form-grid">
    <div class="field"><label for="name">${t("console.ach.name")}</label><input id="name" name="name" required maxlength="200" value="${v.name}"></div>
    ${select("achievementType", "console.ach.type", ACHIEVEMENT_TYPES, v.achievementType, (o) => o)}
  </div>
  <div class="field"><label for="description">${t("console.ach.description")}</label><textarea id="description" name="description" required maxlength="5000">${v.description}</textarea></div>
  <div class="field"><label for="criteria">${t("console.ach.criteria")}</label><textarea id="criteria" name="criteria" required maxlength="20000">${v.criteria}</textarea></div>
  <div class="form-grid">
    <div class="field"><label for="creditValue">${t("console.ach.credit")}</label><input id="creditValue" name="creditValue" inputmode="decimal" value="${v.creditValue}"></div>
    <div class="field"><label for="expiryMonths">${t("console.ach.expiry")}</label><input id="expiryMonths" name="expiryMonths" inputmode="numeric" value="${v.expiryMonths}"></div>
    <div class="field"><label for="tags">${t("console.ach.tags")}</label><input id="tags" name="tags" value="${v.tags}"></div>
    <div class="field"><label for="alignmentName">${t("console.ach.alignmentName")}</label><input id="alignmentName" name="alignmentName" value="${v.alignmentName}"></div>
    <div class="field"><label for="alignmentUrl">${t("console.ach.alignmentUrl")}</label><input id="alignmentUrl" name="alignmentUrl" type="url" value="${v.alignmentUrl}"></div>
  </div>
  <fieldset>
    <legend>${t("console.ach.image")}</legend>
    ${a?.image ? html`<img class="badge-preview" src="${a.image}" alt="${t("console.ach.imageAlt", { name: a.name })}">${radio("keep", "console.ach.image.keep")}` : ""}
    ${radio("design", "console.ach.image.design")}
    <div class="form-grid">
      ${select("shape", "console.ach.design.shape", BADGE_SHAPES, v.shape, (o) => t(`console.ach.shape.${o}` as MessageKey))}
      ${select("icon", "console.ach.design.icon", BADGE_ICONS, v.icon, (o) => t(`console.ach.icon.${o}` as MessageKey))}
      <div class="field"><label for="background">${t("console.ach.design.background")}</label><input id="background" name="background" type="color" value="${v.background}"></div>
      <div class="field"><label for="foreground">${t("console.ach.design.foreground")}</label><input id="foreground" name="foreground" type="color" value="${v.foreground}"></div>
      <div class="field"><label for="text">${t("console.ach.design.text")}</label><input id="text" name="text" maxlength="24" value="${v.text}"></div>
      <div class="field"><label for="subtext">${t("console.ach.design.subtext")}</label><input id="subtext" name="subtext" maxlength="32" value="${v.subtext}"></div>
    </div>
    ${radio("upload", "console.ach.image.upload")}
    <div class="field"><label for="image">${t("console.ach.image.file")}</label><input id="image" name="image" type="file" accept="image/png,image/svg+xml,.png,.svg"></div>
  </fieldset>
  <button class="btn" type="submit">${t("console.ach.save")}</button>
</form>`,
  });
}

export function renderAwardsPage(ctx: ConsolePageContext, model: { achievements: AchievementRecord[]; selected?: string; jobs: AwardJob[]; error?: string }): string {
  const { t } = ctx;
  const names = new Map(model.achievements.map((a) => [a.id, a.name]));
  return consoleLayout(ctx, {
    title: t("console.award.title"),
    current: "awards",
    body: html`<h1>${t("console.award.title")}</h1>
<p class="lede">${t("console.award.lede")}</p>
${consoleNotice("bad", model.error)}
${model.achievements.length === 0
  ? html`<p>${t("console.award.needAchievement")} <a href="/console/achievements/new">${t("console.ach.new")}</a></p>`
  : uploadForm(ctx, model.achievements, model.selected, t("console.award.upload"))}
<h2>${t("console.award.jobs")}</h2>
${model.jobs.length === 0 ? html`<p>${t("console.award.noJobs")}</p>` : jobsTable(ctx, model.jobs, names)}`,
  });
}

function uploadForm(ctx: ConsolePageContext, achievements: AchievementRecord[], selected: string | undefined, submit: string): SafeHtml {
  const { t } = ctx;
  return html`<form class="card" method="post" action="/console/awards?_csrf=${encodeURIComponent(ctx.session?.csrfToken ?? "")}" enctype="multipart/form-data">
  <div class="field"><label for="achievementId">${t("console.award.achievement")}</label><select id="achievementId" name="achievementId">${achievements.map(
    (a) => html`<option value="${a.id}"${a.id === selected ? html` selected` : ""}>${a.name}</option>`,
  )}</select></div>
  <div class="field"><label for="roster">${t("console.award.file")}</label><input id="roster" name="roster" type="file" required accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"></div>
  <button class="btn" type="submit">${submit}</button>
</form>`;
}

const PREVIEW_ROWS = 50;

export function renderAwardJob(ctx: ConsolePageContext, model: { job: AwardJob; rows: AwardRow[]; achievement: AchievementRecord; achievements: AchievementRecord[] }): string {
  const { t } = ctx;
  const { job, rows } = model;
  const problemText = (r: AwardRow) => r.problems.map((p) => t(`console.problem.${p}` as MessageKey)).join(", ");
  const bad = rows.filter((r) => r.problems.length > 0);
  const canIssue = ctx.session ? may(ctx.session.staff.role, "issue") : false;
  let body: SafeHtml;
  if (job.state === "preview") {
    body = html`<h1>${t("console.preview.title", { file: job.fileName })}</h1>
<p>${t("console.preview.summary", { total: job.total, bad: job.bad, encoding: job.encoding })}</p>
${bad.length > 0
  ? html`${consoleNotice("bad", t("console.preview.fix"))}
<h2>${t("console.preview.problems")}</h2>
<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${t("console.col.line")}</th><th scope="col">${t("console.col.student")}</th><th scope="col">${t("console.col.name")}</th><th scope="col">${t("console.col.email")}</th><th scope="col">${t("console.col.problems")}</th></tr></thead>
<tbody>${bad.map((r) => html`<tr class="bad-row"><td>${r.line}</td><td>${r.studentId}</td><td>${r.name}</td><td>${r.email}</td><td>${problemText(r)}</td></tr>`)}</tbody></table></div>
<h2>${t("console.preview.reupload")}</h2>
${canIssue ? uploadForm(ctx, model.achievements, job.achievementId, t("console.preview.reupload")) : ""}`
  : html`${consoleNotice("ok", t("console.preview.ready"))}
${canIssue ? html`<form method="post" action="/console/awards/${job.id}/start">${csrfField(ctx)}<button class="btn" type="submit">${t("console.preview.start", { total: job.total })}</button></form>` : ""}`}
<h2>${t("console.preview.rows")}</h2>
${rowsTable(ctx, rows.slice(0, PREVIEW_ROWS), false)}
${rows.length > PREVIEW_ROWS ? html`<p class="small muted">${t("console.preview.more", { count: rows.length - PREVIEW_ROWS })}</p>` : ""}`;
  } else {
    const done = job.awarded + job.failed;
    const finished = job.state === "done" || job.state === "failed";
    body = html`<h1>${t("console.progress.title", { achievement: model.achievement.name })}</h1>
<section class="card" id="award-progress" data-progress-url="/console/awards/${job.id}/progress.json" data-done-text="${t("console.progress.done", { awarded: "{awarded}", failed: "{failed}" })}" data-progress-text="${t("console.progress.text", { done: "{done}", total: "{total}" })}">
  <label for="award-bar">${t("console.progress.label")}</label>
  <progress id="award-bar" max="${job.total}" value="${done}">${done} / ${job.total}</progress>
  <p id="award-status" role="status">${finished ? t("console.progress.done", { awarded: job.awarded, failed: job.failed }) : t("console.progress.text", { done, total: job.total })}</p>
  <p id="award-links"${finished ? "" : html` hidden`}><a class="btn" href="/console/awards/${job.id}/results.csv" download>${t("console.progress.results")}</a> <a href="/console/credentials?achievement=${job.achievementId}">${t("console.progress.claims")}</a></p>
  ${finished ? "" : html`<p id="award-refresh"><a href="/console/awards/${job.id}">${t("console.progress.refresh")}</a></p>`}
</section>
${finished ? html`<h2>${t("console.preview.rows")}</h2>${rowsTable(ctx, rows.slice(0, PREVIEW_ROWS), true)}` : ""}`;
  }
  return consoleLayout(ctx, { title: t("console.award.title"), current: "awards", body, scripts: job.state === "running" ? ["/static/console.js"] : [] });
}

function rowsTable(ctx: ConsolePageContext, rows: AwardRow[], withResult: boolean): SafeHtml {
  const { t } = ctx;
  return html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${t("console.col.line")}</th><th scope="col">${t("console.col.student")}</th><th scope="col">${t("console.col.name")}</th><th scope="col">${t("console.col.email")}</th>${withResult ? html`<th scope="col">${t("console.col.result")}</th>` : ""}</tr></thead>
<tbody>${rows.map((r) => html`<tr><td>${r.line}</td><td>${r.studentId}</td><td>${r.name}</td><td>${r.email}</td>${withResult ? html`<td class="mono">${r.credentialId ?? r.error ?? ""}</td>` : ""}</tr>`)}</tbody></table></div>`;
}

export function renderCredentials(
  ctx: ConsolePageContext,
  model: { rows: ConsoleCredentialRow[]; total: number; offset: number; limit: number; query: string; achievementId?: string; notice?: string; error?: string },
): string {
  const { t } = ctx;
  const canIssue = ctx.session ? may(ctx.session.staff.role, "issue") : false;
  const page = (offset: number) => {
    const params = new URLSearchParams();
    if (model.query) params.set("q", model.query);
    if (model.achievementId) params.set("achievement", model.achievementId);
    params.set("offset", String(offset));
    return `/console/credentials?${params.toString()}`;
  };
  const state = (r: ConsoleCredentialRow) => (r.revoked ? "revoked" : r.suspended ? "suspended" : r.state);
  return consoleLayout(ctx, {
    title: t("console.cred.title"),
    current: "credentials",
    body: html`<h1>${t("console.cred.title")}</h1>
${consoleNotice("ok", model.notice)}${consoleNotice("bad", model.error)}
<form method="get" action="/console/credentials" class="actions-bar">
  ${model.achievementId ? html`<input type="hidden" name="achievement" value="${model.achievementId}">` : ""}
  <div class="field"><label for="q">${t("console.cred.search")}</label><input id="q" name="q" type="search" value="${model.query}"></div>
  <button class="btn secondary" type="submit">${t("console.cred.searchButton")}</button>
</form>
<p>${t("console.cred.count", { total: model.total })}</p>
${model.rows.length === 0
  ? html`<p>${t("console.cred.none")}</p>`
  : html`<form method="post" action="/console/credentials/actions">
${csrfField(ctx)}
<div class="table-wrap" tabindex="0"><table>
<thead><tr>${canIssue ? html`<th scope="col">${t("console.col.select")}</th>` : ""}<th scope="col">${t("console.col.name")}</th><th scope="col">${t("console.col.email")}</th><th scope="col">${t("console.col.achievement")}</th><th scope="col">${t("console.col.state")}</th><th scope="col">${t("console.col.claim")}</th><th scope="col">${t("console.col.issued")}</th></tr></thead>
<tbody>${model.rows.map(
      (r, i) => html`<tr data-credential="${r.id}">${canIssue ? html`<td><input type="checkbox" id="sel-${i}" name="ids" value="${r.id}" aria-label="${t("console.cred.selectOne", { name: r.recipientName ?? r.recipientEmail ?? r.id })}"></td>` : ""}
<td><a href="/c/${r.id.replace(/^urn:uuid:/, "")}">${r.recipientName ?? ""}</a></td><td>${r.recipientEmail ?? ""}</td><td>${r.achievementName ?? ""}</td>
<td><span class="pill ${state(r)}" data-state="${state(r)}">${t(`status.${state(r)}` as MessageKey)}</span></td>
<td data-claim="${r.claim}">${t(`console.claim.${r.claim}` as MessageKey)}${claimDetail(ctx, r)}${r.reminders > 0 ? html` <span class="small muted">(${t("console.cred.reminders", { count: r.reminders })})</span>` : ""}</td>
<td>${formatTime(r.createdAt, ctx.lang)}</td></tr>`,
    )}</tbody></table></div>
${canIssue
  ? html`<fieldset class="mt-16"><legend>${t("console.cred.actions")}</legend>
  <div class="field"><label for="reason">${t("console.cred.reason")}</label><input id="reason" name="reason" maxlength="500"></div>
  <div class="actions-bar">
    <button class="btn danger" type="submit" name="action" value="revoke">${t("console.cred.revoke")}</button>
    <button class="btn secondary" type="submit" name="action" value="suspend">${t("console.cred.suspend")}</button>
    <button class="btn secondary" type="submit" name="action" value="remind" aria-describedby="remind-rule">${t("console.cred.remind")}</button>
  </div><p class="small muted" id="remind-rule">${t("console.cred.remindRule")}</p></fieldset>`
  : ""}
</form>`}
<p class="row">${model.offset > 0 ? html`<a href="${page(Math.max(0, model.offset - model.limit))}">${t("console.cred.prev")}</a>` : ""}
${model.offset + model.limit < model.total ? html`<a href="${page(model.offset + model.limit)}">${t("console.cred.next")}</a>` : ""}</p>`,
  });
}

export function renderBatches(ctx: ConsolePageContext, model: { batches: BatchRecord[]; chainName: string; txUrl?: (hash: string) => string | undefined }): string {
  const { t } = ctx;
  return consoleLayout(ctx, {
    title: t("console.batch.title"),
    current: "batches",
    body: html`<h1>${t("console.batch.title")}</h1>
<p class="lede">${t("console.batch.lede")}</p>
<p>${t("console.batch.chain", { chain: model.chainName })}</p>
${model.batches.length === 0
  ? html`<p>${t("console.batch.none")}</p>`
  : html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${t("console.col.when")}</th><th scope="col">${t("console.col.state")}</th><th scope="col">${t("console.col.count")}</th><th scope="col">${t("console.col.root")}</th><th scope="col">${t("console.col.tx")}</th></tr></thead>
<tbody>${model.batches.map((b) => {
      const url = b.txHash ? model.txUrl?.(b.txHash) : undefined;
      return html`<tr data-batch-state="${b.state}"><td>${formatTime(b.createdAt, ctx.lang)}</td><td>${t(`console.batch.state.${b.state}` as MessageKey)}</td><td>${b.leafCount}</td><td class="mono">${b.root ?? ""}</td>
<td class="mono">${b.txHash ? (url ? html`<a href="${url}">${b.txHash}</a>` : html`${b.txHash}<br><span class="small">${t("console.batch.local")}</span>`) : ""}${b.blockNumber !== null ? html`<br><span class="small">#${b.blockNumber}</span>` : ""}</td></tr>`;
    })}</tbody></table></div>`}`,
  });
}

export function renderStaff(ctx: ConsolePageContext, model: { staff: StaffRecord[]; inviteLink?: { email: string; url: string }; error?: string }): string {
  const { t } = ctx;
  const me = ctx.session?.staff.id;
  const roles = ["admin", "issuer", "viewer"] as const;
  return consoleLayout(ctx, {
    title: t("console.staff.title"),
    current: "staff",
    body: html`<h1>${t("console.staff.title")}</h1>
${consoleNotice("bad", model.error)}
${model.inviteLink
  ? html`<div class="notice ok" role="status"><label for="invite-url">${t("console.staff.inviteLink", { email: model.inviteLink.email })}</label><input id="invite-url" class="invite-link" readonly value="${model.inviteLink.url}"></div>`
  : ""}
<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${t("console.col.name")}</th><th scope="col">${t("console.col.email")}</th><th scope="col">${t("console.col.role")}</th><th scope="col">${t("console.col.actions")}</th></tr></thead>
<tbody>${model.staff.map(
      (s) => html`<tr><td>${s.name}${s.id === me ? html` <span class="small muted">(${t("console.staff.you")})</span>` : ""}</td><td>${s.email}</td>
<td>${s.disabledAt !== null ? t("console.staff.disabled") : t(`console.role.${s.role}`)}</td>
<td>${s.disabledAt === null
        ? html`<form class="actions-bar" method="post" action="/console/staff/${s.id}">${csrfField(ctx)}
<label class="sr-only" for="role-${s.id}">${t("console.staff.roleOf", { name: s.name })}</label><select id="role-${s.id}" name="role">${roles.map((r) => html`<option value="${r}"${r === s.role ? html` selected` : ""}>${t(`console.role.${r}`)}</option>`)}</select>
<button class="btn secondary small" type="submit" name="op" value="role">${t("console.staff.changeRole")}</button>
<button class="btn secondary small" type="submit" name="op" value="disable">${t("console.staff.disable")}</button></form>`
        : ""}</td></tr>`,
    )}</tbody></table></div>
<h2>${t("console.staff.invite")}</h2>
<form class="card" method="post" action="/console/staff/invitations">${csrfField(ctx)}
  <div class="form-grid">
  <div class="field"><label for="invite-email">${t("console.staff.inviteEmail")}</label><input id="invite-email" name="email" type="email" required></div>
  <div class="field"><label for="invite-role">${t("console.staff.inviteRole")}</label><select id="invite-role" name="role">${roles.map((r) => html`<option value="${r}"${r === "issuer" ? html` selected` : ""}>${t(`console.role.${r}`)}</option>`)}</select></div>
  </div>
  <button class="btn" type="submit">${t("console.staff.inviteSubmit")}</button>
</form>`,
  });
}

export interface ProfileFormValues {
  name: string;
  url: string;
  domain: string;
  contactEmail: string;
  signatories: { name: string; title: string }[];
}

export function renderProfile(ctx: ConsolePageContext, model: { values: ProfileFormValues; profile: IssuerProfileFields; errors?: FieldError[]; notice?: string }): string {
  const { t } = ctx;
  const v = model.values;
  const rows = [0, 1, 2].map((i) => v.signatories[i] ?? { name: "", title: "" });
  return consoleLayout(ctx, {
    title: t("console.profile.title"),
    current: "profile",
    body: html`<h1>${t("console.profile.title")}</h1>
<p class="lede">${t("console.profile.lede")}</p>
${consoleNotice("ok", model.notice)}${errorList(ctx, model.errors)}
<form class="card" method="post" action="/console/profile?_csrf=${encodeURIComponent(ctx.session?.csrfToken ?? "")}" enctype="multipart/form-data">
  <div class="form-grid">
    <div class="field"><label for="name">${t("console.profile.name")}</label><input id="name" name="name" required maxlength="200" value="${v.name}"></div>
    <div class="field"><label for="url">${t("console.profile.url")}</label><input id="url" name="url" type="url" required value="${v.url}"></div>
    <div class="field"><label for="domain">${t("console.profile.domain")}</label><input id="domain" name="domain" value="${v.domain}"></div>
    <div class="field"><label for="contactEmail">${t("console.profile.contact")}</label><input id="contactEmail" name="contactEmail" type="email" value="${v.contactEmail}"></div>
  </div>
  <div class="form-grid">
    <div class="field">${model.profile.logoImage ? html`<img class="badge-preview" src="${model.profile.logoImage}" alt="${t("console.profile.current", { what: t("console.profile.logo") })}">` : ""}<label for="logo">${t("console.profile.logo")}</label><input id="logo" name="logo" type="file" accept="image/png,image/svg+xml,.png,.svg"></div>
    <div class="field">${model.profile.sealImage ? html`<img class="badge-preview" src="${model.profile.sealImage}" alt="${t("console.profile.current", { what: t("console.profile.seal") })}">` : ""}<label for="seal">${t("console.profile.seal")}</label><input id="seal" name="seal" type="file" accept="image/png,image/svg+xml,.png,.svg"></div>
  </div>
  <fieldset><legend>${t("console.profile.signatories")}</legend>
  ${rows.map(
    (s, i) => html`<div class="form-grid"><div class="field"><label for="sig-name-${i}">${t("console.profile.signatoryName", { n: i + 1 })}</label><input id="sig-name-${i}" name="signatoryName${i}" maxlength="100" value="${s.name}"></div>
<div class="field"><label for="sig-title-${i}">${t("console.profile.signatoryTitle", { n: i + 1 })}</label><input id="sig-title-${i}" name="signatoryTitle${i}" maxlength="100" value="${s.title}"></div></div>`,
  )}
  </fieldset>
  <button class="btn" type="submit">${t("console.profile.save")}</button>
</form>`,
  });
}

/** The time a claim link was first opened, or why its mail did not arrive (issue 15). */
function claimDetail(ctx: ConsolePageContext, r: ConsoleCredentialRow): SafeHtml | "" {
  const { t } = ctx;
  if (r.claim === "opened" && r.openedAt !== null) return html` <span class="small muted" data-opened-at="${String(r.openedAt)}">(${t("console.claim.openedAt", { time: formatTime(r.openedAt, ctx.lang) })})</span>`;
  if (r.claim === "bounced") return html` <span class="small muted" data-claim-hint>— ${t("console.claim.bouncedHint")}</span>`;
  if (r.claim === "failed") return html` <span class="small muted" data-claim-hint>— ${t("console.claim.failedHint")}</span>`;
  return "";
}
