// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CredentialRegistry} from "../../contracts/CredentialRegistry.sol";
import {ISigningKeys} from "../../contracts/interfaces/ISigningKeys.sol";
import {FuzzBase} from "./utils/FuzzBase.sol";
import {vm} from "./utils/Vm.sol";

/// @notice Key windows over arbitrary times: they only shrink, and validity follows the window.
contract SigningKeysFuzzTest is FuzzBase {
    address private constant ISSUER = address(0xA11CE);
    bytes32 private constant KEY = keccak256("an ed25519 public key");

    CredentialRegistry private registry;

    function setUp() public {
        vm.warp(1_767_225_600); // 2026-01-01: starts before it are recorded as the registration time
        registry = new CredentialRegistry();
    }

    function testFuzz_shorteningNeverWidensNorUnregisters(uint64 validFrom, uint64 validUntil, uint64 requested)
        public
    {
        uint64 start = _effectiveStart(validFrom);
        vm.assume(validUntil > start);
        _register(validFrom, validUntil);

        if (requested >= validUntil) {
            vm.expectRevert(
                abi.encodeWithSelector(ISigningKeys.KeyWindowCannotWiden.selector, KEY, validUntil, requested)
            );
        } else if (requested < start || requested == 0) {
            vm.expectRevert(abi.encodeWithSelector(ISigningKeys.InvalidKeyWindow.selector, start, requested));
        }
        vm.prank(ISSUER);
        registry.shortenKeyValidity(KEY, requested);

        ISigningKeys.KeyRecord memory record = registry.keyRecord(ISSUER, KEY);
        vm.assertTrue(record.validUntil != 0, "the key reads as never registered");
        vm.assertLe(record.validUntil, validUntil, "the window widened");
        vm.assertEq(record.validFrom, start, "the start moved (or reaches back before registration)");
    }

    function testFuzz_aCompromiseOnlyMovesEarlier(uint64 first, uint64 second) public {
        vm.assume(first != 0);
        _register(0, type(uint64).max);
        vm.prank(ISSUER);
        registry.markKeyCompromised(KEY, first);

        if (second == 0) {
            vm.expectRevert(abi.encodeWithSelector(ISigningKeys.ZeroCompromiseTime.selector, KEY));
        } else if (second >= first) {
            vm.expectRevert(abi.encodeWithSelector(ISigningKeys.KeyWindowCannotWiden.selector, KEY, first, second));
        }
        vm.prank(ISSUER);
        registry.markKeyCompromised(KEY, second);
        uint64 recorded = registry.keyRecord(ISSUER, KEY).compromisedAt;
        vm.assertEq(recorded, second != 0 && second < first ? second : first, "compromisedAt");
    }

    /// plan.md: valid at t iff validFrom <= t < validUntil and (compromisedAt == 0 or t < compromisedAt).
    function testFuzz_validityFollowsTheWindowAndTheCompromise(
        uint64 validFrom,
        uint64 validUntil,
        uint64 compromisedAt,
        uint64 at
    ) public {
        uint64 start = _effectiveStart(validFrom);
        vm.assume(validUntil > start);
        _register(validFrom, validUntil);
        if (compromisedAt != 0) {
            vm.prank(ISSUER);
            registry.markKeyCompromised(KEY, compromisedAt);
        }
        // A key never counts before it was registered: the effective start is the later of the two.
        bool expected = start <= at && at < validUntil && (compromisedAt == 0 || at < compromisedAt);
        vm.assertEq(registry.isKeyValidAt(ISSUER, KEY, at), expected, "isKeyValidAt");
        vm.assertFalse(registry.isKeyValidAt(address(0xB0B), KEY, at), "valid for an issuer that never registered it");
    }

    /// The start the registry records: never before the block time of the registration.
    function _effectiveStart(uint64 validFrom) private view returns (uint64) {
        return validFrom < block.timestamp ? uint64(block.timestamp) : validFrom;
    }

    function _register(uint64 validFrom, uint64 validUntil) private {
        vm.prank(ISSUER);
        registry.registerKey(KEY, validFrom, validUntil);
    }
}
