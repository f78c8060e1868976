/**
 * Starting states for the CredentialRegistry tests, one fixture each, loaded with `loadFixture`
 * (which snapshots the chain once and reverts to the snapshot for every test that asks again).
 *
 * The cast: `issuer` runs a namespace with a live `operator`, an `expiredOperator` whose window
 * has ended and a `retiredOperator`; `otherIssuer` has its own live `otherOperator`; co-issuer A
 * has a live `coOperator` and the same expired and retired operators; `stranger` has no role.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { Result } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { CredentialRegistry } from "../../typechain-types";

export const NO_END = 2n ** 64n - 1n;
export const HOUR = 3_600;
export const DAY = 86_400;
export const STATUS_LIST_SIZE = 131_072;
export const WORD_COUNT = STATUS_LIST_SIZE / 256;
/** Values of IStatusLists.StatusPurpose. */
export const REVOCATION = 0;
/** Operator scope bits (Operators.sol). */
export const SCOPE_ANCHOR = 1;
export const SCOPE_ENDORSE = 2;
export const SCOPE_SUSPEND = 4;
export const SCOPE_REVOKE = 8;
export const ALL_SCOPES = 15;
export const DEFAULT_SCOPES = SCOPE_ANCHOR | SCOPE_ENDORSE | SCOPE_SUSPEND;
export const SUSPENSION = 1;

/** A struct the registry returned, as a plain object of its named fields for deep comparison. */
export function fieldsOf(struct: object): Record<string, unknown> {
  return (struct as Result).toObject();
}

/** Addresses in ascending numeric order, as anchorCoIssued requires. */
export function sortAddresses(addresses: readonly string[]): string[] {
  return [...addresses].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
}

export const rootOf = (label: string): string => ethers.id(`batch root: ${label}`);
export const keyOf = (label: string): string => ethers.id(`ed25519 public key: ${label}`);

export async function deployRegistry() {
  const [
    issuer,
    operator,
    expiredOperator,
    retiredOperator,
    stranger,
    otherIssuer,
    otherOperator,
    coIssuerA,
    coIssuerB,
    coIssuerC,
    coOperator,
  ] = await ethers.getSigners();
  const registry: CredentialRegistry = await ethers.deployContract("CredentialRegistry");
  return {
    registry,
    issuer,
    operator,
    expiredOperator,
    retiredOperator,
    stranger,
    otherIssuer,
    otherOperator,
    coIssuerA,
    coIssuerB,
    coIssuerC,
    coOperator,
  };
}

/** The whole cast in place; the expired operators' window ended an hour ago. */
export async function deployWithOperators() {
  const cast = await deployRegistry();
  const { registry, issuer, operator, expiredOperator, retiredOperator, otherIssuer, otherOperator } = cast;
  const { coIssuerA, coOperator } = cast;
  const now = await time.latest();
  const operatorValidUntil = now + 365 * DAY;
  const expiredAt = now + HOUR;
  for (const party of [issuer, coIssuerA]) {
    await registry.connect(party).authorizeOperator(expiredOperator, expiredAt);
    await registry.connect(party).authorizeOperator(retiredOperator, operatorValidUntil);
    await registry.connect(party).retireOperator(retiredOperator);
  }
  // The live operators hold every scope here; scope limits have their own tests (scopes.test.ts).
  await registry.connect(issuer).grantOperator(operator, operatorValidUntil, ALL_SCOPES);
  await registry.connect(otherIssuer).grantOperator(otherOperator, operatorValidUntil, ALL_SCOPES);
  await registry.connect(coIssuerA).grantOperator(coOperator, operatorValidUntil, ALL_SCOPES);
  await time.increaseTo(expiredAt + HOUR);
  return { ...cast, operatorValidUntil, expiredAt };
}

export type Cast = Awaited<ReturnType<typeof deployWithOperators>>;
export type WriterCase = readonly [description: string, pick: (cast: Cast) => HardhatEthersSigner];

/** Who may write in `issuer`'s namespace. */
export const WRITERS_ALLOWED: readonly WriterCase[] = [
  ["the issuer", (cast) => cast.issuer],
  ["a live operator", (cast) => cast.operator],
];

