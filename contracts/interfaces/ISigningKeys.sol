// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Signing keys: the Ed25519 keys that sign an issuer's credentials
/// @notice An issuer publishes each raw 32-byte Ed25519 public key with a validity window
/// [validFrom, validUntil) and, if the key leaks, the time from which it is compromised.
/// Windows only ever shrink and nothing is deleted, so a verifier can always ask whether a key
/// belonged to an issuer at the time a batch was anchored.
interface ISigningKeys {
    /// @notice A key's record. `validUntil == 0` means the key was never registered.
    struct KeyRecord {
        uint64 validFrom;
        uint64 validUntil;
        uint64 compromisedAt;
        uint64 registeredAt;
    }

    /// @notice Thrown when the key is zero.
    error InvalidKey();
    /// @notice Thrown when `validUntil` is not later than `validFrom`.
    error InvalidKeyWindow(uint64 validFrom, uint64 validUntil);
    /// @notice Thrown when `issuer` registers `key` a second time.
    error KeyAlreadyRegistered(address issuer, bytes32 key);
    /// @notice Thrown when `issuer` changes a key it never registered.
    error KeyNotRegistered(address issuer, bytes32 key);
    /// @notice Thrown when a key is declared compromised from time 0 (0 means "not compromised").
    error ZeroCompromiseTime(bytes32 key);
    /// @notice Thrown when a change would widen a key's window (`current` is the value in force).
    error KeyWindowCannotWiden(bytes32 key, uint64 current, uint64 requested);

    /// @notice Emitted after `issuer` registered `key` valid in [validFrom, validUntil).
    event KeyRegistered(address indexed issuer, bytes32 indexed key, uint64 validFrom, uint64 validUntil);
    /// @notice Emitted after `issuer` moved the end of `key`'s window to `validUntil`.
    event KeyValidityShortened(address indexed issuer, bytes32 indexed key, uint64 validUntil);
    /// @notice Emitted after `issuer` declared `key` compromised from `compromisedAt` on.
    event KeyCompromised(address indexed issuer, bytes32 indexed key, uint64 compromisedAt);

    /// @notice Registers an Ed25519 public key for the caller, valid in [validFrom, validUntil).
    /// Pass `type(uint64).max` as `validUntil` for a key with no planned end. A key never counts
    /// before it was published: a `validFrom` earlier than the block time is recorded (and
    /// emitted) as the block time.
    /// @dev Requirements: `key` is non-zero, `validUntil` > the effective start, and the caller has not
    /// registered `key` before (first write wins).
    function registerKey(bytes32 key, uint64 validFrom, uint64 validUntil) external;

    /// @notice Moves the end of the caller's `key` window earlier, to `validUntil`.
    /// @dev Requirements: the key is registered, `validUntil` is earlier than the current end, not
    /// earlier than `validFrom`, and non-zero (zero marks a key that was never registered).
    function shortenKeyValidity(bytes32 key, uint64 validUntil) external;

    /// @notice Declares the caller's `key` compromised from `compromisedAt` on: anything anchored
    /// at or after that time no longer counts as signed by the issuer.
    /// @dev Requirements: the key is registered, `compromisedAt` is non-zero (else
    /// {ZeroCompromiseTime}) and earlier than any
    /// compromise time already recorded.
    function markKeyCompromised(bytes32 key, uint64 compromisedAt) external;

    /// @notice The record of `key` for `issuer` (all zero when never registered).
    function keyRecord(address issuer, bytes32 key) external view returns (KeyRecord memory);

    /// @notice Whether `key` counted as `issuer`'s at Unix time `at`.
    function isKeyValidAt(address issuer, bytes32 key, uint64 at) external view returns (bool);
}
