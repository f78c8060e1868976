/**
 * The steps that read the registry: key registered and valid at anchor time, root anchored,
 * co-issuer endorsements (the status bits are in statusStep.ts). They only look answers up:
 * every read happened before, in one call per bundle (chainPlan.ts).
 */
import type { AnchorRecord, VerificationAnswer } from "../chain/registryReader";
import type { KeyBinding } from "../credential/issuerKeyBinding";
import type { IssuerProofResult } from "../credential/sign";
import { parseIssuerDid } from "../credential/did";
import { coIssuerProofs, registryLabel, type ChainView } from "./chainPlan";
import { issuerLabel, type CredentialFacts } from "./credentialFacts";
import { keyVerdictAt, type KeyVerdict } from "./keyValidity";
import { coded, isoTime, issuerParam, jsonInteger, shortHex, shortKey, step, withFix, type StepCode, type StepName, type StepParams, type VerificationStep } from "./report";

type ReadView = Extract<ChainView, { kind: "read" }>;
type UnavailableView = Extract<ChainView, { kind: "unavailable" }>;

/** A step that did not run: it names what was not checked and never reads as a claim. */
function unavailable(name: StepName, view: UnavailableView, what: string, code: StepCode, data?: Record<string, unknown>, params: StepParams = {}): VerificationStep {
  const result = coded(step(name, view.status, `${what} not checked: ${view.reason}`, data), code, {
    ...params,
    technical: view.reason,
    ...(view.reasonCode ? { reasonCode: view.reasonCode } : {}),
  });
  if (view.status === "unconfirmed" && view.fix !== undefined) {
    // A fix without a code (from a lower layer) is shown as a raw technical value.
    if (view.fixCode) withFix(result, view.fix, view.fixCode, view.chainId === undefined ? {} : { chainId: view.chainId });
    else result.fix = view.fix;
  }
  return result;
}

const FETCH_LATER = (facts: CredentialFacts) => `Signed by ${issuerLabel(facts.issuer)}; not yet recorded on chain — usually within minutes. Fetch the credential again later to get its anchor proof`;

/** A key binding of a non-chain issuer's own proof (from bindIssuerKey), as the pipeline collected it. */
export interface ProofBinding {
  proof: IssuerProofResult;
  binding: KeyBinding;
}

/** The anchor record for the credential's root, when there is a readable anchor proof by this issuer. */
export function anchorAnswer(facts: CredentialFacts, view: ReadView): VerificationAnswer | undefined {
  return view.plan.anchorQuery ? view.answer(view.plan.anchorQuery) : undefined;
}

