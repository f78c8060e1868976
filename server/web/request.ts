import type { Request, Response } from "express";
import { chooseLang } from "./i18n";
import { pageContext, type PageContext } from "./layout";
import { currentWallet, langCookie, rememberLang } from "../routes/learner/session";
import type { LearnerServices } from "../routes/learner/deps";
import { isLocalDeveloperRequest } from "../http/devOnly";

/** The page context of a request: language (remembered when switched), signed-in learner. */
export function requestContext(req: Request, res: Response, services: LearnerServices): PageContext {
  const queryLang = typeof req.query.lang === "string" ? req.query.lang : undefined;
  const lang = chooseLang(queryLang, langCookie(req), req.headers["accept-language"]);
  if (queryLang === lang) rememberLang(res, lang);
  const wallet = currentWallet(req, services.learners);
  return pageContext(lang, req.originalUrl, {
    learner: wallet ? { handle: wallet.handle, displayName: wallet.displayName ?? undefined } : undefined,
    showOutbox: services.devOutbox && isLocalDeveloperRequest(req),
  });
}

export function sendPage(res: Response, page: string, status = 200): void {
  res.status(status).type("html").set("Cache-Control", "no-store").send(page);
}
