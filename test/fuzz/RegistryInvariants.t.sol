// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CredentialRegistry} from "../../contracts/CredentialRegistry.sol";
import {IAnchors} from "../../contracts/interfaces/IAnchors.sol";
import {ISigningKeys} from "../../contracts/interfaces/ISigningKeys.sol";
import {IStatusLists} from "../../contracts/interfaces/IStatusLists.sol";
import {IAccreditations} from "../../contracts/interfaces/IAccreditations.sol";
import {RegistryHandler} from "./handlers/RegistryHandler.sol";
import {ACTOR_COUNT, ROOT_COUNT, KEY_COUNT, LIST_COUNT, WORD_COUNT, Universe} from "./handlers/Universe.sol";
import {FuzzBase} from "./utils/FuzzBase.sol";
import {vm} from "./utils/Vm.sol";

/// @notice The registry's promises to verifiers, checked after every call of random sequences
/// of writes (RegistryHandler holds the actions and the ghost bookkeeping).
contract RegistryInvariantsTest is FuzzBase {
    using Universe for uint256;

    CredentialRegistry private registry;
    RegistryHandler private handler;

    function setUp() public {
        vm.warp(1_767_225_600); // 2026-01-01, so windows can start in the past
        registry = new CredentialRegistry();
        handler = new RegistryHandler(registry);
        _targetContract(address(handler));
    }

    /// Every write lands in the namespace of its writer: the issuer itself, or an issuer for
    /// which the writer is a live operator. Endorsements land in the co-issuer's namespace.
    function invariant_noWriteLandsOutsideTheWritersNamespace() public view {
        vm.assertEq(handler.writesOutsideNamespace(), 0, handler.firstViolation());
        vm.assertEq(handler.unauthorizedCallsAccepted(), 0, handler.firstViolation());
    }

    /// No operator ever holds a scope its issuer did not grant, and no narrowing ever added one.
    function invariant_noScopeEscalation() public view {
        vm.assertEq(handler.scopeEscalations(), 0, handler.firstViolation());
        for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
            for (uint256 o = 0; o < ACTOR_COUNT; ++o) {
                uint8 held = registry.operatorScopes(i.actor(), o.actor());
                uint8 granted = handler.modelScopes(i.actor(), o.actor());
                vm.assertEq(held & ~granted, 0, "an operator holds a scope it was not granted");
            }
        }
    }

    /// A recognition keeps its start, record and time; its end is the earliest ever seen; a
    /// withdrawal stays with its first time: recognition windows never widen.
    function invariant_recognitionWindowsNeverWiden() public view {
        RegistryHandler.RecognitionGhost[ACTOR_COUNT][ACTOR_COUNT] memory ghosts = handler.recognitionGhosts();
        for (uint256 a = 0; a < ACTOR_COUNT; ++a) {
            for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
                RegistryHandler.RecognitionGhost memory ghost = ghosts[a][i];
                IAccreditations.Recognition memory entry = registry.recognition(a.actor(), i.actor());
                if (!ghost.seen) {
                    vm.assertEq(entry.validUntil, 0, "a recognition appeared unobserved");
                    continue;
                }
                vm.assertEq(entry.validFrom, ghost.validFrom, "a recognition's start changed");
                vm.assertEq(entry.recordedAt, ghost.recordedAt, "a recognition's time changed");
                vm.assertEq(entry.recordHash, ghost.recordHash, "a recognition's record changed");
                vm.assertTrue(entry.validUntil != 0, "a recognition disappeared");
                vm.assertLe(entry.validUntil, ghost.tightestValidUntil, "a recognition's end moved later");
                vm.assertLe(entry.recordedAt, entry.validFrom, "a recognition starts before it was recorded");
                if (ghost.firstWithdrawnAt != 0) {
                    vm.assertEq(entry.withdrawnAt, ghost.firstWithdrawnAt, "a withdrawal changed or cleared");
                }
            }
        }
    }

    /// A withdrawn endorsement never counts: not in the standing count, not in v1's view.
    function invariant_withdrawnEndorsementNeverCounts() public view {
        for (uint256 a = 0; a < ACTOR_COUNT; ++a) {
            for (uint256 r = 0; r < ROOT_COUNT; ++r) {
                address issuer = a.actor();
                bytes32 root = r.root();
                (address[] memory named, IAnchors.Endorsement[] memory records) = registry.endorsementRecords(issuer, root);
                (, uint64[] memory v1EndorsedAt) = registry.endorsements(issuer, root);
                uint256 standing = 0;
                for (uint256 c = 0; c < named.length; ++c) {
                    bool counts = records[c].endorsedAt != 0 && records[c].withdrawnAt == 0;
                    if (counts) ++standing;
                    if (records[c].withdrawnAt != 0) {
                        vm.assertEq(v1EndorsedAt[c], 0, "v1's view counts a withdrawn endorsement");
                        vm.assertTrue(records[c].endorsedAt != 0, "withdrawn without an endorsement");
                    } else {
                        vm.assertEq(v1EndorsedAt[c], records[c].endorsedAt, "v1's view differs from the record");
                    }
                }
                bool anchored = registry.anchorRecord(issuer, root).anchoredAt != 0;
                vm.assertEq(registry.endorsementCount(issuer, root), anchored ? standing + 1 : 0, "the standing count is wrong");
            }
        }
    }

    /// An anchored root keeps its time, block, leaf count, co-issuers and threshold forever;
    /// only the void flag may be set, once; an endorsement time never changes.
    function invariant_anchoredRecordNeverChangesExceptTheVoidFlag() public view {
        RegistryHandler.AnchorGhost[ROOT_COUNT][ACTOR_COUNT] memory ghosts = handler.anchorGhosts();
        for (uint256 a = 0; a < ACTOR_COUNT; ++a) {
            for (uint256 r = 0; r < ROOT_COUNT; ++r) {
                _checkAnchor(a.actor(), r.root(), ghosts[a][r]);
            }
        }
    }

    /// Every revocation bit ever seen set is still set.
    function invariant_revocationBitNeverClears() public view {
        uint256[WORD_COUNT][LIST_COUNT][ACTOR_COUNT] memory ever = handler.revokedEver();
        for (uint256 a = 0; a < ACTOR_COUNT; ++a) {
            for (uint256 l = 0; l < LIST_COUNT; ++l) {
                for (uint256 w = 0; w < WORD_COUNT; ++w) {
                    uint256 live = registry.statusWords(
                        a.actor(), l.listId(), IStatusLists.StatusPurpose.Revocation, w.wordIndex(), 1
                    )[0];
                    vm.assertEq(live & ever[a][l][w], ever[a][l][w], "a revocation bit cleared");
                }
            }
        }
    }

    /// A registered key stays registered and keeps its start and registration time; its end and
    /// compromise time are the earliest ever seen: windows only shrink.
    function invariant_keyWindowsNeverWiden() public view {
        RegistryHandler.KeyGhost[KEY_COUNT][ACTOR_COUNT] memory ghosts = handler.keyGhosts();
        for (uint256 a = 0; a < ACTOR_COUNT; ++a) {
            for (uint256 k = 0; k < KEY_COUNT; ++k) {
                RegistryHandler.KeyGhost memory ghost = ghosts[a][k];
                if (!ghost.registered) continue;
                ISigningKeys.KeyRecord memory record = registry.keyRecord(a.actor(), k.key());
                vm.assertTrue(record.validUntil != 0, "a registered key became unregistered");
                vm.assertEq(record.validFrom, ghost.validFrom, "validFrom changed");
                vm.assertEq(record.registeredAt, ghost.registeredAt, "registeredAt changed");
                vm.assertLe(record.validUntil, ghost.tightestValidUntil, "validUntil moved later");
                if (ghost.tightestCompromisedAt != 0) {
                    vm.assertTrue(record.compromisedAt != 0, "compromise cleared");
                    vm.assertLe(record.compromisedAt, ghost.tightestCompromisedAt, "compromisedAt moved later");
                }
            }
        }
    }

    /// The handler must be able to land every kind of write; otherwise the invariants above
    /// would hold only because nothing happened.
    function test_handlerLandsEveryKindOfWrite() public {
        // actor 0 authorises actor 1 and keys, anchors, co-issues with actor 2, who endorses.
        handler.authorizeOperator(0, 1, 1 days);
        handler.grantOperator(0, 1, 1 days, 15); // every scope, so the operator may revoke below
        handler.narrowOperator(1 << 2 | 1, 14); // actor 0 narrows actor 1 to endorse, suspend, revoke
        handler.grantOperator(0, 1, 1 days, 15);
        handler.registerKey(0, 0, 1, 0); // from now, no planned end
        handler.shortenKeyValidity(1, 3 << 2 | 1); // actor 0's key 0, to end a day from now
        handler.markKeyCompromised(1, 1 << 8 | 1); // compromised from now
        handler.anchor(1, 0, 0, 2); // by the operator
        handler.anchorCoIssued(0, 0, 1, 1 << 2, 2, 2); // variant 2: a valid list
        handler.endorse(0, 1 | 1 << 2, 1); // actor 2 endorses actor 0's root 1 (the only co-issued one)
        handler.withdrawEndorsement(0, 1 | 1 << 2, 1, 4); // and withdraws it
        handler.recogniseIssuer(3, 0, 1, 3 << 8 | 1, 1); // actor 3 recognises actor 0 from now for a day
        handler.shortenRecognition(3 << 2 | 1, 1 << 2 | 1); // to end now... refused or not, then:
        handler.shortenRecognition(3 << 2 | 1, 3); // bounded below the current end
        handler.withdrawRecognition(3 << 2 | 1, 9);
        handler.voidAnchor(1, 7); // actor 0 voids an anchored root
        handler.changeWord(1, 0, 0, 0, 2, 0); // the operator revokes
        uint256[] memory seeds = new uint256[](2);
        seeds[0] = 5 << 16;
        seeds[1] = 6 << 16;
        handler.changeIndices(0, 0, 1, seeds, 1); // suspend
        handler.changeIndices(0, 0, 1, seeds, 2); // unsuspend
        handler.retireOperator(1); // actor 0 retires its live operator
        handler.warp(60);

        bytes32[18] memory actions = [
            bytes32("authorizeOperator"), "registerKey", "shortenKeyValidity", "markKeyCompromised", "anchor",
            "anchorCoIssued", "endorse", "voidAnchor", "changeWord", "changeIndices", "retireOperator", "warp",
            "grantOperator", "narrowOperator", "withdrawEndorsement", "recogniseIssuer", "shortenRecognition",
            "withdrawRecognition"
        ];
        for (uint256 i = 0; i < actions.length; ++i) {
            vm.assertTrue(handler.accepted(actions[i]) > 0, string(abi.encodePacked(actions[i])));
        }
        vm.assertEq(handler.writesOutsideNamespace(), 0, handler.firstViolation());
    }

    function _checkAnchor(address issuer, bytes32 root, RegistryHandler.AnchorGhost memory ghost) private view {
        IAnchors.AnchorRecord memory record = registry.anchorRecord(issuer, root);
        if (!ghost.seen) {
            IAnchors.AnchorRecord memory absent;
            vm.assertEq(keccak256(abi.encode(record)), keccak256(abi.encode(absent)), "an absent anchor is not all zero");
            return;
        }
        vm.assertEq(record.anchoredAt, ghost.first.anchoredAt, "anchoredAt changed");
        vm.assertEq(record.blockNumber, ghost.first.blockNumber, "blockNumber changed");
        vm.assertEq(record.leafCount, ghost.first.leafCount, "leafCount changed");
        vm.assertEq(record.threshold, ghost.first.threshold, "threshold changed");
        vm.assertEq(record.coIssuerCount, ghost.first.coIssuerCount, "coIssuerCount changed");
        if (ghost.voidSeen) {
            vm.assertTrue(record.voided, "the void flag cleared");
            vm.assertEq(record.voidReason, ghost.firstVoidReason, "the void reason changed");
        }
        (address[] memory coIssuers, IAnchors.Endorsement[] memory records) = registry.endorsementRecords(issuer, root);
        vm.assertEq(keccak256(abi.encode(coIssuers)), ghost.coIssuersHash, "the co-issuers changed");
        for (uint256 c = 0; c < coIssuers.length; ++c) {
            uint256 index = Universe.actorIndex(coIssuers[c]);
            uint64 first = ghost.firstEndorsedAt[index];
            if (first != 0) vm.assertEq(records[c].endorsedAt, first, "an endorsement time changed");
            uint64 withdrawn = ghost.firstWithdrawnAt[index];
            if (withdrawn != 0) vm.assertEq(records[c].withdrawnAt, withdrawn, "a withdrawal changed or cleared");
        }
    }
}
