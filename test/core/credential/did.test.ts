import { expect } from "chai";
import { InvalidArgumentError } from "../../../core/errors";
import { didKey, issuerDid, parseIssuerDid, parseVerificationMethod, verificationMethodId } from "../../../core/credential/did";
import { issuerKey, otherKey, thrownBy } from "./support";

const ADDRESS_LOWER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const ADDRESS_CHECKSUMMED = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("issuer DIDs and verification methods", function () {
  describe("issuerDid", function () {
    it("names an address on a chain as did:pkh with the EIP-55 checksummed address", function () {
      expect(issuerDid(31337, ADDRESS_LOWER)).to.equal(`did:pkh:eip155:31337:${ADDRESS_CHECKSUMMED}`);
      expect(issuerDid(10n, ADDRESS_CHECKSUMMED)).to.equal(`did:pkh:eip155:10:${ADDRESS_CHECKSUMMED}`);
    });

    it("rejects a non-address and a non-positive chain id", function () {
      expect(thrownBy(() => issuerDid(1, "0x1234"))).to.be.instanceOf(InvalidArgumentError);
      expect(thrownBy(() => issuerDid(0, ADDRESS_LOWER))).to.be.instanceOf(InvalidArgumentError);
      expect(thrownBy(() => issuerDid(1.5, ADDRESS_LOWER))).to.be.instanceOf(InvalidArgumentError);
    });
  });

  describe("parseIssuerDid", function () {
    it("reads back the chain id and checksummed address", function () {
      expect(parseIssuerDid(issuerDid(8453, ADDRESS_LOWER))).to.deep.equal({ chainId: 8453, address: ADDRESS_CHECKSUMMED });
      expect(parseIssuerDid(`did:pkh:eip155:1:${ADDRESS_LOWER}`)).to.deep.equal({ chainId: 1, address: ADDRESS_CHECKSUMMED });
    });

    it("returns null for other DIDs, bad checksums and malformed chain ids", function () {
      const badChecksum = ADDRESS_CHECKSUMMED.replace("C51812", "c51812").replace("3A010", "3a010").replace("0e0d17", "0E0d17");
      for (const did of [
        "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        `did:pkh:eip155:01:${ADDRESS_LOWER}`,
        `did:pkh:eip155:0:${ADDRESS_LOWER}`,
        `did:pkh:solana:1:${ADDRESS_LOWER}`,
        `did:pkh:eip155:1:${badChecksum}`,
        `did:pkh:eip155:1:${ADDRESS_LOWER}#key`,
        "https://issuer.example",
      ]) {
        expect(parseIssuerDid(did), did).to.equal(null);
      }
    });
  });

  describe("verification methods", function () {
    it("are <controller>#<publicKeyMultibase> and split back into their parts", function () {
      const controller = issuerDid(31337, ADDRESS_LOWER);
      const id = verificationMethodId(controller, issuerKey.publicKeyMultibase);
      expect(id).to.equal(`${controller}#${issuerKey.publicKeyMultibase}`);
      expect(parseVerificationMethod(id)).to.deep.equal({ controller, publicKeyMultibase: issuerKey.publicKeyMultibase });
    });

    it("accept https controllers, as in 1EdTech's samples", function () {
      expect(parseVerificationMethod(`https://example.edu/issuers/565049#${issuerKey.publicKeyMultibase}`)).to.deep.equal({
        controller: "https://example.edu/issuers/565049",
        publicKeyMultibase: issuerKey.publicKeyMultibase,
      });
    });

    it("accept a did:key only when the fragment is the key the DID encodes", function () {
      const did = didKey(issuerKey.publicKey);
      expect(did).to.equal(`did:key:${issuerKey.publicKeyMultibase}`);
      expect(parseVerificationMethod(`${did}#${issuerKey.publicKeyMultibase}`)).to.not.equal(null);
      expect(parseVerificationMethod(`${did}#${otherKey.publicKeyMultibase}`)).to.equal(null);
    });

    it("return null when the fragment is not an Ed25519 key", function () {
      expect(parseVerificationMethod(`${issuerDid(1, ADDRESS_LOWER)}#key-1`)).to.equal(null);
      expect(parseVerificationMethod(`${issuerDid(1, ADDRESS_LOWER)}`)).to.equal(null);
      expect(parseVerificationMethod(`#${issuerKey.publicKeyMultibase}`)).to.equal(null);
      expect(parseVerificationMethod(`eip155:31337:${ADDRESS_CHECKSUMMED}`)).to.equal(null);
    });
  });
});
