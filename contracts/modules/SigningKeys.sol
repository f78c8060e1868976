// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ISigningKeys} from "../interfaces/ISigningKeys.sol";

/// @title Signing keys module
abstract contract SigningKeys is ISigningKeys {
    /// Windows only shrink: validFrom never changes, validUntil and compromisedAt only move
    /// earlier, and no record is ever deleted, so history stays readable.
    mapping(address issuer => mapping(bytes32 key => KeyRecord)) private _keys;

    /// @inheritdoc ISigningKeys
    function registerKey(bytes32 key, uint64 validFrom, uint64 validUntil) external {
        if (key == bytes32(0)) revert InvalidKey();
        // The effective start is never before the key was published on chain.
        if (validFrom < block.timestamp) validFrom = uint64(block.timestamp);
        if (validUntil <= validFrom) revert InvalidKeyWindow(validFrom, validUntil);
        KeyRecord storage record = _keys[msg.sender][key];
        if (record.validUntil != 0) revert KeyAlreadyRegistered(msg.sender, key);
        record.validFrom = validFrom;
        record.validUntil = validUntil;
        record.registeredAt = uint64(block.timestamp);
        emit KeyRegistered(msg.sender, key, validFrom, validUntil);
    }

    /// @inheritdoc ISigningKeys
    function shortenKeyValidity(bytes32 key, uint64 validUntil) external {
        KeyRecord storage record = _registeredKey(key);
        if (validUntil >= record.validUntil) revert KeyWindowCannotWiden(key, record.validUntil, validUntil);
        // validUntil == 0 marks a key as never registered; allowing it (possible when validFrom is 0)
        // would let the key be registered again with a wider window.
        if (validUntil < record.validFrom || validUntil == 0) revert InvalidKeyWindow(record.validFrom, validUntil);
        record.validUntil = validUntil;
        emit KeyValidityShortened(msg.sender, key, validUntil);
    }

    /// @inheritdoc ISigningKeys
    function markKeyCompromised(bytes32 key, uint64 compromisedAt) external {
        KeyRecord storage record = _registeredKey(key);
        uint64 current = record.compromisedAt;
        if (compromisedAt == 0) revert ZeroCompromiseTime(key);
        if (current != 0 && compromisedAt >= current) {
            revert KeyWindowCannotWiden(key, current, compromisedAt);
        }
        record.compromisedAt = compromisedAt;
        emit KeyCompromised(msg.sender, key, compromisedAt);
    }

    /// @inheritdoc ISigningKeys
    function keyRecord(address issuer, bytes32 key) external view returns (KeyRecord memory) {
        return _keys[issuer][key];
    }

    /// @inheritdoc ISigningKeys
    function isKeyValidAt(address issuer, bytes32 key, uint64 at) external view returns (bool) {
        KeyRecord memory record = _keys[issuer][key];
        // max(validFrom, registeredAt): v2 records already store it so, the max keeps the rule explicit.
        uint64 start = record.validFrom > record.registeredAt ? record.validFrom : record.registeredAt;
        return record.validUntil != 0 && start <= at && at < record.validUntil
            && (record.compromisedAt == 0 || at < record.compromisedAt);
    }

    function _keyRecord(address issuer, bytes32 key) internal view returns (KeyRecord memory) {
        return _keys[issuer][key];
    }

    function _registeredKey(bytes32 key) private view returns (KeyRecord storage record) {
        record = _keys[msg.sender][key];
        if (record.validUntil == 0) revert KeyNotRegistered(msg.sender, key);
    }
}
