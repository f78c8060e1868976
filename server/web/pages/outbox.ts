import { html } from "../html";
import { layout, type PageContext } from "../layout";
import type { OutboxEntry } from "../../mail/outbox";

export function renderOutboxPage(ctx: PageContext, model: { dir: string; messages: OutboxEntry[] }): string {
  const { t } = ctx;
  return layout(ctx, {
    title: t("outbox.title"),
    current: "outbox",
    body: html`<h1>${t("outbox.title")}</h1>
<p class="lede">${t("outbox.lede", { dir: model.dir })}</p>
${model.messages.length === 0
  ? html`<p class="card muted">${t("outbox.empty")}</p>`
  : html`<div class="card"><table class="plain">
<thead><tr><th scope="col">${t("outbox.when")}</th><th scope="col">${t("outbox.to")}</th><th scope="col">${t("outbox.subject")}</th></tr></thead>
<tbody>${model.messages.map(
    (m) => html`<tr data-message-id="${m.id}"><td class="small">${m.date}</td><td>${m.to}</td><td><details><summary>${m.subject}</summary>
<div class="stack small">${m.links.map((link) => html`<div><a href="${link}" class="mono">${link}</a></div>`)}
<pre class="wrap">${m.text}</pre><a href="/dev/outbox/${m.id}.eml">.eml</a></div></details></td></tr>`,
  )}</tbody></table></div>`}`,
  });
}