/** Who may not write in `issuer`'s namespace; each description completes "rejects ... from ...". */
export const WRITERS_REFUSED: readonly WriterCase[] = [
  ["an operator whose window has ended", (cast) => cast.expiredOperator],
  ["a retired operator", (cast) => cast.retiredOperator],
  ["a stranger", (cast) => cast.stranger],
  ["another issuer's operator", (cast) => cast.otherOperator],
];

/** Who, besides the issuer, sends transactions that can only touch the sender's own namespace. */
export const NON_ISSUERS: readonly WriterCase[] = [["a live operator", (cast) => cast.operator], ...WRITERS_REFUSED];

export const BATCH = rootOf("2026 spring cohort");
export const BATCH_LEAVES = 25n;
export const CO_ISSUED = rootOf("joint certificate");
export const CO_ISSUED_THRESHOLD = 3n;

/**
 * The cast, plus: `issuer` anchored BATCH (25 credentials) itself, and anchored CO_ISSUED naming
 * co-issuers A, B and C with a threshold of 3 of 4 parties; nobody has endorsed yet.
 */
export async function deployWithAnchors() {
  const cast = await deployWithOperators();
  const { registry, issuer, coIssuerA, coIssuerB, coIssuerC } = cast;
  await registry.connect(issuer).anchor(issuer, BATCH, BATCH_LEAVES, "ipfs://batch");
  const batchAnchoredAt = await time.latest();
  // v2 takes co-issuers in ascending address order.
  const coIssuers = sortAddresses([coIssuerA.address, coIssuerB.address, coIssuerC.address]);
  await registry.connect(issuer).anchorCoIssued(issuer, CO_ISSUED, 4n, "ipfs://joint", coIssuers, CO_ISSUED_THRESHOLD);
  return { ...cast, batchAnchoredAt, coIssuers };
}

export const KEY = keyOf("issuer key 2026");

/**
 * The cast, plus `issuer`'s KEY valid from an hour after registration for a year (a start in the
 * future: one in the past is recorded as the registration time, see signingKeys.test.ts).
 */
export async function deployWithKey() {
  const cast = await deployWithOperators();
  const now = await time.latest();
  const keyValidFrom = now + HOUR;
  const keyValidUntil = now + 365 * DAY;
  await cast.registry.connect(cast.issuer).registerKey(KEY, keyValidFrom, keyValidUntil);
  const keyRegisteredAt = await time.latest();
  return { ...cast, keyValidFrom, keyValidUntil, keyRegisteredAt };
}

/** Sets the time of the next block and returns it, so a test knows the timestamp its transaction gets. */
export async function nextBlockAt(offsetSeconds = 60): Promise<number> {
  const at = (await time.latest()) + offsetSeconds;
  await time.setNextBlockTimestamp(at);
  return at;
}

export const BUNDLE_LIST = 1;
export const CO_ISSUER_KEY = keyOf("co-issuer A key");

/**
 * A bundle's worth of state for the verifier views: on top of deployWithAnchors, `issuer` has
 * KEY and three more batches (one voided with reason 2), co-issuer A endorsed CO_ISSUED and has
 * its own key, and in list BUNDLE_LIST entries 3, 17, 42 and 99 are revoked and 5 and 17 suspended.
 */
export async function deployBundle() {
  const cast = await deployWithAnchors();
  const { registry, issuer, coIssuerA } = cast;
  const now = await time.latest();
  await registry.connect(issuer).registerKey(KEY, now - DAY, NO_END);
  await registry.connect(coIssuerA).registerKey(CO_ISSUER_KEY, now - DAY, now + 365 * DAY);
  const batches = [BATCH, rootOf("batch 2"), rootOf("batch 3"), rootOf("batch 4")];
  for (const root of batches.slice(1)) await registry.connect(issuer).anchor(issuer, root, BATCH_LEAVES, "");
  await registry.connect(issuer).voidAnchor(batches[2], 2);
  await registry.connect(coIssuerA).endorse(issuer, CO_ISSUED, coIssuerA);
  const endorsedAt = await time.latest();
  const revoked = [3, 17, 42, 99];
  const suspended = [5, 17];
  await registry.connect(issuer).revokeIndices(issuer, BUNDLE_LIST, revoked, 0);
  await registry.connect(issuer).suspendIndices(issuer, BUNDLE_LIST, suspended, 0);
  return { ...cast, batches, endorsedAt, revoked, suspended };
}
