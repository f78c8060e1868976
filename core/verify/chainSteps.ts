/**
 * The steps that read the registry: key registered and valid at anchor time, root anchored,
 * co-issuer endorsements (the status bits are in statusStep.ts). They only look answers up:
 * every read happened before, in one call per bundle (chainPlan.ts).
 */
import type { AnchorRecord, VerificationAnswer } from "../chain/registryReader";
import { coIssuerProofs, type ChainView } from "./chainPlan";
import { issuerLabel, type CredentialFacts } from "./credentialFacts";
import { keyVerdictAt, type KeyVerdict } from "./keyValidity";
import { isoTime, jsonInteger, shortHex, shortKey, step, type StepName, type VerificationStep } from "./report";

type ReadView = Extract<ChainView, { kind: "read" }>;

function unavailable(name: StepName, view: Extract<ChainView, { kind: "unavailable" }>, what: string): VerificationStep {
  const status = view.severity === "failed" ? "failed" : view.severity === "warning" ? "warning" : "skipped";
  return step(name, status, `${what} not checked: ${view.reason}`);
}

/** The anchor record for the credential's root, when there is a readable anchor proof by this issuer. */
export function anchorAnswer(facts: CredentialFacts, view: ReadView): VerificationAnswer | undefined {
  return view.plan.anchorQuery ? view.answer(view.plan.anchorQuery) : undefined;
}

function anchorIsUsable(facts: CredentialFacts, view: ReadView): AnchorRecord | undefined {
  const answer = anchorAnswer(facts, view);
  const issuerMatches = facts.anchor?.data && facts.issuer.address && facts.anchor.data.issuer.toLowerCase() === facts.issuer.address.toLowerCase();
  return answer && issuerMatches && answer.anchor.anchoredAt !== 0n ? answer.anchor : undefined;
}

function keyRecordData(answer: VerificationAnswer) {
  const key = answer.key;
  return {
    validFrom: jsonInteger(key.validFrom),
    validUntil: jsonInteger(key.validUntil),
    compromisedAt: jsonInteger(key.compromisedAt),
    registeredAt: jsonInteger(key.registeredAt),
  };
}

function describeKeyFailure(verdict: Extract<KeyVerdict, { valid: false }>, answer: VerificationAnswer, when: string): string {
  switch (verdict.reason) {
    case "not-registered":
      return "is not registered on chain";
    case "compromised":
      return `was marked compromised from ${isoTime(answer.key.compromisedAt)}, before ${when}`;
    case "not-yet-valid":
      return `was not yet valid at ${when} (valid from ${isoTime(answer.key.validFrom)})`;
    case "expired":
      return `was no longer valid at ${when} (valid until ${isoTime(answer.key.validUntil)})`;
  }
}

export function keyRegisteredStep(facts: CredentialFacts, view: ChainView): VerificationStep {
  if (view.kind === "unavailable") return unavailable("key-registered", view, "Key registration");
  const proofs = view.plan.keyQueries;
  if (proofs.length === 0) return step("key-registered", "skipped", "No issuer proof, so there is no key to look up");
  const anchor = anchorIsUsable(facts, view);
  // Anchored: the anchor's block time proves when the credential existed. Not anchored: all we
  // can say is whether the key counts now.
  const at = anchor ? anchor.anchoredAt : view.blockTimestamp;
  const when = anchor ? `anchor time (${isoTime(at)})` : `the current block time (${isoTime(at)}; no anchor proves an earlier signing time)`;
  const issuer = issuerLabel(facts.issuer);
  const keys = proofs.map(({ proof, query }) => {
    const answer = view.answer(query);
    return { proof, answer, verdict: keyVerdictAt(answer.key, at) };
  });
  const data = {
    issuer: facts.issuer.address,
    registry: view.plan.registry,
    checkedAt: jsonInteger(at),
    anchored: anchor !== undefined,
    keys: keys.map(({ proof, answer, verdict }) => ({ publicKeyMultibase: proof.publicKeyMultibase, ...keyRecordData(answer), valid: verdict.valid })),
  };
  const failed = keys.find((key) => !key.verdict.valid);
  if (failed && !failed.verdict.valid) {
    return step("key-registered", "failed", `Key ${shortKey(failed.proof.publicKeyMultibase)} of ${issuer} ${describeKeyFailure(failed.verdict, failed.answer, when)}`, data);
  }
  const names = keys.map((key) => shortKey(key.proof.publicKeyMultibase)).join(", ");
  const later = keys.find((key) => key.verdict.valid && key.verdict.compromisedLater);
  if (later) {
    return step(
      "key-registered",
      "warning",
      `Key ${shortKey(later.proof.publicKeyMultibase)} of ${issuer} was valid at ${when}; it was marked compromised later, from ${isoTime(later.answer.key.compromisedAt)}, so only credentials anchored before that count`,
      data,
    );
  }
  return step("key-registered", "ok", `Key ${names} is registered for ${issuer} and was valid at ${when}`, data);
}

