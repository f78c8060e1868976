import { expect } from "chai";
import { listIdFromStatusListUrl, readStatusEntries } from "../../../core/status/statusEntry";

describe("status entries", () => {
  it("takes the list id from a credanchor status list URL", () => {
    expect(listIdFromStatusListUrl("https://issuer.example/api/v1/status-lists/0xAbC/7")).to.equal(7);
    expect(listIdFromStatusListUrl("https://issuer.example/api/v1/status-lists/0xAbC/0/")).to.equal(0);
    expect(listIdFromStatusListUrl("https://issuer.example/api/v1/status-lists/0xAbC/12?x=1#f")).to.equal(12);
  });

  it("finds no list id in other lists' URLs", () => {
    for (const url of ["https://example.com/credentials/status/3", "https://x.example/status-lists/a/07", "https://x.example/status-lists/a/4294967296", ""]) {
      expect(listIdFromStatusListUrl(url), url).to.equal(undefined);
    }
  });

  it("reads one entry or several, index as string or number, and records a malformed index", () => {
    const entries = readStatusEntries({
      credentialStatus: [
        { type: "BitstringStatusListEntry", statusPurpose: "revocation", statusListIndex: "5", statusListCredential: "https://i.example/status-lists/0x1/2" },
        { type: "BitstringStatusListEntry", statusPurpose: "suspension", statusListIndex: 6, statusListCredential: "https://i.example/status-lists/0x1/3" },
        { type: "BitstringStatusListEntry", statusPurpose: "revocation", statusListIndex: "five", statusListCredential: "https://other.example/list" },
        { type: "1EdTechRevocationList", id: "https://other.example/revocations" },
      ],
    });
    expect(entries).to.have.length(4);
    expect(entries[0]).to.include({ statusListIndex: 5, listId: 2, statusPurpose: "revocation" });
    expect(entries[1]).to.include({ statusListIndex: 6, listId: 3, statusPurpose: "suspension" });
    expect(entries[2]!.statusListIndex).to.equal(undefined);
    expect(entries[2]!.indexError).to.match(/base-10/);
    expect(entries[3]).to.deep.equal({ statusPurpose: "", statusListCredential: "https://other.example/revocations", unsupported: "1EdTechRevocationList" });
    expect(readStatusEntries({})).to.deep.equal([]);
  });

  it("keeps entries it cannot read (other types, no type, not objects) so they are never taken for 'no status'", () => {
    const entries = readStatusEntries({ credentialStatus: [{ id: "https://x.example/s" }, "https://x.example/status", null, [1]] });
    expect(entries.map((entry) => entry.unsupported)).to.deep.equal(["an entry without a type", "a string instead of a status entry object", "null instead of a status entry object", "a nested array instead of a status entry object"]);
  });
});
