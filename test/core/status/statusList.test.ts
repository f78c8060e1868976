import { expect } from "chai";
import { gzipSync } from "fflate";
import {
  MIN_STATUS_LIST_BITS,
  bitstringToChainWords,
  chainWordsToBitstring,
  createEmptyBitstring,
  decodeStatusList,
  encodeStatusList,
  setStatusBit,
  statusBitAt,
} from "../../../core/status/bitstring";
import { buildStatusListCredential, parseStatusListIndex, readStatusFromListCredential } from "../../../core/status/statusListCredential";
import { InvalidArgumentError, InvalidStatusListError } from "../../../core/errors";
import { decodeBase64UrlLoosely, encodeBase64Url } from "../../../core/proof/base64url";
import { describeWithVectors, readVectorJson } from "../../helpers/vectors";

describe("status lists", () => {
  describe("bitstring", () => {
    it("puts entry 0 in the most significant bit of byte 0", () => {
      const bytes = createEmptyBitstring();
      setStatusBit(bytes, 0, true);
      setStatusBit(bytes, 9, true);
      expect(bytes[0]).to.equal(0x80);
      expect(bytes[1]).to.equal(0x40);
      expect(statusBitAt(bytes, 0)).to.equal(true);
      expect(statusBitAt(bytes, 1)).to.equal(false);
      setStatusBit(bytes, 0, false);
      expect(bytes[0]).to.equal(0);
    });

    it("round-trips through encodedList and compares decoded bits", () => {
      const bytes = createEmptyBitstring();
      for (const index of [0, 7, 8, 255, 256, 131_071]) setStatusBit(bytes, index, true);
      const encoded = encodeStatusList(bytes);
      expect(encoded.startsWith("u")).to.equal(true);
      expect(encoded).to.not.match(/[=+/]/);
      expect(decodeStatusList(encoded)).to.deep.equal(bytes);
    });

    it("rejects a list shorter than 131,072 bits on encode and on decode", () => {
      expect(() => encodeStatusList(new Uint8Array(1024))).to.throw(InvalidArgumentError);
      const short = "u" + encodeBase64Url(gzipSync(new Uint8Array(MIN_STATUS_LIST_BITS / 8 - 1)));
      expect(() => decodeStatusList(short)).to.throw(InvalidStatusListError, /fewer than the required minimum of 131072/);
    });

    it("rejects text that is not base64url GZIP", () => {
      expect(() => decodeStatusList("u!!!")).to.throw(InvalidStatusListError, /base64url/);
      expect(() => decodeStatusList("u" + encodeBase64Url(new Uint8Array([1, 2, 3, 4])))).to.throw(InvalidStatusListError, /GZIP/);
    });

    it("base64url matches Node's encoder for every length remainder", () => {
      for (const length of [0, 1, 2, 3, 4, 5, 31, 32, 33]) {
        const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + 13) & 0xff);
        const encoded = encodeBase64Url(bytes);
        expect(encoded).to.equal(Buffer.from(bytes).toString("base64url"));
        expect(decodeBase64UrlLoosely(encoded)).to.deep.equal(bytes);
      }
    });

    it("reads lists other producers wrote in padded standard base64", () => {
      const bits = createEmptyBitstring();
      setStatusBit(bits, 77, true);
      const standard = Buffer.from(gzipSync(bits, { level: 9, mtime: 0 })).toString("base64");
      expect(standard).to.match(/[+/=]/);
      expect(decodeStatusList("u" + standard)[77 >> 3]).to.equal(0x80 >> (77 & 7));
    });
  });

  describe("chain words to bitstring", () => {
    it("maps chain entry i (word i>>8, bit i&255 from the least significant) to BSL entry i", () => {
      const words = [1n, 0n, (1n << 255n) | (1n << 3n)];
      const bytes = chainWordsToBitstring(words);
      expect(bytes.length * 8).to.equal(MIN_STATUS_LIST_BITS);
      const set = [0, 2 * 256 + 3, 2 * 256 + 255];
      for (const index of [0, 1, 255, 256, 515, 767, 768]) {
        expect(statusBitAt(bytes, index), `entry ${index}`).to.equal(set.includes(index));
      }
      expect(bitstringToChainWords(bytes).slice(0, 3)).to.deep.equal(words);
    });

    it("rejects a word wider than 256 bits", () => {
      expect(() => chainWordsToBitstring([1n << 256n])).to.throw(InvalidArgumentError);
    });
  });

  describe("status list credential", () => {
    it("builds a VC 2.0 BitstringStatusListCredential that reads back bit for bit", () => {
      const bytes = chainWordsToBitstring([1n << 42n]);
      const credential = buildStatusListCredential({
        url: "https://issuer.example/status/0x1/0/revocation",
        issuer: "did:pkh:eip155:31337:0x0000000000000000000000000000000000000001",
        statusPurpose: "revocation",
        bitstring: bytes,
        validFrom: new Date("2026-01-01T00:00:00.123Z"),
      });
      expect(credential.type).to.deep.equal(["VerifiableCredential", "BitstringStatusListCredential"]);
      expect(credential["@context"]).to.deep.equal(["https://www.w3.org/ns/credentials/v2"]);
      expect(credential.validFrom).to.equal("2026-01-01T00:00:00Z");
      expect(credential.credentialSubject).to.include({
        id: "https://issuer.example/status/0x1/0/revocation#list",
        type: "BitstringStatusList",
        statusPurpose: "revocation",
      });
      expect(readStatusFromListCredential(credential, 42).set).to.equal(true);
      expect(readStatusFromListCredential(credential, "41").set).to.equal(false);
    });

    it("refuses an index past the end and a document that is not a status list", () => {
      const credential = buildStatusListCredential({
        url: "https://x.example/l",
        issuer: "did:example:1",
        statusPurpose: "suspension",
        bitstring: createEmptyBitstring(),
        validFrom: new Date(0),
      });
      expect(() => readStatusFromListCredential(credential, MIN_STATUS_LIST_BITS)).to.throw(InvalidStatusListError);
      expect(() => readStatusFromListCredential({ type: ["VerifiableCredential"] }, 0)).to.throw(InvalidStatusListError);
    });

    it("accepts statusListIndex as a number or a base-10 string and nothing else", () => {
      expect(parseStatusListIndex(23)).to.equal(23);
      expect(parseStatusListIndex("23")).to.equal(23);
      for (const bad of ["023", "-1", "1e3", 1.5, -1, "", null]) {
        expect(() => parseStatusListIndex(bad), String(bad)).to.throw(InvalidArgumentError);
      }
    });
  });

  describeWithVectors("external status list vectors", () => {
    it("reads bit 23 set and bit 22 clear from 1EdTech's signed test list", () => {
      const list = readVectorJson("1edtech-validator/ob30-bsl-testlist.json");
      expect(readStatusFromListCredential(list, 23).set).to.equal(true);
      expect(readStatusFromListCredential(list, "22").set).to.equal(false);
      expect(decodeStatusList(list.credentialSubject.encodedList).length * 8).to.equal(MIN_STATUS_LIST_BITS);
    });

    it("decodes the W3C spec example to 131,072 zero bits", () => {
      const list = readVectorJson("w3c-bsl-spec-example-statuslist.json");
      const bytes = decodeStatusList(list.credentialSubject.encodedList);
      expect(bytes.length * 8).to.equal(MIN_STATUS_LIST_BITS);
      expect(bytes.every((byte) => byte === 0)).to.equal(true);
    });

    it("reads the revoked sample's index 23 (a JSON number) as set", () => {
      const credential = readVectorJson("1edtech-validator/ob30-bsl-credential-status-revoked.json");
      const list = readVectorJson("1edtech-validator/ob30-bsl-testlist.json");
      expect(readStatusFromListCredential(list, credential.credentialStatus.statusListIndex).set).to.equal(true);
    });
  });
});
