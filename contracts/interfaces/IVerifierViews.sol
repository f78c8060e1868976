// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAnchors} from "./IAnchors.sol";
import {ISigningKeys} from "./ISigningKeys.sol";
import {IAccreditations} from "./IAccreditations.sol";

/// @title Verifier views: everything a verifier needs in one call
/// @notice Views never revert for "not found": zero means absent.
interface IVerifierViews {
    /// @notice One thing to check: `issuer`'s anchor of `root`, the key `key` in `issuer`'s
    /// namespace, and entry `statusIndex` of `issuer`'s list `listId`. Zero fields are allowed
    /// (for example, a co-issuer's key is asked with `root == 0`).
    struct Query {
        address issuer;
        bytes32 root;
        bytes32 key;
        uint32 listId;
        uint32 statusIndex;
    }

    /// @notice The answer to one {Query}.
    struct Answer {
        IAnchors.AnchorRecord anchor;
        address[] coIssuers;
        uint64[] endorsedAt;
        ISigningKeys.KeyRecord key;
        bool revoked;
        bool suspended;
    }

    /// @notice The v2 answer: v1's plus each endorsement's block and withdrawal, and how many
    /// endorsements stand now (the issuer included; 0 when the anchor is absent).
    struct AnswerV2 {
        IAnchors.AnchorRecord anchor;
        uint8 endorsementCount;
        address[] coIssuers;
        IAnchors.Endorsement[] endorsements;
        ISigningKeys.KeyRecord key;
        bool revoked;
        bool suspended;
        /// One per accreditor the caller named, in its order: its recognition of `query.issuer`.
        IAccreditations.Recognition[] recognitions;
    }

    /// @notice Answers every query against the state of the block it runs on, which it names.
    /// The v1 ABI, kept so v1 verifiers work on v2: a withdrawn endorsement reads as not endorsed.
    /// A key-only query (`root == 0`, `key != 0`) reads no status bits (both false).
    /// @dev Gas: per query at most one anchor, 32 co-issuers with their endorsements, one key and
    /// two status words, all cold: ~170,000 gas (~200,000 for the v2 view), so a 100-credential
    /// bundle of distinct 32-co-issuer roots needs ~17-21M gas, under geth's default 50M eth_call
    /// cap (test/contracts/registryV2.test.ts measures it). Verifiers behind a tighter cap (e.g.
    /// 2^24 under EIP-7825) split the bundle into chunks of 25 queries: answers are independent.
    function verificationData(Query[] calldata queries)
        external
        view
        returns (uint64 blockNumber, uint64 blockTimestamp, Answer[] memory answers);

    /// @notice As {verificationData}, with the v2 answer, and for each query the recognitions of
    /// its issuer by each of `accreditors` (at most 16: the accreditors the verifier trusts).
    function verificationDataV2(Query[] calldata queries, address[] calldata accreditors)
        external
        view
        returns (uint64 blockNumber, uint64 blockTimestamp, AnswerV2[] memory answers);

    /// @notice Whether `leaf` belongs to the tree of `root` by `proof` (sorted-pair proofs as OpenZeppelin's
    /// merkle-tree package builds them).
    function verifyInclusion(bytes32 root, bytes32 leaf, bytes32[] calldata proof) external pure returns (bool);

    /// @notice The version of this registry's interface.
    function version() external pure returns (string memory);
}
