/**
 * core/stacking: tier standings at and around each threshold, per-list minimums, the window's
 * edges; the component listing read fail-closed; the deep judgement of each way a component
 * can be wrong. Pure functions, no chain (the end-to-end half is test/server/stacking.test.ts).
 */
import { expect } from "chai";
import { VC_V2_CONTEXT, OB_V3_CONTEXT } from "../../../core/credential/contexts";
import { credentialDigest } from "../../../core/proof/digest";
import { componentEvidence, judgeStackedBadge, readListedComponents } from "../../../core/stacking/components";
import { nextTier, standingOf, type StackingRuleShape } from "../../../core/stacking/tiers";
import type { BundleReport, CredentialReport } from "../../../core/verify/report";

const rule: StackingRuleShape = {
  lists: { common: ["c1", "c2"], advanced: ["a1", "a2"], expert: ["e1"] },
  tiers: [
    { name: "Bronze", threshold: 12, minimums: {}, achievementId: "bronze" },
    { name: "Silver", threshold: 24, minimums: { advanced: 12 }, achievementId: "silver" },
    { name: "Gold", threshold: 36, minimums: {}, achievementId: "gold" },
  ],
  windowFrom: null,
  windowUntil: null,
};
const c = (credentialId: string, achievementId: string, credits: number, awardedAt = 1000) => ({ credentialId, achievementId, credits, awardedAt });
const reached = (components: ReturnType<typeof c>[], r = rule) => standingOf(r, components).tiers.filter((t) => t.reached).map((t) => r.tiers[t.tierIndex]!.name);

describe("stacking tiers", () => {
  it("reaches a tier exactly at its threshold and not one credit below", () => {
    expect(reached([c("1", "c1", 6), c("2", "c2", 5.5)])).to.deep.equal([]);
    expect(reached([c("1", "c1", 6), c("2", "c2", 6)])).to.deep.equal(["Bronze"]);
    expect(reached([c("1", "a1", 12), c("2", "c1", 12)])).to.deep.equal(["Bronze", "Silver"]);
    expect(reached([c("1", "a1", 12), c("2", "c1", 12), c("3", "e1", 12)])).to.deep.equal(["Bronze", "Silver", "Gold"]);
  });

  it("holds a tier back while a per-list minimum is unmet, and says how much is missing", () => {
    const standing = standingOf(rule, [c("1", "c1", 12), c("2", "e1", 12), c("3", "a1", 6)]);
    expect(standing.total).to.equal(30);
    expect(standing.tiers[1]).to.deep.equal({ tierIndex: 1, reached: false, missingByList: { advanced: 6 } });
    expect(nextTier(rule, standing)?.tier.name).to.equal("Silver");
  });

  it("counts neither unlisted achievements nor one credential twice", () => {
    expect(standingOf(rule, [c("1", "other", 50), c("2", "c1", 6), c("2", "c1", 6)]).total).to.equal(6);
  });

  it("counts components from the window's start up to, not including, its end", () => {
    const windowed = { ...rule, windowFrom: 100, windowUntil: 200 };
    expect(standingOf(windowed, [c("1", "c1", 6, 99), c("2", "c1", 6, 100), c("3", "c2", 6, 199), c("4", "c2", 6, 200)]).counted.map((x) => x.credentialId)).to.deep.equal(["2", "3"]);
  });

  it("has no next tier at the top", () => {
    const standing = standingOf(rule, [c("1", "a1", 12), c("2", "c1", 12), c("3", "e1", 12)]);
    expect(nextTier(rule, standing)).to.equal(undefined);
  });
});

