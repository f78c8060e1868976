/** Calls to a partner's (or lead's) instance over the server-to-server co-issuance API. */
import { s2sHeaders } from "./s2sAuth";

export const S2S_TIMEOUT_MS = 15_000;
export const S2S_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** The other instance refused or could not be reached; `status` is its HTTP status (0 when unreachable). */
export class PartnerCallError extends Error {
  override readonly name = "PartnerCallError";
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export async function postToInstance<T>(
  baseUrl: string,
  path: string,
  body: unknown,
  auth: { secret: Uint8Array; proposalId: string; now: number } | undefined,
): Promise<T> {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/json", ...(auth ? s2sHeaders(auth.secret, auth.proposalId, "POST", path, text, auth.now) : {}) };
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, { method: "POST", headers, body: text, redirect: "error", signal: AbortSignal.timeout(S2S_TIMEOUT_MS) });
  } catch (error) {
    throw new PartnerCallError(`${baseUrl} cannot be reached: ${(error as Error).message}`, 0);
  }
  const length = Number(response.headers.get("content-length") ?? "0");
  if (length > S2S_MAX_RESPONSE_BYTES) throw new PartnerCallError(`${baseUrl} answered with ${length} bytes (limit ${S2S_MAX_RESPONSE_BYTES})`, response.status);
  const answer = await response.text();
  if (answer.length > S2S_MAX_RESPONSE_BYTES) throw new PartnerCallError(`${baseUrl} answered with more than ${S2S_MAX_RESPONSE_BYTES} bytes`, response.status);
  let parsed: unknown;
  try {
    parsed = answer ? JSON.parse(answer) : {};
  } catch {
    throw new PartnerCallError(`${baseUrl}${path} answered ${response.status} with a body that is not JSON`, response.status);
  }
  if (!response.ok) {
    const message = (parsed as { error?: { message?: unknown }; message?: unknown })?.error?.message ?? (parsed as { message?: unknown })?.message;
    throw new PartnerCallError(`${baseUrl}${path} answered ${response.status}: ${typeof message === "string" ? message : answer.slice(0, 300)}`, response.status);
  }
  return parsed as T;
}
