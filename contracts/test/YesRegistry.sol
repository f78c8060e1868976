// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IVerifierViews} from "../interfaces/IVerifierViews.sol";

/// @title A forged registry for the verifier's attack tests: it answers every query with "yes"
/// @notice Every root anchored a block ago, every key valid forever, nothing revoked. Its ABI is
/// the registry's, its code is not, so only a code check tells it apart. Never deploy outside tests.
contract YesRegistry {
    function verificationData(IVerifierViews.Query[] calldata queries)
        external
        view
        returns (uint64 blockNumber, uint64 blockTimestamp, IVerifierViews.Answer[] memory answers)
    {
        answers = new IVerifierViews.Answer[](queries.length);
        for (uint256 i = 0; i < queries.length; ++i) {
            IVerifierViews.Answer memory answer = answers[i];
            answer.anchor.anchoredAt = uint64(block.timestamp - 1);
            answer.anchor.blockNumber = uint64(block.number - 1);
            answer.anchor.leafCount = 1;
            answer.key.validFrom = 1;
            answer.key.validUntil = type(uint64).max;
            answer.key.registeredAt = 1;
        }
        return (uint64(block.number), uint64(block.timestamp), answers);
    }

    function version() external pure returns (string memory) {
        return "credanchor-registry 1.0.0";
    }
}