export function anchoredStep(facts: CredentialFacts, view: ChainView, confirmations: number): VerificationStep {
  if (!facts.anchor) {
    // "Signed, not anchored" is how imported badges and freshly issued ones look: not a failure.
    const signed = facts.proofs.some((proof) => proof.verified) ? "Signed, not anchored" : "Not anchored";
    return step("anchored", "warning", `${signed}: the credential has no anchor proof, so its signing time is not proven on chain`);
  }
  const proof = facts.anchor.data;
  if (!proof) return step("anchored", "failed", `The anchor proof cannot be read: ${facts.anchor.error}`);
  const claimed = { chainId: proof.chainId, registry: proof.registry, issuer: proof.issuer, root: proof.root, txHash: proof.txHash, blockNumber: proof.blockNumber };
  if (view.kind === "unavailable") {
    return step("anchored", view.severity === "failed" ? "failed" : "warning", `Anchor not checked: ${view.reason}`, { claimed });
  }
  if (!facts.issuer.address || proof.issuer.toLowerCase() !== facts.issuer.address.toLowerCase()) {
    return step("anchored", "failed", `The anchor proof names issuer ${proof.issuer}, but the credential's issuer is ${facts.issuer.address ?? facts.issuer.id}`, { claimed });
  }
  const record = anchorAnswer(facts, view)!.anchor;
  const where = `registry ${shortHex(view.plan.registry)} on chain ${view.plan.chainId}`;
  const data = {
    claimed,
    onChain: {
      anchoredAt: jsonInteger(record.anchoredAt),
      blockNumber: jsonInteger(record.blockNumber),
      leafCount: jsonInteger(record.leafCount),
      voided: record.voided,
      voidReason: record.voidReason,
    },
    readAtBlock: jsonInteger(view.blockNumber),
    requiredConfirmations: confirmations,
  };
  if (record.anchoredAt === 0n) {
    return step("anchored", "failed", `Root ${shortHex(proof.root)} was never anchored by ${issuerLabel(facts.issuer)} on ${where}`, data);
  }
  if (record.voided) {
    return step("anchored", "failed", `The issuer voided the batch ${shortHex(proof.root)} (reason code ${record.voidReason})`, data);
  }
  if (BigInt(proof.blockNumber) !== record.blockNumber) {
    return step("anchored", "failed", `The anchor proof says block ${proof.blockNumber}, but the registry recorded the anchor in block ${record.blockNumber}`, data);
  }
  const seen = view.blockNumber - record.blockNumber + 1n;
  if (seen < BigInt(confirmations)) {
    return step("anchored", "failed", `Anchored in block ${record.blockNumber} but only ${seen} of the ${confirmations} required confirmations so far; try again later`, data);
  }
  const summary = `Anchored by ${issuerLabel(facts.issuer)} on ${isoTime(record.anchoredAt)} in block ${record.blockNumber} (${seen} confirmation${seen === 1n ? "" : "s"}) on ${where}`;
  const trusted = view.plan.trusted;
  if (trusted && !trusted.some((address) => address.toLowerCase() === view.plan.registry.toLowerCase())) {
    return step("anchored", "warning", `${summary}, which is not a trusted registry for chain ${view.plan.chainId} (trusted: ${trusted.join(", ")})`, { ...data, trusted });
  }
  return step("anchored", "ok", summary, data);
}

