/**
 * Status list credentials the caller already holds (for badges whose status lives outside
 * credanchor's registry, e.g. imported from another platform). The pipeline never fetches a
 * list: a URL in a credential names a server the verifier did not choose, and asking it would
 * tell that server who is being checked. A list counts only when its issuer signed it.
 */
import type { DocumentLoader } from "../credential/documentLoader";
import { verifyIssuerProofs } from "../credential/sign";
import { decodeStatusList } from "../status/bitstring";
import { bindIssuerKey, type DocumentFetcher, type KeyBinding } from "../credential/issuerKeyBinding";

export interface ProvidedStatusList {
  url: string;
  statusPurpose?: string;
  issuerId?: string;
  /** The decoded bits, when the list is usable. */
  bits?: Uint8Array;
  /** Why the list cannot be used (unsigned, bad signature, malformed encodedList…). */
  problem?: string;
  /** The keys of its issuer's proofs, to be bound to the issuer like a credential's. */
  keys?: { verificationMethod: string; publicKeyMultibase: string }[];
  /**
   * Why its key is not yet known to be its issuer's (documents not fetched or unreadable): its
   * bits are not used, either way, and the status step is unconfirmed with `fix`.
   */
  unbound?: { reason: string; fix: string };
}

/**
 * Status list credentials by the URL credentials name them with: an array is keyed by each
 * list's `id`; a record maps a URL to the list served there (its `id` may differ, as in
 * 1EdTech's samples).
 */
export type StatusListCredentials = readonly unknown[] | Readonly<Record<string, unknown>>;

export async function prepareStatusLists(lists: StatusListCredentials, documentLoader?: DocumentLoader): Promise<Map<string, ProvidedStatusList>> {
  const prepared = new Map<string, ProvidedStatusList>();
  const byUrl: [string | undefined, unknown][] = Array.isArray(lists)
    ? lists.map((list) => [(list as { id?: unknown } | null)?.id as string | undefined, list])
    : Object.entries(lists);
  for (const [url, list] of byUrl) {
    const document = list as { issuer?: unknown; type?: unknown; credentialSubject?: { statusPurpose?: unknown; encodedList?: unknown } } | null;
    if (!document || typeof url !== "string") continue;
    const issuer = document.issuer;
    const issuerId = typeof issuer === "string" ? issuer : typeof (issuer as { id?: unknown })?.id === "string" ? (issuer as { id: string }).id : undefined;
    const entry: ProvidedStatusList = { url };
    prepared.set(url, entry);
    const types = Array.isArray(document.type) ? document.type : [document.type];
    if (!types.includes("BitstringStatusListCredential")) {
      entry.problem = "it is not a BitstringStatusListCredential";
      continue;
    }
    if (issuerId !== undefined) entry.issuerId = issuerId;
    if (typeof document.credentialSubject?.statusPurpose === "string") entry.statusPurpose = document.credentialSubject.statusPurpose;
    try {
      entry.bits = decodeStatusList(String(document.credentialSubject?.encodedList ?? ""));
    } catch (error) {
      entry.problem = (error as Error).message;
      continue;
    }
    try {
      const proofs = await verifyIssuerProofs(document, documentLoader === undefined ? {} : { documentLoader });
      const own = proofs.filter((proof) => proof.isIssuer);
      entry.keys = own.map((proof) => ({ verificationMethod: proof.verificationMethod, publicKeyMultibase: proof.publicKeyMultibase }));
      if (own.length === 0) entry.problem = "it carries no proof by its issuer";
      else if (proofs.some((proof) => !proof.verified)) entry.problem = `its signature does not verify (${proofs.find((p) => !p.verified)!.error ?? "bad proof"})`;
    } catch (error) {
      entry.problem = `its signature could not be checked: ${(error as Error).message}`;
    }
    if (entry.problem) delete entry.bits;
  }
  return prepared;
}

/**
 * A list counts only when the key that signed it is provably its issuer's, by the same rule as a
 * credential's key (a list signed by anyone's key in the issuer's name would otherwise say "not
 * revoked"): mismatch → the list is refused (problem); unresolvable → its bits are not used
 * (unbound). did:pkh issuers' lists are on chain; a signed copy cannot be bound off chain.
 */
export async function bindStatusListKeys(lists: ReadonlyMap<string, ProvidedStatusList>, fetchDocument: DocumentFetcher | undefined): Promise<void> {
  await Promise.all(
    [...lists.values()].map(async (list) => {
      if (!list.bits || list.issuerId === undefined) return;
      for (const key of list.keys ?? []) {
        let binding: KeyBinding;
        try {
          binding = await bindIssuerKey(list.issuerId, key.verificationMethod, key.publicKeyMultibase, fetchDocument ? { fetchDocument } : {});
        } catch (error) {
          binding = { status: "unresolvable", reason: `the documents of ${list.issuerId} could not be read: ${(error as Error).message}` };
        }
        if (binding.status === "mismatch") {
          list.problem = `the key that signed it is not its issuer's: ${binding.reason}`;
          delete list.bits;
          return;
        }
        if (binding.status === "on-chain") {
          list.unbound = { reason: `it is signed by the chain account ${list.issuerId}, whose lists are read from the chain`, fix: "Enter an RPC URL for the issuer's chain" };
          return;
        }
        if (binding.status === "unresolvable") {
          list.unbound = { reason: binding.reason, fix: binding.fix ?? `Verify online, so the documents of ${list.issuerId} can be fetched` };
          return;
        }
      }
    }),
  );
}
