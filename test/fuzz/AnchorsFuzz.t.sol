// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CredentialRegistry} from "../../contracts/CredentialRegistry.sol";
import {IAnchors} from "../../contracts/interfaces/IAnchors.sol";
import {FuzzBase, bound} from "./utils/FuzzBase.sol";
import {vm} from "./utils/Vm.sol";

/// @notice Anchors and co-issuance against their specification over arbitrary roots, counts,
/// times and co-issuer lists.
contract AnchorsFuzzTest is FuzzBase {
    address private constant ISSUER = address(0xA11CE);
    uint256 private constant START = 1_767_225_600; // 2026-01-01

    CredentialRegistry private registry;

    function setUp() public {
        vm.warp(START);
        registry = new CredentialRegistry();
    }

    function testFuzz_theFirstWriteWins(bytes32 root, uint64 leafCount, uint64 laterLeafCount, uint32 laterBy) public {
        vm.assume(root != bytes32(0) && leafCount != 0 && laterLeafCount != 0);
        _anchor(ISSUER, root, leafCount);
        IAnchors.AnchorRecord memory first = registry.anchorRecord(ISSUER, root);

        vm.warp(START + laterBy);
        vm.expectRevert(
            abi.encodeWithSelector(IAnchors.RootAlreadyAnchored.selector, ISSUER, root, uint64(START))
        );
        _anchor(ISSUER, root, laterLeafCount);

        address[] memory coIssuers = new address[](1);
        coIssuers[0] = address(0xB0B);
        vm.expectRevert(
            abi.encodeWithSelector(IAnchors.RootAlreadyAnchored.selector, ISSUER, root, uint64(START))
        );
        vm.prank(ISSUER);
        registry.anchorCoIssued(ISSUER, root, laterLeafCount, "", coIssuers, 2);

        vm.assertEq(
            keccak256(abi.encode(registry.anchorRecord(ISSUER, root))), keccak256(abi.encode(first)), "record changed"
        );
    }

    function testFuzz_anAnchorLandsOnlyInItsIssuersNamespace(address issuer, address other, bytes32 root) public {
        vm.assume(issuer != other && root != bytes32(0));
        _anchor(issuer, root, 1);
        vm.assertEq(registry.anchorRecord(other, root).anchoredAt, 0, "the root shows in another namespace");
        // ...and the other address can still anchor the same root in its own namespace.
        _anchor(other, root, 2);
        vm.assertEq(registry.anchorRecord(issuer, root).leafCount, 1, "the first namespace changed");
        vm.assertEq(registry.anchorRecord(other, root).leafCount, 2, "the second anchor is missing");
    }

    function testFuzz_voidingChangesOnlyTheVoidFields(bytes32 root, uint64 leafCount, uint16 reason, uint16 again)
        public
    {
        vm.assume(root != bytes32(0) && leafCount != 0);
        _anchor(ISSUER, root, leafCount);
        IAnchors.AnchorRecord memory expected = registry.anchorRecord(ISSUER, root);
        vm.prank(ISSUER);
        registry.voidAnchor(root, reason);
        expected.voided = true;
        expected.voidReason = reason;
        vm.assertEq(
            keccak256(abi.encode(registry.anchorRecord(ISSUER, root))), keccak256(abi.encode(expected)), "record"
        );

        vm.expectRevert(abi.encodeWithSelector(IAnchors.AnchorVoided.selector, ISSUER, root, reason));
        vm.prank(ISSUER);
        registry.voidAnchor(root, again);
    }

    /// With N co-issuers and threshold M, the anchor counts the issuer plus every endorsement,
    /// in any order, and reaches M exactly when M - 1 co-issuers have endorsed.
    function testFuzz_coIssuanceIsCompleteAtTheThreshold(uint8 coIssuerCount, uint8 threshold, uint256 orderSeed)
        public
    {
        uint256 n = bound(coIssuerCount, 1, 16);
        threshold = uint8(bound(threshold, 2, n + 1));
        address[] memory coIssuers = new address[](n);
        for (uint256 i = 0; i < n; ++i) coIssuers[i] = address(uint160(0xC000 + i));
        bytes32 root = keccak256(abi.encode(orderSeed));
        vm.prank(ISSUER);
        registry.anchorCoIssued(ISSUER, root, 10, "", coIssuers, threshold);
        vm.assertEq(registry.anchorRecord(ISSUER, root).threshold, threshold, "threshold recorded");
        vm.assertEq(registry.anchorRecord(ISSUER, root).coIssuerCount, n, "co-issuer count recorded");

        uint256[] memory order = _shuffled(n, orderSeed);
        for (uint256 k = 0; k < n; ++k) {
            vm.assertEq(_endorsementCount(root) >= threshold, 1 + k >= threshold, "complete too early or too late");
            vm.prank(coIssuers[order[k]]);
            registry.endorse(ISSUER, root, coIssuers[order[k]]);
            vm.assertEq(_endorsementCount(root), k + 2, "every endorsement counts once");
            vm.assertEq(registry.endorsementCount(ISSUER, root), k + 2, "the stored count agrees");
        }
    }

    /// Withdrawing endorsements in any order takes each out of every count, once and for good.
    function testFuzz_aWithdrawnEndorsementNeverCounts(uint8 coIssuerCount, uint256 orderSeed, uint16 reason) public {
        uint256 n = bound(coIssuerCount, 1, 16);
        address[] memory coIssuers = new address[](n);
        for (uint256 i = 0; i < n; ++i) coIssuers[i] = address(uint160(0xC000 + i));
        bytes32 root = keccak256(abi.encode("withdrawals", orderSeed));
        vm.prank(ISSUER);
        registry.anchorCoIssued(ISSUER, root, 10, "", coIssuers, uint8(n + 1));
        for (uint256 i = 0; i < n; ++i) {
            vm.prank(coIssuers[i]);
            registry.endorse(ISSUER, root, coIssuers[i]);
        }
        uint256[] memory order = _shuffled(n, orderSeed);
        for (uint256 k = 0; k < n; ++k) {
            address party = coIssuers[order[k]];
            vm.prank(party);
            registry.withdrawEndorsement(ISSUER, root, party, reason);
            vm.assertEq(_endorsementCount(root), n - k, "v1's view still counts a withdrawn endorsement");
            vm.assertEq(registry.endorsementCount(ISSUER, root), n - k, "the stored count still counts it");
            vm.expectRevert(abi.encodeWithSelector(IAnchors.AlreadyEndorsed.selector, ISSUER, root, party));
            vm.prank(party);
            registry.endorse(ISSUER, root, party);
        }
    }

    function testFuzz_rejectsAThresholdOutsideTwoToParties(uint8 coIssuerCount, uint8 threshold) public {
        uint256 n = bound(coIssuerCount, 1, 16);
        vm.assume(threshold < 2 || threshold > n + 1);
        address[] memory coIssuers = new address[](n);
        for (uint256 i = 0; i < n; ++i) coIssuers[i] = address(uint160(0xC000 + i));
        vm.expectRevert(abi.encodeWithSelector(IAnchors.InvalidCoIssuance.selector, n + 1, threshold));
        vm.prank(ISSUER);
        registry.anchorCoIssued(ISSUER, bytes32(uint256(1)), 1, "", coIssuers, threshold);
    }

    /// The issuer plus the co-issuers that have endorsed, as a verifier counts from the views.
    function _endorsementCount(bytes32 root) private view returns (uint256 count) {
        (, uint64[] memory endorsedAt) = registry.endorsements(ISSUER, root);
        count = 1;
        for (uint256 i = 0; i < endorsedAt.length; ++i) {
            if (endorsedAt[i] != 0) ++count;
        }
    }

    function _anchor(address issuer, bytes32 root, uint64 leafCount) private {
        vm.prank(issuer);
        registry.anchor(issuer, root, leafCount, "ipfs://batch");
    }

    /// A permutation of 0..n-1 (Fisher-Yates driven by `seed`).
    function _shuffled(uint256 n, uint256 seed) private pure returns (uint256[] memory order) {
        order = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) order[i] = i;
        for (uint256 i = n; i > 1; --i) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 j = seed % i;
            (order[i - 1], order[j]) = (order[j], order[i - 1]);
        }
    }
}
