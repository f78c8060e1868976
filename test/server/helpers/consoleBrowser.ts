/** A registrar's browser on the console, for tests that drive /console over HTTP. */
import { expect } from "chai";
import { call } from "./server";

/** A registrar's browser on the console: cookies and the CSRF token of the last page. */
export class ConsoleBrowser {
  private cookies = new Map<string, string>();
  csrf = "";
  constructor(readonly base: string) {}
  async request(method: "GET" | "POST", route: string, form?: Record<string, string | string[]>) {
    const headers: Record<string, string> = { "accept-language": "en" };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
      body = params.toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers.origin = this.base;
    }
    const response = await fetch(`${this.base}${route}`, { method, headers, body, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [name, value] = cookie.split(";")[0]!.split("=");
      if (value) this.cookies.set(name!, value);
      else this.cookies.delete(name!);
    }
    const text = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, text };
  }
}

/** A staff member invited by the issuer's API key, signed in (the invitation link makes the account and a session). */
export async function consoleStaff(baseUrl: string, apiKey: string, email: string, options: { role?: "admin" | "issuer" | "viewer"; password?: string } = {}): Promise<ConsoleBrowser> {
  const browser = new ConsoleBrowser(baseUrl);
  const invitation = await call(baseUrl, "POST", "/api/v1/console/invitations", { key: apiKey, body: { email, role: options.role ?? "admin" } });
  expect(invitation.status, invitation.text).to.equal(201);
  const made = await browser.request("POST", new URL(invitation.body.inviteUrl).pathname, { name: "Registrar", password: options.password ?? "correct horse battery" });
  expect(made.status, made.text).to.equal(303);
  return browser;
}
