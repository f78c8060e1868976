import { expect } from "chai";
import fc from "fast-check";
import { keccak256 as ethersKeccak256, concat } from "ethers";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { InvalidArgumentError } from "../../../core/errors";
import { bytesToHex } from "../../../core/merkle/hex";
import { compareBytes32, hashPair, keccak256, standardLeafHash } from "../../../core/merkle/keccak";
import { jsTreeHasher, wasmTreeHasher, defaultTreeHasher } from "../../../core/merkle/treeHasher";
import { PI_TARGET, RHO_OFFSETS, ROUND_CONSTANTS } from "../../../core/merkle/wasm/keccakConstants";
import { keccakModuleBytes, spongeModuleBytes, SPONGE_INPUT_BLOCKS } from "../../../core/merkle/wasm/keccakModule";
import { wasmKeccak256 } from "../../../core/merkle/keccakSponge";
import { seededBytes } from "./support";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("keccak256", () => {
  describe("keccak-f[1600] constants derived from their definitions", () => {
    it("round constants match FIPS 202 (first, second, third and last)", () => {
      expect(ROUND_CONSTANTS).to.have.length(24);
      expect(ROUND_CONSTANTS[0]).to.equal(0x1n);
      expect(ROUND_CONSTANTS[1]).to.equal(0x8082n);
      expect(ROUND_CONSTANTS[2]).to.equal(0x800000000000808an);
      expect(ROUND_CONSTANTS[23]).to.equal(0x8000000080008008n);
    });

    it("rho offsets and the pi permutation match the reference tables", () => {
      // lanes x + 5y; offsets from the Keccak reference, row by row
      expect(RHO_OFFSETS).to.deep.equal([0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14]);
      expect([...PI_TARGET].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 25 }, (_, i) => i));
      expect(PI_TARGET[1]).to.equal(10); // (1,0) -> (0,2)
    });
  });

  describe("WebAssembly batch hasher", () => {
    it("hash64 equals @noble/hashes on random 64-byte inputs, across call chunks", () => {
      const count = 20_000;
      const inputs = seededBytes(64 * count, 1);
      const out = wasmTreeHasher.hash64(inputs);
      for (let i = 0; i < count; i += 613) expect(hex(out.subarray(32 * i, 32 * i + 32)), `input ${i}`).to.equal(hex(keccak_256(inputs.subarray(64 * i, 64 * i + 64))));
      expect(hex(out.subarray(32 * (count - 1)))).to.equal(hex(keccak_256(inputs.subarray(64 * (count - 1)))));
    });

    it("hashLeaves is keccak256(keccak256(v)) for each 32-byte value (property)", () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 * 40 }).map((b) => b.subarray(0, b.length - (b.length % 32))), (values) => {
          const out = wasmTreeHasher.hashLeaves(values);
          expect(hex(out)).to.equal(hex(jsTreeHasher.hashLeaves(values)));
          for (let i = 0; i < values.length; i += 32) expect(hex(out.subarray(i, i + 32))).to.equal(hex(keccak_256(keccak_256(values.subarray(i, i + 32)))));
        }),
        { numRuns: 100 },
      );
    });

    it("handles the edge inputs: all zero and all 0xff bytes", () => {
      for (const fill of [0x00, 0xff]) {
        const input = new Uint8Array(64).fill(fill);
        expect(hex(wasmTreeHasher.hash64(input))).to.equal(hex(keccak_256(input)));
        expect(hex(wasmTreeHasher.hashLeaves(input.subarray(0, 32)))).to.equal(hex(standardLeafHash(input.subarray(0, 32))));
      }
    });

    it("is the default engine here, and stays under the 4 KB browsers compile synchronously", () => {
      expect(defaultTreeHasher().name).to.equal("wasm");
      expect(keccakModuleBytes().length).to.be.below(4096);
    });
  });

  describe("WebAssembly sponge (inputs of any length)", () => {
    it("equals @noble/hashes on random inputs up to 2 KB (property)", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2048 }), (input) => {
          expect(hex(wasmKeccak256(input)!)).to.equal(hex(keccak_256(input)));
        }),
        { numRuns: 500 },
      );
    });

    it("equals @noble/hashes at every padding and chunk boundary", () => {
      const chunk = SPONGE_INPUT_BLOCKS * 136;
      for (const length of [0, 1, 134, 135, 136, 137, 271, 272, 273, chunk - 1, chunk, chunk + 1, 2 * chunk + 135, 2 * chunk + 136]) {
        const input = seededBytes(length, length);
        expect(hex(wasmKeccak256(input)!), `${length} bytes`).to.equal(hex(keccak_256(input)));
      }
    });

    it("keeps its module under 4 KB as well", () => {
      expect(spongeModuleBytes().length).to.be.below(4096);
    });
  });

  describe("single hashes", () => {
    it("keccak256 of the empty input is the known constant", () => {
      expect(bytesToHex(keccak256(new Uint8Array(0)))).to.equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    });

    it("hashPair hashes the smaller node first, as MerkleProof.sol does", () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
          const [low, high] = compareBytes32(a, b) <= 0 ? [a, b] : [b, a];
          const expected = ethersKeccak256(concat([low, high]));
          expect(bytesToHex(hashPair(a, b))).to.equal(expected);
          expect(bytesToHex(hashPair(b, a))).to.equal(expected);
        }),
        { numRuns: 200 },
      );
    });

    it("rejects nodes that are not 32 bytes", () => {
      expect(() => hashPair(new Uint8Array(31), new Uint8Array(32))).to.throw(InvalidArgumentError);
      expect(() => standardLeafHash(new Uint8Array(33))).to.throw(InvalidArgumentError);
    });
  });
});
