// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CredentialRegistry} from "../../contracts/CredentialRegistry.sol";
import {IStatusLists} from "../../contracts/interfaces/IStatusLists.sol";
import {FuzzBase, bound} from "./utils/FuzzBase.sol";
import {vm} from "./utils/Vm.sol";

/// @notice Word-and-mask and index-list writes against their specification: entry i lives in
/// word i / 256 at bit i % 256 (least significant first), writes touch exactly the named bits.
contract StatusListsFuzzTest is FuzzBase {
    uint256 private constant SIZE = 131_072;
    uint256 private constant WORDS = SIZE / 256;
    address private constant ISSUER = address(0xA11CE);
    IStatusLists.StatusPurpose private constant REVOCATION = IStatusLists.StatusPurpose.Revocation;
    IStatusLists.StatusPurpose private constant SUSPENSION = IStatusLists.StatusPurpose.Suspension;

    CredentialRegistry private registry;

    function setUp() public {
        registry = new CredentialRegistry();
    }

    function testFuzz_revokeWordSetsExactlyTheMaskBits(uint256 wordIndex, uint256 earlier, uint256 mask) public {
        wordIndex = bound(wordIndex, 0, WORDS - 1);
        vm.assume(mask != 0);
        if (earlier != 0) _revokeWord(0, wordIndex, earlier);
        _revokeWord(0, wordIndex, mask);

        vm.assertEq(_word(0, REVOCATION, wordIndex), earlier | mask, "the word is the union of both masks");
        if (wordIndex > 0) vm.assertEq(_word(0, REVOCATION, wordIndex - 1), 0, "the word before is untouched");
        if (wordIndex < WORDS - 1) vm.assertEq(_word(0, REVOCATION, wordIndex + 1), 0, "the word after is untouched");
        vm.assertEq(_word(0, SUSPENSION, wordIndex), 0, "the suspension bitmap is untouched");
        vm.assertEq(_word(1, REVOCATION, wordIndex), 0, "another list is untouched");
    }

    function testFuzz_unsuspendClearsOnlyTheMaskBits(uint256 wordIndex, uint256 suspended, uint256 lifted) public {
        wordIndex = bound(wordIndex, 0, WORDS - 1);
        vm.assume(suspended != 0 && lifted != 0);
        vm.startPrank(ISSUER);
        registry.suspendWord(ISSUER, 0, wordIndex, suspended, 1);
        registry.unsuspendWord(ISSUER, 0, wordIndex, lifted, 2);
        vm.stopPrank();
        vm.assertEq(_word(0, SUSPENSION, wordIndex), suspended & ~lifted, "only the lifted bits cleared");
    }

    function testFuzz_liftingASuspensionNeverClearsARevocation(uint256 wordIndex, uint256 mask) public {
        wordIndex = bound(wordIndex, 0, WORDS - 1);
        vm.assume(mask != 0);
        vm.startPrank(ISSUER);
        registry.revokeWord(ISSUER, 0, wordIndex, mask, 1);
        registry.suspendWord(ISSUER, 0, wordIndex, mask, 1);
        registry.unsuspendWord(ISSUER, 0, wordIndex, type(uint256).max, 2);
        vm.stopPrank();
        vm.assertEq(_word(0, REVOCATION, wordIndex), mask, "revocation bits stay set");
        vm.assertEq(_word(0, SUSPENSION, wordIndex), 0, "suspension bits cleared");
    }

    /// Writing indices gives the same bitmap as writing each index as its own one-bit mask,
    /// whatever the order, repeats or grouping of the indices.
    function testFuzz_indicesMatchTheEquivalentOneBitWordWrites(uint32[] memory seeds) public {
        vm.assume(seeds.length > 0);
        uint256 length = seeds.length > 64 ? 64 : seeds.length;
        uint32[] memory indices = new uint32[](length);
        for (uint256 i = 0; i < length; ++i) {
            // Four words, so neighbours share words often and the grouping gets exercised.
            indices[i] = uint32(seeds[i] % 1024);
        }
        vm.startPrank(ISSUER);
        registry.revokeIndices(ISSUER, 1, indices, 0);
        for (uint256 i = 0; i < length; ++i) {
            registry.revokeWord(ISSUER, 2, indices[i] >> 8, uint256(1) << (indices[i] & 0xff), 0);
        }
        vm.stopPrank();
        uint256[] memory byIndices = registry.statusWords(ISSUER, 1, REVOCATION, 0, 5);
        uint256[] memory byWords = registry.statusWords(ISSUER, 2, REVOCATION, 0, 5);
        for (uint256 w = 0; w < 5; ++w) vm.assertEq(byIndices[w], byWords[w], "index and word writes differ");
        for (uint256 i = 0; i < length; ++i) {
            vm.assertTrue(registry.statusBit(ISSUER, 1, REVOCATION, indices[i]), "an index was not set");
        }
    }

    function testFuzz_anEntryLivesInItsWordAtItsBit(uint256 index) public {
        index = bound(index, 0, SIZE - 1);
        uint32[] memory indices = new uint32[](1);
        indices[0] = uint32(index);
        vm.prank(ISSUER);
        registry.suspendIndices(ISSUER, 3, indices, 0);
        vm.assertEq(_word(3, SUSPENSION, index >> 8), uint256(1) << (index & 0xff), "wrong word or bit");
        vm.assertTrue(registry.statusBit(ISSUER, 3, SUSPENSION, index), "the entry reads unset");
        vm.assertFalse(registry.statusBit(ISSUER, 3, SUSPENSION, index ^ 1), "a neighbour reads set");
    }

    function testFuzz_rejectsAnIndexPastTheEndOfTheList(uint32 index, uint256 position) public {
        vm.assume(index >= SIZE);
        uint32[] memory indices = new uint32[](3);
        indices[bound(position, 0, 2)] = index; // the others are entry 0, which is valid
        vm.expectRevert(abi.encodeWithSelector(IStatusLists.StatusIndexOutOfRange.selector, index, SIZE));
        vm.prank(ISSUER);
        registry.revokeIndices(ISSUER, 0, indices, 0);
    }

    function testFuzz_rejectsAWordPastTheEndOfTheList(uint256 wordIndex, uint256 mask) public {
        vm.assume(wordIndex >= WORDS && mask != 0);
        vm.expectRevert(abi.encodeWithSelector(IStatusLists.WordIndexOutOfRange.selector, wordIndex, WORDS));
        vm.prank(ISSUER);
        registry.revokeWord(ISSUER, 0, wordIndex, mask, 0);
    }

    function testFuzz_readsPastTheEndAreZeroAndNeverRevert(uint256 index, uint256 fromWord, uint8 count) public {
        _revokeWord(0, WORDS - 1, type(uint256).max);
        vm.assume(index >= SIZE);
        vm.assertFalse(registry.statusBit(ISSUER, 0, REVOCATION, index), "an entry past the end reads set");
        uint256[] memory words = registry.statusWords(ISSUER, 0, REVOCATION, fromWord, count);
        vm.assertEq(words.length, count, "statusWords returns count words");
        for (uint256 i = 0; i < count; ++i) {
            bool inRange = fromWord < WORDS && i < WORDS - fromWord;
            uint256 expected = inRange && fromWord + i == WORDS - 1 ? type(uint256).max : 0;
            vm.assertEq(words[i], expected, "a word reads wrong");
        }
    }

    function _revokeWord(uint32 listId, uint256 wordIndex, uint256 mask) private {
        vm.prank(ISSUER);
        registry.revokeWord(ISSUER, listId, wordIndex, mask, 0);
    }

    function _word(uint32 listId, IStatusLists.StatusPurpose purpose, uint256 wordIndex) private view returns (uint256) {
        return registry.statusWords(ISSUER, listId, purpose, wordIndex, 1)[0];
    }
}
