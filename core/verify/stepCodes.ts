/**
 * Stable codes for the sentences the verification steps say, with the values they carry
 * (addresses, hashes, block numbers, ISO times), so a page can say the same thing in its own
 * language. The English `message` of a step stays the public contract of the CLI and the API;
 * `code` + `params` are additive and say the same thing.
 *
 * Params conventions (read by the pages' renderers):
 * - a key ending in `At` holds an ISO 8601 time, shown in the reader's language;
 * - `technical` holds text from a lower layer (a parser's or library's own English error): it is
 *   never translated, only shown as a labelled raw technical value;
 * - every other value is a value (address, hash, number, name, URL) and is shown as it is.
 * A code is never renamed or reused for another meaning: add a new one instead.
 */
export const STEP_CODES = [
  // schema
  "schema.ok",
  "schema.okProofObject",
  "schema.mismatch",
  "schema.clrOk",
  "schema.clrMismatch",
  "schema.notCredential",
  "schema.notAchievement",
  "schema.uncheckable",
  "schema.refused",
  "schema.notObject",
  // issuer-signature
  "signature.ok",
  "signature.okCoSigned",
  "signature.uncheckable",
  "signature.noProof",
  "signature.proofInvalid",
  "signature.signedUnreadable",
  "signature.signedProblem",
  "signature.disagreement",
  "signature.notByIssuer",
  // key-registered
  "key.ok",
  "key.okUnanchored",
  "key.okCompromisedLater",
  "key.noProofKey",
  "key.notRegistered",
  "key.compromised",
  "key.notYetValid",
  "key.registeredLate",
  "key.expired",
  "key.notChecked",
  "key.noBindableKey",
  "key.notIssuers",
  "key.noChainAccount",
  "key.bindingUnresolved",
  "key.bound",
  // inclusion
  "inclusion.ok",
  "inclusion.noAnchor",
  "inclusion.proofUnreadable",
  "inclusion.leafUncomputable",
  "inclusion.uncheckable",
  "inclusion.notInRoot",
  // anchored
  "anchor.ok",
  "anchor.okRemined",
  "anchor.notChecked",
  "anchor.notChainAccount",
  "anchor.notAnchored",
  "anchor.proofUnreadable",
  "anchor.neverAnchored",
  "anchor.voided",
  "anchor.awaitingConfirmations",
  // co-issuers
  "coIssuers.ok",
  "coIssuers.none",
  "coIssuers.notChecked",
  "coIssuers.namesNotChecked",
  "coIssuers.issuerNotOnChain",
  "coIssuers.invalidId",
  "coIssuers.noUsableAnchor",
  "coIssuers.notAnchoredYet",
  "coIssuers.notNamed",
  "coIssuers.stranger",
  "coIssuers.badKey",
  "coIssuers.tooRecent",
  "coIssuers.tooFew",
  // status
  "status.ok",
  "status.okOnChain",
  "status.none",
  "status.tooMany",
  "status.malformed",
  "status.indexOutside",
  "status.listUnusable",
  "status.revoked",
  "status.suspended",
  "status.notChecked",
  "status.unreadableEntry",
  "status.listUnbound",
  "status.listNotSupplied",
  // validity
  "validity.ok",
  "validity.okNoEnd",
  "validity.okNoStart",
  "validity.okOpen",
  "validity.notDateString",
  "validity.badFrom",
  "validity.badUntil",
  "validity.notYet",
  "validity.expired",
  // chain reasons (the `reason` of a step that did not run) and fixes
  "chain.noRpc",
  "chain.noRegistry",
  "fix.enterRpc",
  "fix.checkRpc",
  "fix.giveRegistry",
  "fix.fetchLater",
  "fix.tryAfterBlock",
  "fix.verifyOnline",
  "fix.askIssuer",
  "fix.supplyStatusList",
] as const;

export type StepCode = (typeof STEP_CODES)[number];

/** The values a coded sentence carries: see the conventions above. */
export type StepParams = Record<string, string | number>;