/** The on-chain record of the credential's anchor, when it exists and was not voided. */
function anchorIsUsable(facts: CredentialFacts, view: ReadView): AnchorRecord | undefined {
  // The plan asks for the anchor only in the issuer's own namespace (chainPlan checked the proof
  // names the credential's issuer), so a record here is the issuer's.
  const answer = anchorAnswer(facts, view);
  return answer && answer.anchor.anchoredAt !== 0n && !answer.anchor.voided ? answer.anchor : undefined;
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

function notCoIssued(): VerificationStep {
  return coded(step("co-issuers", "skipped", "Not co-issued"), "coIssuers.none");
}

/** The code and values of a key that was not valid at the time it was checked at. */
function keyFailureCode(verdict: Extract<KeyVerdict, { valid: false }>, answer: VerificationAnswer, params: StepParams): [StepCode, StepParams] {
  switch (verdict.reason) {
    case "not-registered":
      return ["key.notRegistered", params];
    case "compromised":
      return ["key.compromised", { ...params, compromisedAt: isoTime(answer.key.compromisedAt) }];
    case "not-yet-valid":
      return answer.key.registeredAt > answer.key.validFrom
        ? ["key.registeredLate", { ...params, registeredAt: isoTime(answer.key.registeredAt), validFromAt: isoTime(answer.key.validFrom) }]
        : ["key.notYetValid", { ...params, validFromAt: isoTime(answer.key.validFrom) }];
    case "expired":
      return ["key.expired", { ...params, validUntilAt: isoTime(answer.key.validUntil) }];
  }
}

function describeKeyFailure(verdict: Extract<KeyVerdict, { valid: false }>, answer: VerificationAnswer, when: string): string {
  switch (verdict.reason) {
    case "not-registered":
      return "is not registered on chain";
    case "compromised":
      return `was marked compromised from ${isoTime(answer.key.compromisedAt)}, before ${when}`;
    case "not-yet-valid":
      return answer.key.registeredAt > answer.key.validFrom
        ? `was not yet valid at ${when} (registered on chain only at ${isoTime(answer.key.registeredAt)}; its claimed start ${isoTime(answer.key.validFrom)} is earlier, and a key never counts before its registration)`
        : `was not yet valid at ${when} (valid from ${isoTime(answer.key.validFrom)})`;
    case "expired":
      return `was no longer valid at ${when} (valid until ${isoTime(answer.key.validUntil)})`;
  }
}

export function keyRegisteredStep(facts: CredentialFacts, view: ChainView, bindings: readonly ProofBinding[] = []): VerificationStep {
  if (!facts.issuer.address) return boundKeyStep(facts, view, bindings);
  if (view.kind === "unavailable") return unavailable("key-registered", view, "Key registration", "key.notChecked");
  const proofs = view.plan.keyQueries;
  if (proofs.length === 0) return coded(step("key-registered", "failed", `No proof by ${issuerLabel(facts.issuer)} carries an Ed25519 key to look up`), "key.noProofKey", { issuer: issuerParam(facts.issuer) });
  const anchor = anchorIsUsable(facts, view);
  // Anchored: the anchor's block time (read from the registry, never from the proof) proves when
  // the credential existed. Not anchored: all we can say is whether the key counts now (and the
  // anchored step keeps the verdict unconfirmed).
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
    return coded(
      step("key-registered", "failed", `Key ${shortKey(failed.proof.publicKeyMultibase)} of ${issuer} ${describeKeyFailure(failed.verdict, failed.answer, when)}`, data),
      ...keyFailureCode(failed.verdict, failed.answer, { key: shortKey(failed.proof.publicKeyMultibase), issuer: issuerParam(facts.issuer), checkedAt: isoTime(at) }),
    );
  }
  const names = keys.map((key) => shortKey(key.proof.publicKeyMultibase)).join(", ");
  const later = keys.find((key) => key.verdict.valid && key.verdict.compromisedLater);
  if (later) {
    // ok with a note, not unconfirmed: the key was marked compromised after the time it was
    // checked at. With an anchor that time is the anchor's block time, which proves the signature
    // predates the compromise. Without one it is the current block, so the compromise lies in
    // the future (a planned retirement); the anchored step keeps such a credential unconfirmed.
    return coded(
      step(
        "key-registered",
        "ok",
        `Key ${shortKey(later.proof.publicKeyMultibase)} of ${issuer} was valid at ${when}; it was marked compromised later, from ${isoTime(later.answer.key.compromisedAt)}, so only credentials anchored before that count`,
        data,
      ),
      "key.okCompromisedLater",
      { key: shortKey(later.proof.publicKeyMultibase), issuer: issuerParam(facts.issuer), checkedAt: isoTime(at), compromisedAt: isoTime(later.answer.key.compromisedAt) },
    );
  }
  return coded(step("key-registered", "ok", `Key ${names} is registered for ${issuer} and was valid at ${when}`, data), anchor ? "key.ok" : "key.okUnanchored", {
    keys: names,
    issuer: issuerParam(facts.issuer),
    checkedAt: isoTime(at),
  });
}

