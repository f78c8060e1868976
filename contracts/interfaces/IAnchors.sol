// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Anchors: batch Merkle roots, optionally co-issued M of N
/// @notice An issuer (or its live operator) anchors the Merkle root of a batch of credentials.
/// The block time of the anchor is the evidence verifiers rely on, so the first write wins and
/// a record never changes except for the void flag the issuer may set. A root may name
/// co-issuers and a threshold M: the anchoring issuer counts as the first endorsement and each
/// co-issuer endorses from its own namespace; the anchor is complete at M endorsements.
interface IAnchors {
    /// @notice An anchor as stored (one slot). `anchoredAt == 0` means absent.
    struct AnchorRecord {
        uint64 anchoredAt;
        uint64 blockNumber;
        uint64 leafCount;
        uint8 threshold;
        uint8 coIssuerCount;
        bool voided;
        uint16 voidReason;
    }

    /// @notice Thrown when the root is zero.
    error ZeroRoot();
    /// @notice Thrown when a batch claims no leaves.
    error EmptyBatch(bytes32 root);
    /// @notice Thrown when `issuer` already anchored `root` at `anchoredAt`.
    error RootAlreadyAnchored(address issuer, bytes32 root, uint64 anchoredAt);
    /// @notice Thrown when `issuer` never anchored `root`.
    error AnchorNotFound(address issuer, bytes32 root);
    /// @notice Thrown when voiding or endorsing a root that is already void.
    error AnchorVoided(address issuer, bytes32 root, uint16 reason);
    /// @notice Thrown when the co-issuer list or threshold is not a valid M of N.
    error InvalidCoIssuance(uint256 parties, uint8 threshold);
    /// @notice Thrown when `coIssuer` is listed twice, is zero, or is the issuer itself.
    error InvalidCoIssuer(address coIssuer);
    /// @notice Thrown when `coIssuer` is not named by the anchor of `root`.
    error NotCoIssuer(address issuer, bytes32 root, address coIssuer);
    /// @notice Thrown when `coIssuer` already endorsed `root`.
    error AlreadyEndorsed(address issuer, bytes32 root, address coIssuer);

    /// @notice Emitted after `issuer`'s batch `root` of `leafCount` credentials was anchored.
    /// `uri` tells where the batch can be read; it is not stored.
    event BatchAnchored(address indexed issuer, bytes32 indexed root, uint64 leafCount, string uri);
    /// @notice Emitted after a co-issued anchor named `coIssuers` and a threshold of `threshold`
    /// endorsements out of `coIssuers.length + 1` parties.
    event CoIssuanceProposed(address indexed issuer, bytes32 indexed root, address[] coIssuers, uint8 threshold);
    /// @notice Emitted after `coIssuer` endorsed `issuer`'s `root`; `endorsements` counts the issuer.
    event AnchorEndorsed(address indexed issuer, bytes32 indexed root, address indexed coIssuer, uint8 endorsements);
    /// @notice Emitted after `issuer` voided its batch `root` for `reason`.
    event AnchorVoidedByIssuer(address indexed issuer, bytes32 indexed root, uint16 reason);

    /// @notice Anchors `root` in `issuer`'s namespace.
    /// @dev Requirements: the caller is `issuer` or its live operator; `root` is non-zero and
    /// not yet anchored by `issuer`; `leafCount > 0`.
    function anchor(address issuer, bytes32 root, uint64 leafCount, string calldata uri) external;

    /// @notice Anchors `root` in `issuer`'s namespace as co-issued with `coIssuers`, complete once
    /// `threshold` of the `coIssuers.length + 1` parties (the issuer included) endorsed it.
    /// @dev Requirements: as {anchor}; `coIssuers` non-empty, distinct, non-zero, without
    /// `issuer`; `1 <= threshold <= coIssuers.length + 1` and at most 255 parties.
    function anchorCoIssued(
        address issuer,
        bytes32 root,
        uint64 leafCount,
        string calldata uri,
        address[] calldata coIssuers,
        uint8 threshold
    ) external;

    /// @notice Endorses, as `coIssuer`, the root that `issuer` anchored naming `coIssuer`.
    /// @dev Requirements: the caller is `coIssuer` or its live operator; the anchor exists, is not
    /// void, names `coIssuer`, and `coIssuer` has not endorsed it yet.
    function endorse(address issuer, bytes32 root, address coIssuer) external;

    /// @notice Voids the caller's whole batch `root` with a `reason` code (final).
    /// @dev Requirements: the caller anchored `root` and has not voided it.
    function voidAnchor(bytes32 root, uint16 reason) external;

    /// @notice The anchor of `root` by `issuer` (all zero when absent).
    function anchorRecord(address issuer, bytes32 root) external view returns (AnchorRecord memory);

    /// @notice The co-issuers an anchor names and when each endorsed it (0 = not yet).
    function endorsements(address issuer, bytes32 root)
        external
        view
        returns (address[] memory coIssuers, uint64[] memory endorsedAt);
}
