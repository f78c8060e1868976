import { expect } from "chai";
import { hex } from "@scure/base";
import { InvalidKeyError } from "../../../core/errors";
import {
  exportJwk,
  exportMultibase,
  generateSigningKey,
  importJwk,
  importMultibase,
  keyIdHex,
  publicKeyFromMultibase,
  publicKeyToMultibase,
  signingKeyFromSeed,
} from "../../../core/credential/keys";
import { describeWithVectors, readVectorJson } from "../../helpers/vectors";
import { thrownBy } from "./support";

// RFC 8032 §7.1 TEST 1, and the same key as a JWK in RFC 8037 Appendix A.1.
const RFC8032_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const RFC8037_JWK = {
  kty: "OKP",
  crv: "Ed25519",
  d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
  x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
};

// The key of the 1EdTech OB 3.0 signing example (quoted in test/fixtures/vectors/SOURCES.md).
const OB3_SEED = "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4";
const OB3_PUBLIC = "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5";
const OB3_PUBLIC_MULTIBASE = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";
// @digitalbazaar's form: header ‖ seed ‖ public key.
const OB3_SECRET_MULTIBASE_64 = "zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx";

describe("signing keys", function () {
  describe("from a seed", function () {
    it("derives the RFC 8032 public key", function () {
      const key = signingKeyFromSeed(hex.decode(RFC8032_SEED));
      expect(hex.encode(key.publicKey)).to.equal(RFC8032_PUBLIC);
    });

    it("writes the Multikey publicKeyMultibase the 1EdTech example uses", function () {
      const key = signingKeyFromSeed(hex.decode(OB3_SEED));
      expect(hex.encode(key.publicKey)).to.equal(OB3_PUBLIC);
      expect(key.publicKeyMultibase).to.equal(OB3_PUBLIC_MULTIBASE);
    });

    it("writes the secret as multicodec ed25519-priv (0x8026) ‖ 32-byte seed", function () {
      const key = signingKeyFromSeed(hex.decode(OB3_SEED));
      expect(importMultibase(key.secretKeyMultibase).seed).to.deep.equal(hex.decode(OB3_SEED));
      expect(key.secretKeyMultibase).to.not.equal(OB3_SECRET_MULTIBASE_64);
    });

    it("does not keep a reference to the caller's seed buffer", function () {
      const seed = hex.decode(OB3_SEED);
      const key = signingKeyFromSeed(seed);
      seed.fill(0);
      expect(key.publicKeyMultibase).to.equal(OB3_PUBLIC_MULTIBASE);
      expect(hex.encode(key.seed)).to.equal(OB3_SEED);
    });

    it("rejects a seed that is not 32 bytes", function () {
      expect(thrownBy(() => signingKeyFromSeed(new Uint8Array(31)))).to.be.instanceOf(InvalidKeyError);
    });
  });

  it("generates distinct random keys with their secrets", function () {
    const a = generateSigningKey();
    const b = generateSigningKey();
    expect(a.seed).to.have.length(32);
    expect(a.publicKeyMultibase).to.not.equal(b.publicKeyMultibase);
    expect(importMultibase(a.secretKeyMultibase).publicKeyMultibase).to.equal(a.publicKeyMultibase);
  });

  describe("multibase", function () {
    it("round-trips a public key", function () {
      const publicKey = hex.decode(OB3_PUBLIC);
      expect(publicKeyFromMultibase(publicKeyToMultibase(publicKey))).to.deep.equal(publicKey);
    });

    it("reads @digitalbazaar's 64-byte secret form and checks its public half", function () {
      const key = importMultibase(OB3_SECRET_MULTIBASE_64);
      expect(hex.encode(key.seed!)).to.equal(OB3_SEED);
      expect(key.publicKeyMultibase).to.equal(OB3_PUBLIC_MULTIBASE);
    });

    it("reads a public key string as a public-only key", function () {
      const key = importMultibase(OB3_PUBLIC_MULTIBASE);
      expect(key.seed).to.equal(undefined);
      expect(exportMultibase(key)).to.deep.equal({ publicKeyMultibase: OB3_PUBLIC_MULTIBASE });
    });

    it("refuses a public key that does not belong to the secret", function () {
      const error = thrownBy(() =>
        importMultibase({ publicKeyMultibase: OB3_PUBLIC_MULTIBASE, secretKeyMultibase: generateSigningKey().secretKeyMultibase }),
      );
      expect(error).to.be.instanceOf(InvalidKeyError);
      expect(error.message).to.match(/does not belong/);
    });

    it("refuses keys of other curves, other encodings and other lengths", function () {
      // secp256k1 Multikey (0xe701 header), a base64url multibase, and a truncated Ed25519 key.
      for (const bad of ["zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "u7QE", OB3_PUBLIC_MULTIBASE.slice(0, -4), ""]) {
        expect(thrownBy(() => publicKeyFromMultibase(bad)), bad).to.be.instanceOf(InvalidKeyError);
      }
    });
  });

  describe("JWK", function () {
    it("imports the RFC 8037 example key", function () {
      const key = importJwk(RFC8037_JWK);
      expect(hex.encode(key.seed!)).to.equal(RFC8032_SEED);
      expect(hex.encode(key.publicKey)).to.equal(RFC8032_PUBLIC);
    });

    it("exports the public part only unless asked for the secret", function () {
      const key = signingKeyFromSeed(hex.decode(RFC8032_SEED));
      expect(exportJwk(key)).to.deep.equal({ kty: "OKP", crv: "Ed25519", x: RFC8037_JWK.x });
      expect(exportJwk(key, { includeSecret: true })).to.deep.equal({ kty: "OKP", crv: "Ed25519", x: RFC8037_JWK.x, d: RFC8037_JWK.d });
    });

    it("refuses a JWK whose x does not match d, or that is not OKP/Ed25519", function () {
      expect(thrownBy(() => importJwk({ ...RFC8037_JWK, x: exportJwk(generateSigningKey()).x }))).to.be.instanceOf(InvalidKeyError);
      expect(thrownBy(() => importJwk({ ...RFC8037_JWK, crv: "X25519" }))).to.be.instanceOf(InvalidKeyError);
      expect(thrownBy(() => importJwk({ kty: "EC", crv: "P-256", x: "AA", y: "AA" }))).to.be.instanceOf(InvalidKeyError);
    });

    it("cannot export a secret it does not have", function () {
      const publicOnly = importMultibase(OB3_PUBLIC_MULTIBASE);
      expect(thrownBy(() => exportJwk(publicOnly, { includeSecret: true }))).to.be.instanceOf(InvalidKeyError);
    });
  });

  it("names the key on chain as the 0x-prefixed raw public key (bytes32)", function () {
    const key = signingKeyFromSeed(hex.decode(OB3_SEED));
    expect(keyIdHex(key)).to.equal(`0x${OB3_PUBLIC}`);
    expect(keyIdHex(key.publicKey)).to.equal(`0x${OB3_PUBLIC}`);
  });

  describeWithVectors("W3C vc-di-eddsa key pair", function () {
    it("reads privateKeyMultibase (0x8026 ‖ seed) and derives the published public key", function () {
      const pair = readVectorJson<{ publicKeyMultibase: string; privateKeyMultibase: string }>("w3c-vc-di-eddsa/keyPair.json");
      const key = importMultibase(pair);
      expect(key.publicKeyMultibase).to.equal(pair.publicKeyMultibase);
      expect(key.secretKeyMultibase).to.equal(pair.privateKeyMultibase);
    });
  });
});
