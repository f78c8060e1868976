// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Accreditations: trust lists any address keeps in its own namespace
/// @notice An accreditor (a ministry, a consortium, a quality agency) is any address. In its own
/// namespace it recognises issuers: a validity window [validFrom, validUntil) that only ever
/// shrinks, a withdrawal (final, with its time and a reason code), and the hash and URI of the
/// accreditor's record about the issuer (legal name, domain, country). Whom to trust as an
/// accreditor is the verifier's choice: the registry only answers for the accreditors it is asked.
interface IAccreditations {
    /// @notice An accreditor's recognition of an issuer. `validUntil == 0` means never recognised.
    struct Recognition {
        uint64 validFrom;
        uint64 validUntil;
        uint64 withdrawnAt;
        uint16 withdrawReason;
        uint64 recordedAt;
        bytes32 recordHash;
        string recordUri;
    }

    /// @notice Thrown when the issuer is the zero address or the accreditor itself.
    error InvalidAccreditedIssuer(address issuer);
    /// @notice Thrown when `validUntil` is not later than `validFrom`.
    error InvalidRecognitionWindow(uint64 validFrom, uint64 validUntil);
    /// @notice Thrown when the record hash is zero (a recognition must say what it rests on).
    error EmptyRecognitionRecord();
    /// @notice Thrown when `accreditor` already recognised `issuer` (first write wins; windows only shrink).
    error AlreadyRecognised(address accreditor, address issuer);
    /// @notice Thrown when `accreditor` never recognised `issuer`.
    error NotRecognised(address accreditor, address issuer);
    /// @notice Thrown when a change would widen a recognition window (`current` is the end in force).
    error RecognitionCannotWiden(address issuer, uint64 current, uint64 requested);
    /// @notice Thrown when changing a recognition already withdrawn at `withdrawnAt`.
    error RecognitionWithdrawn(address accreditor, address issuer, uint64 withdrawnAt);
    /// @notice Thrown when the verifier view is asked for more than 16 accreditors.
    error TooManyAccreditors(uint256 count, uint256 max);

    /// @notice Emitted after `accreditor` recognised `issuer` in [validFrom, validUntil).
    event IssuerRecognised(
        address indexed accreditor,
        address indexed issuer,
        uint64 validFrom,
        uint64 validUntil,
        bytes32 recordHash,
        string recordUri
    );
    /// @notice Emitted after `accreditor` moved the end of its recognition of `issuer` to `validUntil`.
    event RecognitionShortened(address indexed accreditor, address indexed issuer, uint64 validUntil);
    /// @notice Emitted after `accreditor` withdrew its recognition of `issuer` at `withdrawnAt` for `reason`.
    event RecognitionWithdrawnByAccreditor(
        address indexed accreditor, address indexed issuer, uint64 withdrawnAt, uint16 reason
    );

    /// @notice Recognises `issuer` in the caller's namespace for [validFrom, validUntil), resting on
    /// the record at `recordUri` whose hash is `recordHash`. A `validFrom` before the block time is
    /// recorded as the block time (a recognition never reaches back before it was published).
    function recogniseIssuer(address issuer, uint64 validFrom, uint64 validUntil, bytes32 recordHash, string calldata recordUri)
        external;

    /// @notice Moves the end of the caller's recognition of `issuer` earlier, to `validUntil`
    /// (not before its start).
    function shortenRecognition(address issuer, uint64 validUntil) external;

    /// @notice Withdraws the caller's recognition of `issuer` now, for `reason` (final).
    function withdrawRecognition(address issuer, uint16 reason) external;

    /// @notice `accreditor`'s recognition of `issuer` (all zero when never recognised).
    function recognition(address accreditor, address issuer) external view returns (Recognition memory);
}
