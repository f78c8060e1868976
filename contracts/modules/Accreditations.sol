// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccreditations} from "../interfaces/IAccreditations.sol";

/// @title Accreditations module: per-accreditor lists of recognised issuers
/// @dev Every write uses `msg.sender` as the accreditor: there are no operators here, so a trust
/// list is written only by the accreditor's own key (or its multisig).
abstract contract Accreditations is IAccreditations {
    /// Windows only shrink: validFrom never changes, validUntil only moves earlier, withdrawnAt is
    /// set once; nothing is deleted, so a verifier can always ask about the past.
    mapping(address accreditor => mapping(address issuer => Recognition)) private _recognitions;

    uint256 internal constant MAX_ACCREDITORS = 16;

    /// @inheritdoc IAccreditations
    function recogniseIssuer(address issuer, uint64 validFrom, uint64 validUntil, bytes32 recordHash, string calldata recordUri)
        external
    {
        if (issuer == address(0) || issuer == msg.sender) revert InvalidAccreditedIssuer(issuer);
        if (validFrom < block.timestamp) validFrom = uint64(block.timestamp);
        if (validUntil <= validFrom) revert InvalidRecognitionWindow(validFrom, validUntil);
        if (recordHash == bytes32(0)) revert EmptyRecognitionRecord();
        Recognition storage entry = _recognitions[msg.sender][issuer];
        if (entry.validUntil != 0) revert AlreadyRecognised(msg.sender, issuer);
        entry.validFrom = validFrom;
        entry.validUntil = validUntil;
        entry.recordedAt = uint64(block.timestamp);
        entry.recordHash = recordHash;
        entry.recordUri = recordUri;
        emit IssuerRecognised(msg.sender, issuer, validFrom, validUntil, recordHash, recordUri);
    }

    /// @inheritdoc IAccreditations
    function shortenRecognition(address issuer, uint64 validUntil) external {
        Recognition storage entry = _liveRecognition(issuer);
        if (validUntil >= entry.validUntil) revert RecognitionCannotWiden(issuer, entry.validUntil, validUntil);
        if (validUntil < entry.validFrom) revert InvalidRecognitionWindow(entry.validFrom, validUntil);
        entry.validUntil = validUntil;
        emit RecognitionShortened(msg.sender, issuer, validUntil);
    }

    /// @inheritdoc IAccreditations
    function withdrawRecognition(address issuer, uint16 reason) external {
        Recognition storage entry = _liveRecognition(issuer);
        uint64 withdrawnAt = uint64(block.timestamp);
        entry.withdrawnAt = withdrawnAt;
        entry.withdrawReason = reason;
        emit RecognitionWithdrawnByAccreditor(msg.sender, issuer, withdrawnAt, reason);
    }

    /// @inheritdoc IAccreditations
    function recognition(address accreditor, address issuer) external view returns (Recognition memory) {
        return _recognitions[accreditor][issuer];
    }

    function _recognition(address accreditor, address issuer) internal view returns (Recognition memory) {
        return _recognitions[accreditor][issuer];
    }

    function _liveRecognition(address issuer) private view returns (Recognition storage entry) {
        entry = _recognitions[msg.sender][issuer];
        if (entry.validUntil == 0) revert NotRecognised(msg.sender, issuer);
        if (entry.withdrawnAt != 0) revert RecognitionWithdrawn(msg.sender, issuer, entry.withdrawnAt);
    }
}
