import { issuerDid } from "../../../core/credential/did";
import { signingKeyFromSeed } from "../../../core/credential/keys";

// Fixed keys so failures reproduce; the seeds mean nothing beyond being 32 distinct bytes.
export const issuerKey = signingKeyFromSeed(new Uint8Array(32).fill(1));
export const coIssuerKey = signingKeyFromSeed(new Uint8Array(32).fill(2));
export const otherKey = signingKeyFromSeed(new Uint8Array(32).fill(3));

export const CHAIN_ID = 31337;
export const ISSUER_DID = issuerDid(CHAIN_ID, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
export const CO_ISSUER_DID = issuerDid(CHAIN_ID, "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");

/** The promise's rejection reason; fails the test when the promise fulfils. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject, but it fulfilled");
}

/** The error `fn` throws; fails the test when it returns. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw, but the call returned");
}
