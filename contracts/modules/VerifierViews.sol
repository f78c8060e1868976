// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IVerifierViews} from "../interfaces/IVerifierViews.sol";
import {IStatusLists} from "../interfaces/IStatusLists.sol";
import {Anchors} from "./Anchors.sol";
import {SigningKeys} from "./SigningKeys.sol";
import {StatusLists} from "./StatusLists.sol";
import {SignedWrites} from "./SignedWrites.sol";
import {Accreditations} from "./Accreditations.sol";

/// @title Verifier views module: one eth_call answers a whole bundle of credentials
abstract contract VerifierViews is IVerifierViews, Anchors, SigningKeys, StatusLists, SignedWrites, Accreditations {
    /// @inheritdoc IVerifierViews
    function verificationData(Query[] calldata queries)
        external
        view
        returns (uint64 blockNumber, uint64 blockTimestamp, Answer[] memory answers)
    {
        answers = new Answer[](queries.length);
        for (uint256 i = 0; i < queries.length; ++i) {
            Query calldata query = queries[i];
            Answer memory answer = answers[i];
            if (query.root != bytes32(0)) {
                answer.anchor = _anchorRecord(query.issuer, query.root);
                (answer.coIssuers, answer.endorsedAt) = _endorsementsOf(query.issuer, query.root);
            }
            if (query.key != bytes32(0)) {
                answer.key = _keyRecord(query.issuer, query.key);
                // A key-only query asks about no credential: no status bit of entry 0.
                if (query.root == bytes32(0)) continue;
            }
            answer.revoked =
                _statusBit(query.issuer, query.listId, IStatusLists.StatusPurpose.Revocation, query.statusIndex);
            answer.suspended =
                _statusBit(query.issuer, query.listId, IStatusLists.StatusPurpose.Suspension, query.statusIndex);
        }
        return (uint64(block.number), uint64(block.timestamp), answers);
    }

    /// @inheritdoc IVerifierViews
    function verificationDataV2(Query[] calldata queries, address[] calldata accreditors)
        external
        view
        returns (uint64 blockNumber, uint64 blockTimestamp, AnswerV2[] memory answers)
    {
        if (accreditors.length > MAX_ACCREDITORS) revert TooManyAccreditors(accreditors.length, MAX_ACCREDITORS);
        answers = new AnswerV2[](queries.length);
        for (uint256 i = 0; i < queries.length; ++i) {
            Query calldata query = queries[i];
            AnswerV2 memory answer = answers[i];
            answer.recognitions = new Recognition[](accreditors.length);
            for (uint256 j = 0; j < accreditors.length; ++j) {
                answer.recognitions[j] = _recognition(accreditors[j], query.issuer);
            }
            if (query.root != bytes32(0)) {
                answer.anchor = _anchorRecord(query.issuer, query.root);
                answer.endorsementCount = _endorsementCount(query.issuer, query.root);
                (answer.coIssuers, answer.endorsements) = _endorsementRecordsOf(query.issuer, query.root);
            }
            if (query.key != bytes32(0)) {
                answer.key = _keyRecord(query.issuer, query.key);
                if (query.root == bytes32(0)) continue;
            }
            answer.revoked =
                _statusBit(query.issuer, query.listId, IStatusLists.StatusPurpose.Revocation, query.statusIndex);
            answer.suspended =
                _statusBit(query.issuer, query.listId, IStatusLists.StatusPurpose.Suspension, query.statusIndex);
        }
        return (uint64(block.number), uint64(block.timestamp), answers);
    }

    /// @inheritdoc IVerifierViews
    function verifyInclusion(bytes32 root, bytes32 leaf, bytes32[] calldata proof) external pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @inheritdoc IVerifierViews
    function version() external pure returns (string memory) {
        return "credanchor-registry 2.0.0";
    }
}
