/** Job applications (issue 14 part 3): bundles signed by a learner's wallet, verified in one go. */
export { buildApplicationBundle, signPresentation, verifyPresentationProof, isOpenBadge, type ApplicationBundleParameters, type PresentationProofResult } from "./presentation";
export { matchRecipientEmail, identityHashWith, type IdentityMatch } from "./holderBinding";
export { groupByIssuer, rowOutcome, type IssuerGroup, type RowOutcome } from "./summary";
export { verifyApplication, assessApplication, applicationJson, type ApplicationReport, type ApplicationRow, type EnvelopeCheck, type VerifyApplicationOptions } from "./verifyApplication";
