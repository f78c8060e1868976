import { html } from "../html";
import { layout, type PageContext } from "../layout";

export function renderErrorPage(ctx: PageContext, message: string): string {
  return layout(ctx, { title: ctx.t("error.title"), body: html`<h1>${ctx.t("error.title")}</h1><div class="notice bad" role="alert">${message}</div>` });
}
