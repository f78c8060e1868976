/**
 * Reads a credential's `credentialStatus` entries (BitstringStatusListEntry) and maps them to
 * the registry's status lists.
 *
 * credanchor convention: a credanchor server publishes issuer `I`'s list `n` at
 * `<base>/status-lists/<I>/<n>`, so the list id on chain is the last path segment of
 * `statusListCredential` when it is a decimal number. Lists from elsewhere have no list id and
 * are not read from the chain.
 */
import { parseStatusListIndex } from "./statusListCredential";

export interface StatusEntry {
  statusPurpose: string;
  statusListCredential: string;
  /** The entry's index, or undefined when the value is malformed (see `indexError`). */
  statusListIndex?: number;
  indexError?: string;
  /** The registry's list id when `statusListCredential` follows the credanchor convention. */
  listId?: number;
  /**
   * Set for an entry this verifier cannot read (another status method such as
   * 1EdTechRevocationList, or not an object): its type, or a description. Kept, not dropped, so
   * a status the verifier cannot check never reads as "no status".
   */
  unsupported?: string;
}

export function readStatusEntries(credential: unknown): StatusEntry[] {
  const raw = (credential as { credentialStatus?: unknown } | null)?.credentialStatus;
  const entries = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  return entries.map((value): StatusEntry => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      const what = value === null ? "null" : Array.isArray(value) ? "a nested array" : `a ${typeof value}`;
      return { statusPurpose: "", statusListCredential: "", unsupported: `${what} instead of a status entry object` };
    }
    const entry = value as Record<string, unknown>;
    const types = typeof entry.type === "string" ? [entry.type] : Array.isArray(entry.type) ? entry.type.filter((t): t is string => typeof t === "string") : [];
    if (!types.includes("BitstringStatusListEntry")) {
      return { statusPurpose: "", statusListCredential: typeof entry.id === "string" ? entry.id : "", unsupported: types.length === 0 ? "an entry without a type" : types.join(", ") };
    }
    const result: StatusEntry = {
      statusPurpose: typeof entry.statusPurpose === "string" ? entry.statusPurpose : "",
      statusListCredential: typeof entry.statusListCredential === "string" ? entry.statusListCredential : "",
    };
    try {
      result.statusListIndex = parseStatusListIndex(entry.statusListIndex);
    } catch (error) {
      result.indexError = (error as Error).message;
    }
    const listId = listIdFromStatusListUrl(result.statusListCredential);
    if (listId !== undefined) result.listId = listId;
    return result;
  });
}

/** The list id at the end of a credanchor status list URL, or undefined. */
export function listIdFromStatusListUrl(url: string): number | undefined {
  const path = url.split(/[?#]/, 1)[0]!.replace(/\/+$/, "");
  const match = /\/status-lists\/[^/]+\/(0|[1-9][0-9]{0,9})$/.exec(path);
  if (!match) return undefined;
  const listId = Number(match[1]);
  return listId <= 0xffffffff ? listId : undefined;
}