/** Issuers that are not chain addresses (did:key, did:web, https): the key must be bound by the issuer's own documents. */
function boundKeyStep(facts: CredentialFacts, view: ChainView, bindings: readonly ProofBinding[]): VerificationStep {
  // A did:pkh id that did not parse (bad checksum) has no address: chainPlan made the view failed.
  if (facts.issuer.id?.startsWith("did:pkh:") && view.kind === "unavailable" && view.status === "failed") return unavailable("key-registered", view, "Key registration", "key.notChecked");
  const issuer = issuerLabel(facts.issuer);
  if (bindings.length === 0) return coded(step("key-registered", "failed", `No proof by ${issuer} carries a key that could be bound to it`), "key.noBindableKey", { issuer: issuerParam(facts.issuer) });
  const data = { bindings: bindings.map(({ proof, binding }) => ({ publicKeyMultibase: proof.publicKeyMultibase, ...binding })) };
  const mismatch = bindings.find((entry) => entry.binding.status === "mismatch" || entry.binding.status === "on-chain");
  if (mismatch) {
    const why = mismatch.binding.status === "mismatch" ? mismatch.binding.reason : `the issuer ${facts.issuer.id} names no chain account this key could be registered for`;
    const result = step("key-registered", "failed", `Key ${shortKey(mismatch.proof.publicKeyMultibase)} is not ${issuer}'s: ${why}`, data);
    const params = { key: shortKey(mismatch.proof.publicKeyMultibase), issuer: issuerParam(facts.issuer) };
    return mismatch.binding.status === "mismatch" ? coded(result, "key.notIssuers", { ...params, technical: mismatch.binding.reason }) : coded(result, "key.noChainAccount", { ...params, issuerId: facts.issuer.id ?? "?" });
  }
  const open = bindings.find((entry) => entry.binding.status === "unresolvable");
  if (open && open.binding.status === "unresolvable") {
    const result = coded(step("key-registered", "unconfirmed", `Whether key ${shortKey(open.proof.publicKeyMultibase)} is ${issuer}'s could not be checked: ${open.binding.reason}`, data), "key.bindingUnresolved", {
      key: shortKey(open.proof.publicKeyMultibase),
      issuer: issuerParam(facts.issuer),
      technical: open.binding.reason,
    });
    if (open.binding.fix !== undefined) {
      result.fix = open.binding.fix; // the identity layer's own English: a raw technical value
      return result;
    }
    return withFix(result, `Verify online, so the documents of ${facts.issuer.id ?? "the issuer"} can be fetched`, "fix.verifyOnline", { issuer: facts.issuer.id ?? "?" });
  }
  const how = bindings.map((entry) => (entry.binding.status === "bound" ? entry.binding.how : "")).filter((text, i, all) => all.indexOf(text) === i);
  const keys = bindings.map((entry) => shortKey(entry.proof.publicKeyMultibase)).join(", ");
  return coded(step("key-registered", "ok", `Key ${keys} is ${issuer}'s: ${how.join("; ")}`, data), "key.bound", { keys, issuer: issuerParam(facts.issuer), technical: how.join("; ") });
}