describe("stacked badge components", () => {
  const issuer = { id: "did:pkh:eip155:31337:0x00000000000000000000000000000000000000aa", name: "Academy" };
  const component = (id: string) => ({ "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT], id, type: ["VerifiableCredential", "OpenBadgeCredential"], issuer, name: id });
  const components = [component("urn:uuid:1"), component("urn:uuid:2")];
  const badge = {
    "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
    id: "urn:uuid:badge",
    issuer,
    evidence: components.map((x) => componentEvidence({ url: `https://a.example/api/v1/credentials/${x.id}`, name: x.name, digest: credentialDigest(x) })),
  };
  const report = (verdicts: CredentialReport["verdict"][], revokedIndex?: number): BundleReport =>
    ({
      verdict: "verified",
      verified: true,
      results: verdicts.map((verdict, i) => ({
        verdict,
        verified: verdict === "verified",
        steps: i === revokedIndex ? [{ name: "status", status: "failed", message: "revoked on chain" }] : [],
        ...(verdict === "verified" ? {} : { reason: "something" }),
      })),
    }) as unknown as BundleReport;
  const found = (list: unknown[]) => list.map((credential, i) => ({ listedId: badge.evidence[i]!.id, credential }));

  it("reads each listed component's id and digest", () => {
    const listing = readListedComponents(badge);
    expect(listing.ok && listing.components.map((x) => x.digest)).to.deep.equal(components.map(credentialDigest));
  });

  it("refuses a listing it cannot trust: inline context, no components, a duplicate, a malformed digest", () => {
    expect(readListedComponents({ ...badge, "@context": [...badge["@context"], { evidence: "https://evil.example/evidence" }] })).to.deep.include({ ok: false });
    expect(readListedComponents({ ...badge, evidence: [] })).to.deep.include({ ok: false });
    expect(readListedComponents({ ...badge, evidence: [badge.evidence[0], badge.evidence[0]] })).to.deep.include({ ok: false });
    expect(readListedComponents({ ...badge, evidence: [{ ...badge.evidence[0], description: "keccak256:0x12" }] })).to.deep.include({ ok: false });
    expect(readListedComponents([badge])).to.deep.include({ ok: false });
  });

  it("verifies only when the badge and every component verified with the listed digest", () => {
    const deep = judgeStackedBadge(badge, found(components), report(["verified", "verified", "verified"]));
    expect(deep.verdict).to.equal("verified");
    expect(deep.components.map((x) => x.outcome)).to.deep.equal(["ok", "ok"]);
  });

  it("names a tampered, a revoked, a missing and another issuer's component, and fails", () => {
    const tampered = { ...components[0], name: "forged" };
    expect(judgeStackedBadge(badge, found([tampered, components[1]]), report(["verified", "verified", "verified"])).components.map((x) => x.outcome)).to.deep.equal(["digest-mismatch", "ok"]);
    const revoked = judgeStackedBadge(badge, found(components), report(["verified", "verified", "failed"], 2));
    expect([revoked.verdict, ...revoked.components.map((x) => x.outcome)]).to.deep.equal(["failed", "ok", "revoked"]);
    const missing = judgeStackedBadge(badge, [found(components)[0]!, { listedId: badge.evidence[1]!.id, error: "HTTP 404" }], report(["verified", "verified"]));
    expect([missing.verdict, ...missing.components.map((x) => x.outcome)]).to.deep.equal(["failed", "ok", "missing"]);
    const unconfirmed = judgeStackedBadge(badge, found(components), report(["verified", "unconfirmed", "verified"]));
    expect(unconfirmed.verdict).to.equal("unconfirmed");
    const foreign = { ...component("urn:uuid:3"), issuer: { id: "did:pkh:eip155:31337:0x00000000000000000000000000000000000000bb", name: "Elsewhere" } };
    const listingForeign = { ...badge, evidence: [componentEvidence({ url: "urn:uuid:3", name: "x", digest: credentialDigest(foreign) })] };
    expect(judgeStackedBadge(listingForeign, [{ listedId: "urn:uuid:3", credential: foreign }], report(["verified", "verified"])).components[0]!.outcome).to.equal("other-issuer");
    const badgeFailed = judgeStackedBadge(badge, found(components), report(["failed", "verified", "verified"]));
    expect(badgeFailed.verdict).to.equal("failed");
  });
});
