// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAnchors} from "../interfaces/IAnchors.sol";
import {ISigningKeys} from "../interfaces/ISigningKeys.sol";
import {IVerifierViews} from "../interfaces/IVerifierViews.sol";

/// @title A forger's registry, for tests only
/// @notice Speaks the verifier view's ABI and answers "yes" to everything: every root anchored an
/// hour ago, every key registered for ever, nothing revoked. Verifiers must refuse it because its
/// code is not a genuine credanchor registry, whatever it answers.
contract LyingRegistry {
    /// @notice Every query answered as a verifier would like to hear it.
    function verificationData(IVerifierViews.Query[] calldata queries)
        external
        view
        returns (uint64 blockNumber, uint64 blockTimestamp, IVerifierViews.Answer[] memory answers)
    {
        answers = new IVerifierViews.Answer[](queries.length);
        for (uint256 i = 0; i < queries.length; ++i) {
            answers[i].anchor = IAnchors.AnchorRecord({
                anchoredAt: uint64(block.timestamp - 3600),
                blockNumber: uint64(block.number > 1 ? block.number - 1 : 1),
                leafCount: 1,
                threshold: 0,
                coIssuerCount: 0,
                voided: false,
                voidReason: 0
            });
            answers[i].key = ISigningKeys.KeyRecord({validFrom: 0, validUntil: type(uint64).max, compromisedAt: 0, registeredAt: 1});
        }
        return (uint64(block.number), uint64(block.timestamp), answers);
    }

    /// @notice Any leaf is included.
    function verifyInclusion(bytes32, bytes32, bytes32[] calldata) external pure returns (bool) {
        return true;
    }

    /// @notice The genuine registry's version string.
    function version() external pure returns (string memory) {
        return "credanchor-registry 1.0.0";
    }
}
