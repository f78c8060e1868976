import { html } from "../html";
import { layout, type PageContext } from "../layout";
import { badgeTile, type BadgeTileModel } from "../components";

export function renderProfilePage(ctx: PageContext, model: { handle: string; displayName?: string; badges: BadgeTileModel[] }): string {
  const { t, lang } = ctx;
  const name = model.displayName || model.handle;
  return layout(ctx, {
    title: t("profile.title", { name }),
    body: html`<h1>${t("profile.title", { name })}</h1>
<p class="muted">/u/${model.handle}</p>
${model.badges.length ? html`<div class="grid">${model.badges.map((b) => badgeTile(b, lang, t, undefined, 2))}</div>` : html`<p class="card muted">${t("profile.empty")}</p>`}`,
  });
}
