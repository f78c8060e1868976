/**
 * Bounds of one verification, so a hostile input costs a bounded amount of work and one bad
 * credential cannot change another's verdict. The server and the CLI refuse larger inputs
 * before doing any work; the pipeline enforces them too.
 */

/**
 * Credentials per verification, counting every credential inside presentations and CLRs.
 * 1,000 covers a semester's bundle from several issuers (the throughput target of issue 11).
 */
export const MAX_CREDENTIALS_PER_VERIFICATION = 1_000;

/**
 * Status entries per credential. OB 3.0 allows one `credentialStatus` (revocation); a second
 * (suspension) sits behind an option, and two more leave room for lists of other platforms.
 * More than this is not a badge but an attempt to blow up the chain read (6,000 entries made the
 * one bundle-wide call fail): that credential fails at its status step and is not read.
 */
export const MAX_STATUS_ENTRIES_PER_CREDENTIAL = 4;

/**
 * Cold registry queries per `eth_call` (status queries of a list already named in the call are
 * bounded by MAX_QUERIES_PER_CALL and the gas budget instead). 128 cold queries (every one a different issuer, root, key
 * and list) cost 2.32M gas on the genuine registry (measured in test/core/verify/attacks.test.ts,
 * which fails above 4M), far inside the common eth_call caps (geth's default 50M, a 30M block,
 * hosted providers' 25M and up). A batch of 100 credentials is 102 queries (one anchor, one
 * key, 100 status entries): one call; 1,000 credentials of three batches are one call too
 * (their status queries name three lists).
 */
export const CHAIN_QUERIES_PER_CALL = 128;

/**
 * The tightest common `eth_call` gas cap: 2^24 (EIP-7825's transaction cap, which Hardhat and
 * clients following Osaka also apply to calls). Every chunk is planned to fit under it.
 */
export const ETH_CALL_GAS_CAP = 2 ** 24;

/**
 * What one query may cost in the view, as planned: a query with a root may read a co-issued
 * anchor with up to 32 co-issuers and their endorsements, all cold (registry v2's
 * `verificationDataV2`: ~200,000 gas each, 5.01M for 25 in test/contracts/registryV2.test.ts, and
 * 15.4M for 67, as memory grows; v1's view less); a query without a root reads one key and two status words (under 20,000).
 * Both rounded up; measured in test/core/verify/registryV2.test.ts against the 2^24 cap.
 */
export const ROOT_QUERY_GAS = 250_000;
export const PLAIN_QUERY_GAS = 30_000;

/**
 * What reading one accreditor's recognition of one query's issuer may cost in
 * `verificationDataV2`, as planned: two packed slots, the record hash and a record URI of up to
 * ~100 bytes, all cold, plus the memory of the answer (~13,000 measured for an https URI).
 * Added per accreditor to every query of a call (the view reads recognitions for each query); an
 * accreditor with a much longer URI makes a chunk fail, and its credentials are retried alone.
 */
export const RECOGNITION_QUERY_GAS = 20_000;

/**
 * A query that reads only a status bit of an issuer's list an earlier query of the same call
 * already named (its status words cold or warm, plus its share of the answer's memory, which
 * grows with the call). Measured on the genuine registry for 10 issuers' status entries spread
 * over the whole list, as the server assigns them at random: 9,256 gas each for 100 per call,
 * 8,183 for 500, 9,554 for 1,000 (test/core/verify/applicationBundle.test.ts re-measures the
 * 1,000 and fails above the budget). Rounded up to leave room for compiler drift.
 */
export const SAME_LIST_STATUS_QUERY_GAS = 11_000;

/**
 * Queries per `eth_call` in all (cold ones are bounded by CHAIN_QUERIES_PER_CALL): a bundle of
 * MAX_CREDENTIALS_PER_VERIFICATION badges of a few issuers plus their anchors and keys fits one
 * or two calls. The call data stays under 200 kB and the answer under 1.5 MB.
 */
export const MAX_QUERIES_PER_CALL = 1_100;

/** The gas a chunk is planned within: the cap less room for the call itself and memory growth. */
export const CHAIN_CALL_GAS_BUDGET = ETH_CALL_GAS_CAP - 2_000_000;

/** How many `eth_call`s of one bundle are in flight at once (chunks, then per-credential retries). */
export const CHAIN_CALLS_IN_FLIGHT = 4;

/**
 * Issuer proofs per credential (the issuer's and its co-issuers'): the registry's limit of 255
 * parties to a co-issued root. More cannot be a credanchor co-issuance, and each would cost a
 * chain query: the credential fails without any being read.
 */
export const MAX_PROOFS_PER_CREDENTIAL = 255;

/** Entries of a credanchor status list (the registry's STATUS_LIST_SIZE, the W3C minimum). */
export const CREDANCHOR_STATUS_LIST_SIZE = 131_072;