export function anchoredStep(facts: CredentialFacts, view: ChainView, confirmations: number): VerificationStep {
  if (!facts.anchor) {
    if (!facts.issuer.address) {
      if (view.kind === "unavailable" && view.status === "failed") return unavailable("anchored", view, "Anchor", "anchor.notChecked");
      // Only chain accounts anchor; a did:key or did:web credential stands on its signature and key binding.
      return coded(step("anchored", "skipped", `The issuer ${facts.issuer.id ?? "(no id)"} is not a chain account, so there is no anchor to check`), "anchor.notChainAccount", { issuer: facts.issuer.id ?? "?" });
    }
    // "Issue now, anchor later": a freshly signed badge is not wrong, but nothing proves when it
    // was signed (before its key was retired or compromised?), so the verdict must wait.
    const result = coded(step("anchored", "unconfirmed", "Not anchored: the credential carries no anchor proof, so its signing time is not proven on chain"), "anchor.notAnchored");
    return withFix(result, FETCH_LATER(facts), "fix.fetchLater", { issuer: issuerParam(facts.issuer) });
  }
  const proof = facts.anchor.data;
  if (!proof) return coded(step("anchored", "failed", `The anchor proof cannot be read: ${facts.anchor.error}`), "anchor.proofUnreadable", { technical: String(facts.anchor.error) });
  const claimed = { chainId: proof.chainId, registry: proof.registry, issuer: proof.issuer, root: proof.root, txHash: proof.txHash, blockNumber: proof.blockNumber };
  if (view.kind === "unavailable") return unavailable("anchored", view, "Anchor", "anchor.notChecked", { claimed });
  const record = anchorAnswer(facts, view)!.anchor;
  const where = registryLabel(view.plan);
  const seen = view.blockNumber - record.blockNumber + 1n;
  const data = {
    claimed,
    onChain: {
      anchoredAt: jsonInteger(record.anchoredAt),
      blockNumber: jsonInteger(record.blockNumber),
      leafCount: jsonInteger(record.leafCount),
      voided: record.voided,
      voidReason: record.voidReason,
    },
    registryVersion: view.plan.registryVersion,
    readAtBlock: jsonInteger(view.blockNumber),
    confirmations: record.anchoredAt === 0n ? 0 : jsonInteger(seen),
    requiredConfirmations: confirmations,
  };
  if (record.anchoredAt === 0n) {
    return coded(step("anchored", "failed", `Root ${shortHex(proof.root)} was never anchored by ${issuerLabel(facts.issuer)} on ${where}`, data), "anchor.neverAnchored", {
      root: shortHex(proof.root),
      issuer: issuerParam(facts.issuer),
      registry: shortHex(view.plan.registry),
      chainId: view.plan.chainId,
    });
  }
  if (record.voided) {
    return coded(step("anchored", "failed", `The issuer voided the batch ${shortHex(proof.root)} (reason code ${record.voidReason})`, data), "anchor.voided", { root: shortHex(proof.root), voidReason: String(record.voidReason) });
  }
  // The proof's block number and tx hash are hints: after a reorg the same anchor may be
  // re-mined in another block, and the registry's record is what counts.
  if (seen < BigInt(confirmations)) {
    const result = coded(step("anchored", "unconfirmed", `Anchored in block ${record.blockNumber}, but only ${seen} of the ${confirmations} required confirmations so far`, data), "anchor.awaitingConfirmations", {
      block: Number(record.blockNumber),
      seen: Number(seen),
      required: confirmations,
    });
    const after = record.blockNumber + BigInt(confirmations) - 1n;
    return withFix(result, `Try again after block ${after}`, "fix.tryAfterBlock", { block: Number(after) });
  }
  const hint = BigInt(proof.blockNumber) === record.blockNumber ? "" : ` (the proof's hint said block ${proof.blockNumber}: the anchor was re-mined)`;
  return coded(
    step(
      "anchored",
      "ok",
      `Anchored by ${issuerLabel(facts.issuer)} on ${isoTime(record.anchoredAt)} in block ${record.blockNumber}${hint} (${seen} confirmation${seen === 1n ? "" : "s"}) on ${where}`,
      data,
    ),
    hint ? "anchor.okRemined" : "anchor.ok",
    {
      issuer: issuerParam(facts.issuer),
      anchoredAt: isoTime(record.anchoredAt),
      block: Number(record.blockNumber),
      seen: Number(seen),
      registry: shortHex(view.plan.registry),
      chainId: view.plan.chainId,
      ...(hint ? { hintBlock: Number(proof.blockNumber) } : {}),
    },
  );
}

