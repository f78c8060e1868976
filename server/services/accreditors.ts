/**
 * The accreditor API's work: an agency runs its trust list on this instance. An accreditor gets
 * its own chain address (a key sealed like issuers' keys; its namespace on the registry) and an
 * API key shown once. Each change to its list (recognise, shorten, withdraw) is simulated from
 * its address (a refusal is answered with the contract's error, nothing stored), signed with its
 * key, stored with the recognition row in one transaction, and only then broadcast; the
 * AccreditorWriter worker rebroadcasts what a crash left unsent and settles what was mined.
 */
import crypto from "node:crypto";
import { bytesToHex, getAddress, hexToBytes, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { buildRecognitionRecord, recognitionRecordHash, recognitionRecordText } from "../../core/identity/recognitionRecord";
import type { AccreditationCall, AccreditorChain } from "../chain/accreditorChain";
import { unixSeconds, type Clock } from "../clock";
import { generateApiKey, hashApiKey } from "../crypto/apiKeys";
import type { SecretBox } from "../crypto/secretBox";
import type { Logger } from "../log";
import type { AccreditorAction, AccreditorRecord, AccreditorStore, AccreditorTx, RecognitionRow } from "../store/accreditors/AccreditorStore";
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from "./errors";

export const NO_END = (1n << 64n) - 1n;

export interface AccreditorDeps {
  accreditors: AccreditorStore;
  accreditorChain: AccreditorChain;
  clock: Clock;
  box: SecretBox;
  log: Logger;
  /** Base of the stable record URLs (PUBLIC_URL). */
  publicUrl: string;
}

const keyContext = (id: string) => `accreditor:${id}:address-key`;

/** Where an accreditor's record about `issuer` is served (stable: one recognition per pair). */
export function recordUrl(publicUrl: string, accreditor: Address, issuer: Address): string {
  return `${publicUrl}/api/v1/accreditors/${accreditor}/recognitions/${issuer}/record`;
}

export async function createAccreditor(deps: AccreditorDeps, input: { name: string }): Promise<{ accreditor: AccreditorRecord; apiKey: string; funded: boolean }> {
  const id = crypto.randomUUID();
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  const createdAt = unixSeconds(deps.clock);
  const accreditor: AccreditorRecord = { id, name: input.name, address, chainId: deps.accreditorChain.chainId, addressKeySealed: deps.box.seal(hexToBytes(key), keyContext(id)), createdAt };
  const apiKey = generateApiKey("ca_accreditor");
  deps.accreditors.insertAccreditor(accreditor, { id: crypto.randomUUID(), keyHash: hashApiKey(apiKey) });
  let funded = false;
  try {
    funded = (await deps.accreditorChain.ensureFunds(address)).funded;
  } catch (error) {
    deps.log.warn({ err: error, accreditor: id }, "funding a new accreditor failed; its writes wait for funds");
  }
  deps.log.info({ accreditor: id, address, funded }, "accreditor created");
  return { accreditor, apiKey, funded };
}

function chainKey(deps: AccreditorDeps, accreditor: AccreditorRecord): Hex {
  return bytesToHex(deps.box.open(accreditor.addressKeySealed, keyContext(accreditor.id))) as Hex;
}

/** One writer per accreditor at a time: nonces are taken in order. */
const locks = new Map<string, Promise<unknown>>();
function exclusive<T>(accreditorId: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(accreditorId) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  locks.set(accreditorId, run.catch(() => undefined));
  return run;
}

/** The registry's refusal as a 409/422 naming the contract's error. */
function refused(refusal: { errorName: string; args: readonly unknown[] }, what: string): Error {
  const args = refusal.args.map((a) => (typeof a === "bigint" ? a.toString() : a));
  const details = { contractError: refusal.errorName, args };
  const explain: Record<string, string> = {
    RecognitionCannotWiden: "a recognition window only shrinks: give a validUntil earlier than the one in force",
    RecognitionWithdrawn: "this recognition was withdrawn, which is final",
    AlreadyRecognised: "this issuer is already recognised by this accreditor (first write wins); shorten or withdraw it instead",
    NotRecognised: "this accreditor never recognised this issuer",
    InvalidRecognitionWindow: "validUntil must be later than validFrom (and not before the start)",
    InvalidAccreditedIssuer: "the issuer must be a non-zero address other than the accreditor's own",
    EmptyRecognitionRecord: "the record hash must not be zero",
  };
  const message = `the registry refuses to ${what}: ${refusal.errorName}${args.length ? `(${args.join(", ")})` : ""} — ${explain[refusal.errorName] ?? "see the contract's errors"}`;
  return refusal.errorName === "InvalidRecognitionWindow" || refusal.errorName === "InvalidAccreditedIssuer" ? new InvalidInputError(message, [], details) : new ConflictError(message, details);
}

/**
 * Simulates, signs, stores (with `storeRow` when a recognition row goes with it) and broadcasts
 * one write of the accreditor; waits briefly for it to be mined so a local chain answers at once.
 */
async function write(
  deps: AccreditorDeps,
  accreditor: AccreditorRecord,
  issuer: Address,
  action: AccreditorAction,
  call: AccreditationCall,
  params: Record<string, unknown>,
  what: string,
  row?: RecognitionRow,
): Promise<AccreditorTx> {
  const funds = await deps.accreditorChain.ensureFunds(accreditor.address);
  if (!funds.funded) throw new UnavailableError(`accreditor ${accreditor.address} has no funds for gas on chain ${accreditor.chainId}: send it some, then try again`, 60);
  const refusal = await deps.accreditorChain.refusal(accreditor.address, call);
  if (refusal) throw refused(refusal, what);
  const stored = await exclusive(accreditor.id, async () => {
    const pending = await deps.accreditorChain.pendingNonce(accreditor.address);
    const highest = deps.accreditors.highestNonce(accreditor.id);
    const nonce = Math.max(pending, highest === undefined ? 0 : highest + 1);
    const signed = await deps.accreditorChain.prepare(chainKey(deps, accreditor), call, nonce);
    const tx = { accreditorId: accreditor.id, issuer, action, params, nonce, rawTx: signed.rawTx, txHash: signed.txHash, createdAt: unixSeconds(deps.clock) };
    // Stored before it is sent: a crash from here on is resumed by the AccreditorWriter.
    return row ? deps.accreditors.insertRecognitionWithTx(row, tx) : deps.accreditors.insertTx(tx);
  });
  try {
    await deps.accreditorChain.broadcast(stored.rawTx);
    deps.accreditors.markSent(stored.id, unixSeconds(deps.clock));
  } catch (error) {
    deps.log.warn({ err: error, tx: stored.txHash }, "accreditor transaction stored but not sent; the writer retries");
    return stored;
  }
  // Up to ~5.5 s: a local chain mines at once; on a remote one the answer is 202 and the writer settles it.
  for (let i = 0; i < 10; i++) {
    const settled = await settleAccreditorTx(deps, stored);
    if (settled.state !== "submitted") return settled;
    await new Promise((resolve) => setTimeout(resolve, 100 * (i + 1)));
  }
  return deps.accreditors.getTx(stored.id)!;
}

/** Settles a stored transaction once mined (confirmed with its effect, or failed). */
export async function settleAccreditorTx(deps: Pick<AccreditorDeps, "accreditors" | "accreditorChain">, tx: AccreditorTx): Promise<AccreditorTx> {
  const outcome = await deps.accreditorChain.outcome(tx.txHash);
  if (!outcome) return tx;
  deps.accreditors.settleTx(
    tx.id,
    outcome.status === "success"
      ? { state: "confirmed", blockNumber: Number(outcome.blockNumber), blockTime: Number(outcome.blockTime) }
      : { state: "failed", error: "the transaction reverted", blockNumber: Number(outcome.blockNumber) },
  );
  return deps.accreditors.getTx(tx.id)!;
}

export interface RecogniseInput {
  issuer: Address;
  validFrom?: number;
  validUntil?: number;
  legalName: string;
  domain?: string;
  country?: string;
}

export async function recogniseIssuer(deps: AccreditorDeps, accreditor: AccreditorRecord, input: RecogniseInput): Promise<{ recognition: RecognitionRow; tx: AccreditorTx }> {
  const issuer = getAddress(input.issuer);
  if (issuer === getAddress(accreditor.address)) throw new InvalidInputError("an accreditor cannot recognise itself", [{ field: "issuer", message: "is the accreditor's own address" }]);
  const existing = deps.accreditors.getRecognition(accreditor.id, issuer);
  if (existing) throw new ConflictError(`accreditor ${accreditor.address} already recognised ${issuer} (first write wins); shorten or withdraw it instead`, { contractError: "AlreadyRecognised" });
  let record;
  try {
    record = buildRecognitionRecord({ chainId: accreditor.chainId, accreditor: accreditor.address, issuer, legalName: input.legalName, domain: input.domain, country: input.country });
  } catch (error) {
    throw new InvalidInputError((error as Error).message, []);
  }
  const recordHash = recognitionRecordHash(record);
  const recordUri = recordUrl(deps.publicUrl, accreditor.address, issuer);
  const validFrom = BigInt(input.validFrom ?? 0);
  const validUntil = input.validUntil === undefined ? NO_END : BigInt(input.validUntil);
  const row: RecognitionRow = {
    accreditorId: accreditor.id,
    issuer,
    validFrom: Math.max(Number(validFrom), unixSeconds(deps.clock)),
    validUntil: validUntil.toString(),
    recordJson: recognitionRecordText(record),
    recordHash,
    recordUri,
    withdrawnAt: null,
    withdrawCode: null,
    withdrawReason: null,
    createdAt: unixSeconds(deps.clock),
  };
  const tx = await write(
    deps,
    accreditor,
    issuer,
    "recognise",
    { functionName: "recogniseIssuer", args: [issuer, validFrom, validUntil, recordHash, recordUri] },
    { validFrom: validFrom.toString(), validUntil: validUntil.toString() },
    `recognise ${issuer}`,
    row,
  );
  return { recognition: deps.accreditors.getRecognition(accreditor.id, issuer) ?? row, tx };
}

function liveRecognition(deps: AccreditorDeps, accreditor: AccreditorRecord, issuer: Address): RecognitionRow {
  const row = deps.accreditors.getRecognition(accreditor.id, issuer);
  if (!row) throw new NotFoundError(`accreditor ${accreditor.address} has no recognition of ${issuer}`);
  return row;
}

export async function shortenRecognition(deps: AccreditorDeps, accreditor: AccreditorRecord, issuerInput: Address, validUntil: number): Promise<{ recognition: RecognitionRow; tx: AccreditorTx }> {
  const issuer = getAddress(issuerInput);
  liveRecognition(deps, accreditor, issuer);
  const tx = await write(deps, accreditor, issuer, "shorten", { functionName: "shortenRecognition", args: [issuer, BigInt(validUntil)] }, { validUntil: String(validUntil) }, `shorten the recognition of ${issuer}`);
  return { recognition: liveRecognition(deps, accreditor, issuer), tx };
}

export async function withdrawRecognition(deps: AccreditorDeps, accreditor: AccreditorRecord, issuerInput: Address, reason: string, code: number): Promise<{ recognition: RecognitionRow; tx: AccreditorTx }> {
  const issuer = getAddress(issuerInput);
  const row = liveRecognition(deps, accreditor, issuer);
  const earlier = deps.accreditors.listTxs({ accreditorId: accreditor.id, issuer }).find((tx) => tx.action === "withdraw" && tx.state !== "failed");
  if (row.withdrawnAt !== null || earlier) {
    throw new ConflictError(`the recognition of ${issuer} was already withdrawn${row.withdrawnAt !== null ? ` at ${new Date(row.withdrawnAt * 1000).toISOString()}` : " (its transaction is on its way)"}; a withdrawal is final`, {
      contractError: "RecognitionWithdrawn",
    });
  }
  const tx = await write(deps, accreditor, issuer, "withdraw", { functionName: "withdrawRecognition", args: [issuer, code] }, { reason, code }, `withdraw the recognition of ${issuer}`);
  return { recognition: liveRecognition(deps, accreditor, issuer), tx };
}

/** The state of a recognition from its transactions: pending until its first write is mined. */
export function recognitionView(deps: Pick<AccreditorDeps, "accreditors">, accreditor: AccreditorRecord, row: RecognitionRow) {
  const txs = deps.accreditors.listTxs({ accreditorId: accreditor.id, issuer: row.issuer });
  const first = txs.find((tx) => tx.action === "recognise");
  return {
    accreditor: accreditor.address,
    issuer: row.issuer,
    validFrom: row.validFrom,
    validUntil: row.validUntil === NO_END.toString() ? null : Number(row.validUntil),
    withdrawn: row.withdrawnAt === null ? null : { at: row.withdrawnAt, code: row.withdrawCode, reason: row.withdrawReason },
    record: JSON.parse(row.recordJson) as unknown,
    recordHash: row.recordHash,
    recordUri: row.recordUri,
    onchain: first?.state ?? "unknown",
    transactions: txs.map((tx) => ({ action: tx.action, txHash: tx.txHash, state: tx.state, ...(tx.error ? { error: tx.error } : {}), ...(tx.blockNumber !== null ? { blockNumber: tx.blockNumber } : {}) })),
  };
}
