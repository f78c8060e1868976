/**
 * How the server reads accreditors' records for its verify route: a record this instance serves
 * itself (its own accreditor API's record URL) is read from the store, without a request to
 * itself; any other URI only through the safe fetcher (bounded size and time, public addresses
 * only). Either way the verifier checks the record's hash against the chain: the store is not
 * trusted more than the network.
 */
import type { DocumentFetcher } from "../../core/credential/issuerKeyBinding";
import { recordUrl, type AccreditorDeps } from "./accreditors";

export function createRecordFetcher(deps: AccreditorDeps | undefined, safeFetch: DocumentFetcher): DocumentFetcher {
  return async (url: string) => {
    if (deps && url.startsWith(`${deps.publicUrl}/api/v1/accreditors/`)) {
      const match = /^\/api\/v1\/accreditors\/(0x[0-9a-fA-F]{40})\/recognitions\/(0x[0-9a-fA-F]{40})\/record$/.exec(url.slice(deps.publicUrl.length));
      const accreditor = match ? deps.accreditors.getAccreditor(match[1]!) : undefined;
      const row = accreditor ? deps.accreditors.getRecognition(accreditor.id, match![2]!) : undefined;
      if (!accreditor || !row || recordUrl(deps.publicUrl, accreditor.address, row.issuer) !== url) throw new Error(`${url} names no record of this instance`);
      return JSON.parse(row.recordJson) as unknown;
    }
    return safeFetch(url);
  };
}