export function coIssuersStep(facts: CredentialFacts, view: ChainView, confirmations = 1): VerificationStep {
  const coProofs = coIssuerProofs(facts);
  const label = (count: number) => (count === 0 ? "Co-issuer endorsements" : `Co-issuer endorsements (${count} co-issuer proof${count > 1 ? "s" : ""})`);
  if (view.kind === "unavailable") {
    if (view.status === "failed") return unavailable("co-issuers", view, label(coProofs.length), "coIssuers.notChecked", undefined, { count: coProofs.length });
    if (coProofs.length === 0 && (view.status === "skipped" || !facts.anchor)) return notCoIssued();
    if (view.status === "skipped") {
      // Co-issuance is an on-chain threshold; an issuer that is not a chain account has none.
      const controllers = coProofs.map((p) => p.controller).join(", ");
      return coded(
        step("co-issuers", "failed", `The credential carries proofs by ${controllers}, but co-issuance is recorded only on chain and the issuer ${facts.issuer.id ?? "(no id)"} is not a chain account`),
        "coIssuers.issuerNotOnChain",
        { controllers, issuer: facts.issuer.id ?? "?" },
      );
    }
    return coProofs.length === 0
      ? unavailable("co-issuers", view, "Whether the anchor names co-issuers", "coIssuers.namesNotChecked")
      : unavailable("co-issuers", view, label(coProofs.length), "coIssuers.notChecked", undefined, { count: coProofs.length });
  }
  const invalid = coProofs.find((proof) => proof.controller.startsWith("did:pkh:") && parseIssuerDid(proof.controller) === null);
  if (invalid) {
    return coded(step("co-issuers", "failed", `Co-issuer id ${invalid.controller} is not a valid did:pkh:eip155 account (malformed, or a mixed-case address with a wrong EIP-55 checksum)`), "coIssuers.invalidId", { id: invalid.controller });
  }
  const answer = anchorAnswer(facts, view);
  const record = anchorIsUsable(facts, view);
  if (!answer || !record) {
    if (coProofs.length === 0) return notCoIssued();
    if (facts.anchor) return coded(step("co-issuers", "failed", `The credential carries ${coProofs.length} co-issuer proof(s), but no usable anchor records their endorsements`), "coIssuers.noUsableAnchor", { count: coProofs.length });
    const result = coded(step("co-issuers", "unconfirmed", `Co-issuer endorsements not checked: the credential carries ${coProofs.length} co-issuer proof(s) and is not anchored yet`), "coIssuers.notAnchoredYet", { count: coProofs.length });
    return withFix(result, FETCH_LATER(facts), "fix.fetchLater", { issuer: issuerParam(facts.issuer) });
  }
  if (record.coIssuerCount === 0) {
    if (coProofs.length === 0) return notCoIssued();
    // Proofs by parties the chain does not name would read as co-issuance no one endorsed.
    const controllers = coProofs.map((p) => p.controller).join(", ");
    return coded(step("co-issuers", "failed", `The credential carries proofs by ${controllers}, whom the anchor does not name as co-issuers`), "coIssuers.notNamed", { controllers });
  }
  // A party counts when it endorsed the root on chain AND its proof on this credential verifies
  // with a key valid at anchor time: stripping a co-issuer's proof must lower the count. The
  // anchoring issuer counts as the first endorsement.
  const named = new Set(answer.coIssuers.map((address) => address.toLowerCase()));
  const stranger = coProofs.find((proof) => {
    const parsed = parseIssuerDid(proof.controller);
    return !parsed || parsed.chainId !== view.plan.chainId || !named.has(parsed.address.toLowerCase());
  });
  if (stranger) {
    return coded(step("co-issuers", "failed", `The credential carries a proof by ${stranger.controller}, whom the anchor on chain ${view.plan.chainId} does not name as a co-issuer`), "coIssuers.stranger", {
      controller: stranger.controller,
      chainId: view.plan.chainId,
    });
  }
  const parties = answer.coIssuers.map((address, i) => {
    const endorsedAt = answer.endorsedAt[i] ?? 0n;
    // Registry v2 records each endorsement's block: like an anchor, it counts only once it has the
    // required confirmations (a reorg could drop it). v1 records no block, so none is counted.
    const endorsedInBlock = answer.endorsementBlocks?.[i] ?? 0n;
    const endorsementConfirmations = endorsedAt !== 0n && endorsedInBlock !== 0n ? view.blockNumber - endorsedInBlock + 1n : undefined;
    const awaitsConfirmations = endorsementConfirmations !== undefined && endorsementConfirmations < BigInt(confirmations);
    const withdrawnAt = answer.withdrawnAt?.[i] ?? 0n;
    const planned = view.plan.coIssuerQueries.find((entry) => entry.address.toLowerCase() === address.toLowerCase());
    const verdict = planned ? keyVerdictAt(view.answer(planned.query).key, record.anchoredAt) : undefined;
    const proofOk = planned !== undefined && planned.proof.verified && verdict!.valid;
    const problem = endorsedAt === 0n
      ? withdrawnAt !== 0n
        ? `withdrew its endorsement on ${isoTime(withdrawnAt)}`
        : "has not endorsed the root"
      : !planned
        ? "endorsed the root but has no proof on this credential"
        : !planned.proof.verified
          ? "has a proof that does not verify"
          : !verdict!.valid
            ? `signed with key ${shortKey(planned.proof.publicKeyMultibase)}, which ${verdict!.reason === "not-registered" ? "is not registered for it" : `was not valid at anchor time (${verdict!.reason})`}`
            : awaitsConfirmations
              ? `endorsed in block ${endorsedInBlock}, with only ${endorsementConfirmations} of the ${confirmations} required confirmations so far`
              : undefined;
    return {
      address,
      endorsedAt: jsonInteger(endorsedAt),
      ...(endorsedInBlock !== 0n ? { endorsedInBlock: jsonInteger(endorsedInBlock), confirmations: jsonInteger(endorsementConfirmations!) } : {}),
      ...(withdrawnAt !== 0n ? { withdrawnAt: jsonInteger(withdrawnAt) } : {}),
      publicKeyMultibase: planned?.proof.publicKeyMultibase,
      counts: endorsedAt !== 0n && proofOk && !awaitsConfirmations,
      awaitsConfirmations: endorsedAt !== 0n && proofOk && awaitsConfirmations,
      problem,
    };
  });
  const count = 1 + parties.filter((party) => party.counts).length;
  const total = parties.length + 1;
  const data = { threshold: record.threshold, parties: total, endorsements: count, coIssuers: parties };
  // A co-issuer proof whose key is not registered for it is wrong even when the threshold is met.
  const badKey = parties.find((party) => party.publicKeyMultibase && party.problem && party.problem.startsWith("signed with key"));
  if (badKey) return coded(step("co-issuers", "failed", `Co-issuer ${badKey.address} ${badKey.problem}`, data), "coIssuers.badKey", { address: badKey.address, technical: badKey.problem! });
  if (count < record.threshold) {
    const waiting = parties.filter((party) => party.awaitsConfirmations);
    if (count + waiting.length >= record.threshold) {
      // Enough endorsements exist, but some are too recent to rely on yet: not wrong, not proven.
      const latest = waiting.reduce((high, party) => (BigInt(party.endorsedInBlock!) > high ? BigInt(party.endorsedInBlock!) : high), 0n);
      const too = waiting.map((party) => `${shortHex(party.address)} ${party.problem}`).join("; ");
      const result = coded(
        step("co-issuers", "unconfirmed", `${count} of ${total} parties' endorsements have the required ${confirmations} confirmations; ${waiting.length} more are too recent (${too}); ${record.threshold} are required`, data),
        "coIssuers.tooRecent",
        { count, total, required: confirmations, waiting: waiting.length, threshold: record.threshold, parties: waiting.map((party) => shortHex(party.address)).join(", ") },
      );
      const after = latest + BigInt(confirmations) - 1n;
      return withFix(result, `Try again after block ${after}`, "fix.tryAfterBlock", { block: Number(after) });
    }
    const missing = parties.filter((party) => !party.counts).map((party) => `${shortHex(party.address)} ${party.problem}`);
    return coded(step("co-issuers", "failed", `Only ${count} of ${total} parties endorsed this credential; ${record.threshold} are required (${missing.join("; ")})`, data), "coIssuers.tooFew", {
      count,
      total,
      threshold: record.threshold,
      technical: missing.join("; "),
    });
  }
  return coded(step("co-issuers", "ok", `${count} of ${total} parties endorsed this credential (threshold ${record.threshold})`, data), "coIssuers.ok", { count, total, threshold: record.threshold });
}