export function coIssuersStep(facts: CredentialFacts, view: ChainView): VerificationStep {
  const coProofs = coIssuerProofs(facts);
  if (view.kind === "unavailable") {
    if (coProofs.length === 0) return step("co-issuers", "skipped", "Not co-issued");
    return unavailable("co-issuers", view, `Co-issuer endorsements (${coProofs.length} co-issuer proof${coProofs.length > 1 ? "s" : ""})`);
  }
  const answer = anchorAnswer(facts, view);
  const record = anchorIsUsable(facts, view);
  if (!answer || !record) {
    if (coProofs.length === 0) return step("co-issuers", "skipped", "Not co-issued");
    return step("co-issuers", "warning", `The credential carries ${coProofs.length} co-issuer proof(s), but no anchor records their endorsements`);
  }
  if (record.coIssuerCount === 0) {
    if (coProofs.length === 0) return step("co-issuers", "skipped", "Not co-issued");
    return step("co-issuers", "warning", `The credential carries proofs by ${coProofs.map((p) => p.controller).join(", ")}, whom the anchor does not name as co-issuers`);
  }
  // A party counts when it endorsed the root on chain AND its proof on this credential verifies
  // with a key valid at anchor time: stripping a co-issuer's proof must lower the count. The
  // anchoring issuer counts as the first endorsement.
  const parties = answer.coIssuers.map((address, i) => {
    const endorsedAt = answer.endorsedAt[i] ?? 0n;
    const planned = view.plan.coIssuerQueries.find((entry) => entry.address.toLowerCase() === address.toLowerCase());
    const verdict = planned ? keyVerdictAt(view.answer(planned.query).key, record.anchoredAt) : undefined;
    const proofOk = planned !== undefined && planned.proof.verified && verdict!.valid;
    const problem = endorsedAt === 0n
      ? "has not endorsed the root"
      : !planned
        ? "endorsed the root but has no proof on this credential"
        : !planned.proof.verified
          ? "has a proof that does not verify"
          : !verdict!.valid
            ? `signed with key ${shortKey(planned.proof.publicKeyMultibase)}, which ${verdict!.reason === "not-registered" ? "is not registered for it" : `was not valid at anchor time (${verdict!.reason})`}`
            : undefined;
    return { address, endorsedAt: jsonInteger(endorsedAt), publicKeyMultibase: planned?.proof.publicKeyMultibase, counts: endorsedAt !== 0n && proofOk, problem };
  });
  const count = 1 + parties.filter((party) => party.counts).length;
  const total = parties.length + 1;
  const data = { threshold: record.threshold, parties: total, endorsements: count, coIssuers: parties };
  // A co-issuer proof whose key is not registered for it is wrong even when the threshold is met.
  const badKey = parties.find((party) => party.publicKeyMultibase && party.problem && party.problem.startsWith("signed with key"));
  if (badKey) return step("co-issuers", "failed", `Co-issuer ${badKey.address} ${badKey.problem}`, data);
  if (count < record.threshold) {
    const missing = parties.filter((party) => !party.counts).map((party) => `${shortHex(party.address)} ${party.problem}`);
    return step("co-issuers", "failed", `Only ${count} of ${total} parties endorsed this credential; ${record.threshold} are required (${missing.join("; ")})`, data);
  }
  return step("co-issuers", "ok", `${count} of ${total} parties endorsed this credential (threshold ${record.threshold})`, data);
}
