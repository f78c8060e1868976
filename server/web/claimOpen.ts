/**
 * Whether a request for a claim page is a person opening the link (issue 15: the console shows
 * a claim as "opened" with its time). Not counted:
 * - HEAD requests (link checkers, and Express answers HEAD with the GET route);
 * - link-preview bots of chat apps, social sites, mail clients and search engines, recognised
 *   by their user agents (the list below), and requests with no user agent at all.
 * Mail security scanners that fetch links with a browser's user agent (some corporate
 * gateways) cannot be told apart from a person and do count: "opened" means the page was
 * fetched by something that looked like a browser, not that the learner read it.
 */
import type { Request } from "express";

/** User agents of link previewers and crawlers (substrings, case-insensitive). */
const PREVIEW_AGENTS = [
  "facebookexternalhit",
  "facebot",
  "twitterbot",
  "slackbot",
  "slack-imgproxy",
  "linkedinbot",
  "whatsapp",
  "telegrambot",
  "discordbot",
  "skypeuripreview",
  "microsoftpreview",
  "teamsbot",
  "kakaotalk-scrap",
  "kakaostory-og-reader",
  "daumoa",
  "yeti", // Naver
  "line-poker", // LINE
  "googlebot",
  "google-pagerenderer",
  "googleimageproxy",
  "bingbot",
  "bingpreview",
  "applebot",
  "redditbot",
  "embedly",
  "iframely",
  "pinterest",
  "mattermost",
  "bot/",
  "crawler",
  "spider",
];

export function isLinkPreview(userAgent: string | undefined): boolean {
  if (!userAgent || userAgent.trim() === "") return true;
  const agent = userAgent.toLowerCase();
  return PREVIEW_AGENTS.some((name) => agent.includes(name));
}

/** A GET by something that is not a known previewer. */
export function isPersonOpening(req: Pick<Request, "method" | "get">): boolean {
  return req.method === "GET" && !isLinkPreview(req.get("user-agent"));
}
