/**
 * The components of a stacked badge: the credentials it was earned from, listed in its signed
 * OB 3.0 `evidence`, one entry per component:
 *
 *   { "id": "<URL (or id) of the component credential>", "type": ["Evidence"],
 *     "name": "<component's achievement name>", "genre": "ext:StackedComponent",
 *     "description": "keccak256:0x<credentialDigest of the component>" }
 *
 * The digest is core/proof/digest's credentialDigest (JCS of the credential without its anchor
 * proof), so a component served later with its anchor proof still has the listed digest, and
 * any other change to it does not. Browser-safe.
 */
import { credentialDigest } from "../proof/digest";
import type { BundleReport, CredentialReport, Verdict } from "../verify/report";
import { VC_V2_CONTEXT, OB_V3_CONTEXT } from "../credential/contexts";

export const STACKED_COMPONENT_GENRE = "ext:StackedComponent";
const DIGEST_PREFIX = "keccak256:";

export interface ComponentEvidence {
  id: string;
  type: ["Evidence"];
  name: string;
  genre: typeof STACKED_COMPONENT_GENRE;
  description: string;
}

export function componentEvidence(component: { url: string; name: string; digest: string }): ComponentEvidence {
  return { id: component.url, type: ["Evidence"], name: component.name, genre: STACKED_COMPONENT_GENRE, description: `${DIGEST_PREFIX}${component.digest}` };
}

/**
 * The component as an OB 3.0 Result of the stacked badge's subject (the "related results"):
 * an Alignment to the component credential, its digest as the alignment's targetCode, and the
 * credits it brought as the result's value. Informative; the deep check reads the evidence.
 */
export function componentResult(component: { url: string; name: string; digest: string; credits: number }) {
  return {
    value: String(component.credits),
    alignment: [{ targetName: component.name, targetUrl: component.url, targetCode: `${DIGEST_PREFIX}${component.digest}`, targetType: STACKED_COMPONENT_GENRE }],
  };
}

export interface ListedComponent {
  id: string;
  name: string;
  digest: `0x${string}`;
}

export type ComponentListing = { ok: true; components: ListedComponent[] } | { ok: false; problem: string };

/**
 * The components a stacked badge lists. Fails closed: an inline or unexpected `@context` (which
 * could alias `evidence` so the JSON shows other entries than the signature covers), a
 * component entry of another shape, or no component at all is a problem, never "nothing to check".
 */
export function readListedComponents(credential: unknown): ComponentListing {
  if (typeof credential !== "object" || credential === null || Array.isArray(credential)) return { ok: false, problem: "the stacked badge is not a JSON object" };
  const doc = credential as Record<string, unknown>;
  const context = doc["@context"];
  if (!Array.isArray(context) || context.length !== 2 || context[0] !== VC_V2_CONTEXT || context[1] !== OB_V3_CONTEXT) {
    return { ok: false, problem: `a stacked badge's @context must be exactly [${VC_V2_CONTEXT}, ${OB_V3_CONTEXT}] for its components to be read` };
  }
  const evidence = doc.evidence;
  if (!Array.isArray(evidence)) return { ok: false, problem: "the badge lists no components (no evidence)" };
  const components: ListedComponent[] = [];
  for (const [i, entry] of evidence.entries()) {
    if (typeof entry !== "object" || entry === null) return { ok: false, problem: `evidence[${i}] is not an object` };
    const e = entry as Record<string, unknown>;
    if (e.genre !== STACKED_COMPONENT_GENRE) continue;
    const digest = typeof e.description === "string" && e.description.startsWith(DIGEST_PREFIX) ? e.description.slice(DIGEST_PREFIX.length) : undefined;
    if (typeof e.id !== "string" || e.id.length === 0) return { ok: false, problem: `evidence[${i}] names no component id` };
    if (digest === undefined || !/^0x[0-9a-f]{64}$/.test(digest)) return { ok: false, problem: `evidence[${i}] has no ${DIGEST_PREFIX}0x… digest` };
    if (components.some((c) => c.id === e.id)) return { ok: false, problem: `evidence[${i}] lists component ${e.id} twice` };
    components.push({ id: e.id, name: typeof e.name === "string" ? e.name : "", digest: digest as `0x${string}` });
  }
  if (components.length === 0) return { ok: false, problem: `the badge lists no components (no evidence of genre ${STACKED_COMPONENT_GENRE})` };
  return { ok: true, components };
}

