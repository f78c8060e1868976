/**
 * Creating an issuer: its chain address (a secp256k1 key the server holds for it), its
 * Ed25519 signing key, both sealed at rest, the on-chain onboarding (signing key registered,
 * our operator authorised) and an API key shown once.
 */
import crypto from "node:crypto";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hexToBytes, bytesToHex } from "viem";
import { issuerDid } from "../../core/credential/did";
import { generateSigningKey, keyIdHex, signingKeyFromSeed, type SecretSigningKey } from "../../core/credential/keys";
import type { Chain, Hex } from "../chain/Chain";
import { unixSeconds, type Clock } from "../clock";
import { generateApiKey, hashApiKey } from "../crypto/apiKeys";
import type { SecretBox } from "../crypto/secretBox";
import type { Logger } from "../log";
import type { ApiKeyRecord, IssuerRecord, Store } from "../store/Store";

export interface IssuerProfileInput {
  name: string;
  url: string;
  email?: string;
  image?: string;
  /** The web domain the issuer will link (normalised by core/identity normalizeDomain). */
  domain?: string;
}

export interface CreatedIssuer {
  issuer: IssuerRecord;
  apiKey: string;
}

export interface IssuerKeysDeps {
  store: Store;
  chain: Chain;
  clock: Clock;
  box: SecretBox;
  log: Logger;
}

const seedContext = (id: string) => `issuer:${id}:signing-seed`;
const addressContext = (id: string) => `issuer:${id}:address-key`;

export function createIssuer(deps: IssuerKeysDeps, profile: IssuerProfileInput, options: { isDemo?: boolean } = {}): CreatedIssuer {
  const id = crypto.randomUUID();
  const addressKey = generatePrivateKey();
  const address = privateKeyToAccount(addressKey).address;
  const signingKey = generateSigningKey();
  const issuer: IssuerRecord = {
    id,
    name: profile.name,
    url: profile.url,
    email: profile.email ?? null,
    image: profile.image ?? null,
    did: issuerDid(deps.chain.chainId, address),
    address,
    chainId: deps.chain.chainId,
    addressKeySealed: deps.box.seal(hexToBytes(addressKey), addressContext(id)),
    signingSeedSealed: deps.box.seal(signingKey.seed, seedContext(id)),
    signingPublicKeyMultibase: signingKey.publicKeyMultibase,
    signingKeyId: keyIdHex(signingKey),
    onchainState: "pending",
    isDemo: options.isDemo ?? false,
    createdAt: unixSeconds(deps.clock),
    domain: profile.domain ?? null,
  };
  const { apiKey, record } = newIssuerApiKey(id, issuer.createdAt);
  deps.store.transaction(() => {
    deps.store.insertIssuer(issuer);
    deps.store.insertApiKey(record);
  });
  return { issuer, apiKey };
}

/**
 * Registers the issuer's signing key and authorises our operator on chain (idempotent). The
 * operator gets the registry's default scopes (anchor, endorse, suspend), never revoke: the
 * issuer's revocations are signed by its own key (see server/worker/statusWriter.ts). With
 * `restoring` (the start-up reconciliation), a key the chain lost is written again valid from
 * the issuer's creation (the registry clamps its effective start to the registration).
 */
export async function onboardIssuer(deps: IssuerKeysDeps, issuer: IssuerRecord, options: { restoring?: boolean } = {}): Promise<IssuerRecord> {
  const issuerPrivateKey = issuerChainKey(deps.box, issuer);
  await deps.chain.onboardIssuer({ issuerPrivateKey, signingKeyId: issuer.signingKeyId, ...(options.restoring ? { validFrom: BigInt(issuer.createdAt) } : {}) });
  deps.store.setIssuerOnchainState(issuer.id, "registered");
  deps.log.info({ issuer: issuer.id, address: issuer.address }, "issuer onboarded on chain");
  return { ...issuer, onchainState: "registered" };
}

/**
 * The issuer, registered on chain, ready to award: one whose onboarding failed when it was
 * created (the chain down or busy) is onboarded again now (idempotent) rather than waiting for a
 * restart. Undefined when that fails again (logged): awards wait.
 */
export function readyIssuer(deps: IssuerKeysDeps, issuer: IssuerRecord): Promise<IssuerRecord | undefined> {
  if (issuer.onchainState === "registered") return Promise.resolve(issuer);
  // Awards arriving together share one onboarding: two would send the issuer's registerKey
  // twice from one nonce, and the loser would be refused although the key got registered.
  const running = onboardingsInFlight.get(issuer.id);
  if (running) return running;
  const attempt = onboardIssuer(deps, issuer)
    .catch((error: unknown) => {
      deps.log.warn({ err: error, issuer: issuer.id }, "issuer onboarding on chain failed again; awards wait");
      return undefined;
    })
    .finally(() => onboardingsInFlight.delete(issuer.id));
  onboardingsInFlight.set(issuer.id, attempt);
  return attempt;
}

/** This process's onboardings under way, by issuer id (several instances take a lease instead: server/cluster). */
const onboardingsInFlight = new Map<string, Promise<IssuerRecord | undefined>>();

/** The issuer's chain private key, opened from its sealed copy (it signs the issuer's revocations). */
export function issuerChainKey(box: SecretBox, issuer: IssuerRecord): Hex {
  return bytesToHex(box.open(issuer.addressKeySealed, addressContext(issuer.id))) as Hex;
}

export function issuerSigningKey(box: SecretBox, issuer: IssuerRecord): SecretSigningKey {
  return signingKeyFromSeed(box.open(issuer.signingSeedSealed, seedContext(issuer.id)));
}

/** An issuer API key (the secret, shown once) and the record the store keeps of it (its hash). */
function newIssuerApiKey(issuerId: string, createdAt: number): { apiKey: string; record: ApiKeyRecord & { issuerId: string } } {
  const apiKey = generateApiKey("ca_issuer");
  return { apiKey, record: { id: crypto.randomUUID(), issuerId, keyHash: hashApiKey(apiKey), scopes: ["issue", "revoke"], createdAt } };
}

/** A new API key for the issuer (shown once); every earlier key of the issuer stops working. */
export function rotateIssuerApiKey(store: Store, clock: Clock, issuerId: string): { apiKey: string; revokedKeys: number } {
  const now = unixSeconds(clock);
  const { apiKey, record } = newIssuerApiKey(issuerId, now);
  return { apiKey, revokedKeys: store.rotateIssuerApiKey(record, now) };
}

/** Issues an additional API key for an existing issuer (used to re-print the demo issuer's key). */
export function addIssuerApiKey(store: Store, clock: Clock, issuerId: string): string {
  const { apiKey, record } = newIssuerApiKey(issuerId, unixSeconds(clock));
  store.insertApiKey(record);
  return apiKey;
}