/** Whether `credential` is the component a listing names: its id is the listed id, or the last path segment of the listed URL. */
export function isListedAs(listedId: string, credential: unknown): boolean {
  const id = (credential as { id?: unknown } | null)?.id;
  if (typeof id !== "string") return false;
  if (id === listedId) return true;
  const lastSegment = listedId.split(/[?#]/)[0]!.split("/").at(-1);
  try {
    return lastSegment !== undefined && decodeURIComponent(lastSegment) === id;
  } catch {
    return false;
  }
}

export type ComponentOutcome = "ok" | "missing" | "digest-mismatch" | "revoked" | "failed" | "unconfirmed" | "other-issuer";

export interface ComponentCheck {
  id: string;
  name: string;
  digest: string;
  outcome: ComponentOutcome;
  message: string;
}

export interface DeepReport {
  /** verified only when the badge itself verified and every listed component is ok. */
  verdict: Verdict;
  verified: boolean;
  badge: { id: string; verdict: Verdict; reason?: string | undefined };
  components: ComponentCheck[];
  /** Why the deep check could not even start (the listing was unreadable). */
  problem?: string;
}

/** A fetched or supplied component, with what fetching it found. */
export type FoundComponent = { listedId: string; credential: unknown } | { listedId: string; error: string };

/**
 * Judges a stacked badge with its components. `report` is the core pipeline's report over
 * [badge, ...the found components' credentials] in that order.
 */
export function judgeStackedBadge(badge: unknown, found: readonly FoundComponent[], report: BundleReport): DeepReport {
  const badgeReport = report.results[0] as CredentialReport;
  const badgeId = String((badge as { id?: unknown } | null)?.id ?? "");
  const head = { id: badgeId, verdict: badgeReport.verdict, ...(badgeReport.reason ? { reason: badgeReport.reason } : {}) };
  const listing = readListedComponents(badge);
  if (!listing.ok) return { verdict: "failed", verified: false, badge: head, components: [], problem: listing.problem };
  const issuerOf = (c: unknown) => {
    const issuer = (c as { issuer?: unknown } | null)?.issuer;
    return typeof issuer === "string" ? issuer : (issuer as { id?: unknown } | null)?.id;
  };
  const badgeIssuer = issuerOf(badge);
  let reportIndex = 1;
  const checks: ComponentCheck[] = listing.components.map((listed) => {
    const base = { id: listed.id, name: listed.name, digest: listed.digest };
    const item = found.find((f) => f.listedId === listed.id);
    if (!item) return { ...base, outcome: "missing", message: "not given and not fetched" };
    if ("error" in item) return { ...base, outcome: "missing", message: item.error };
    const componentReport = report.results[reportIndex++] as CredentialReport | undefined;
    if (!isListedAs(listed.id, item.credential)) return { ...base, outcome: "missing", message: `the credential found has another id (${String((item.credential as { id?: unknown })?.id)})` };
    let digest: string;
    try {
      digest = credentialDigest(item.credential);
    } catch (error) {
      return { ...base, outcome: "failed", message: `not a credential: ${(error as Error).message}` };
    }
    if (digest !== listed.digest) return { ...base, outcome: "digest-mismatch", message: `its digest is ${digest}, the badge lists ${listed.digest}: it is not the credential the badge was earned from` };
    if (issuerOf(item.credential) !== badgeIssuer) return { ...base, outcome: "other-issuer", message: `issued by ${String(issuerOf(item.credential))}, not by the stacked badge's issuer` };
    if (!componentReport) return { ...base, outcome: "unconfirmed", message: "the component was not verified" };
    if (componentReport.verdict === "verified") return { ...base, outcome: "ok", message: "verified, digest matches" };
    const statusStep = componentReport.steps.find((s) => s.name === "status");
    if (statusStep?.status === "failed") return { ...base, outcome: "revoked", message: statusStep.message };
    return { ...base, outcome: componentReport.verdict === "failed" ? "failed" : "unconfirmed", message: componentReport.reason ?? componentReport.verdict };
  });
  const outcomes = checks.map((c) => c.outcome);
  let verdict: Verdict;
  if (badgeReport.verdict === "failed" || outcomes.some((o) => o !== "ok" && o !== "unconfirmed")) verdict = "failed";
  else if (badgeReport.verdict === "unconfirmed" || outcomes.includes("unconfirmed")) verdict = "unconfirmed";
  else verdict = "verified";
  return { verdict, verified: verdict === "verified", badge: head, components: checks };
}

/** The credentials to verify for `judgeStackedBadge`, in the order it reads the report. */
export function credentialsToVerify(badge: unknown, found: readonly FoundComponent[]): unknown[] {
  const listing = readListedComponents(badge);
  if (!listing.ok) return [badge];
  const out: unknown[] = [badge];
  for (const listed of listing.components) {
    const item = found.find((f) => f.listedId === listed.id);
    if (item && "credential" in item) out.push(item.credential);
  }
  return out;
}
