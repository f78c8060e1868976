// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Anchors: batch Merkle roots, optionally co-issued M of N
/// @notice An issuer (or its live operator with the anchor scope) anchors the Merkle root of a
/// batch of credentials. The block time of the anchor is the evidence verifiers rely on, so the
/// first write wins and a record never changes except for the void flag the issuer may set. A
/// root may name co-issuers (in ascending address order) and a threshold M >= 2: the anchoring
/// issuer counts as the first endorsement and each co-issuer endorses from its own namespace; the
/// anchor is complete while at least M endorsements stand. A co-issuer may withdraw its
/// endorsement (final, with a reason and its time), after which it no longer counts.
interface IAnchors {
    /// @notice An anchor as returned by the v1 views (one slot). `anchoredAt == 0` means absent.
    struct AnchorRecord {
        uint64 anchoredAt;
        uint64 blockNumber;
        uint64 leafCount;
        uint8 threshold;
        uint8 coIssuerCount;
        bool voided;
        uint16 voidReason;
    }

    /// @notice One co-issuer's endorsement. `endorsedAt == 0` means not (yet) endorsed; a non-zero
    /// `withdrawnAt` means it was withdrawn then and no longer counts.
    struct Endorsement {
        uint64 endorsedAt;
        uint64 blockNumber;
        uint64 withdrawnAt;
        uint16 withdrawReason;
    }

    /// @notice One root of an {anchorMany} call.
    struct AnchorRequest {
        address issuer;
        bytes32 root;
        uint64 leafCount;
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
    /// @notice Thrown when the co-issuer list or threshold is not a valid M of N (2 <= M <= N <= 33).
    error InvalidCoIssuance(uint256 parties, uint8 threshold);
    /// @notice Thrown when `coIssuer` is zero, the issuer itself, or not above the previous one
    /// (co-issuers must be strictly ascending, which also rules out duplicates).
    error InvalidCoIssuer(address coIssuer);
    /// @notice Thrown when `coIssuer` is not named by the anchor of `root`.
    error NotCoIssuer(address issuer, bytes32 root, address coIssuer);
    /// @notice Thrown when `coIssuer` already endorsed `root` (withdrawn endorsements stay final).
    error AlreadyEndorsed(address issuer, bytes32 root, address coIssuer);
    /// @notice Thrown when withdrawing an endorsement that was never given or already withdrawn.
    error NotEndorsed(address issuer, bytes32 root, address coIssuer);
    /// @notice Thrown when {anchorMany} gets no request.
    error NoAnchors();

    /// @notice Emitted after `issuer`'s batch `root` of `leafCount` credentials was anchored.
    /// `uri` tells where the batch can be read; it is not stored.
    /// Its signature is v1's, so log readers work on both versions; an operator's write also
    /// emits {IOperators.OperatorActed}.
    event BatchAnchored(address indexed issuer, bytes32 indexed root, uint64 leafCount, string uri);
    /// @notice Emitted by {anchorMany} for each root: {BatchAnchored} without the URI, whose
    /// empty-string encoding alone costs ~500 gas per root. Log readers watch both events.
    event BatchAnchoredInBulk(address indexed issuer, bytes32 indexed root, uint64 leafCount);
    /// @notice Emitted once per co-issuer named by a co-issued anchor, so a partner can watch for
    /// requests naming it. `threshold` of `parties` (the issuer included) must endorse.
    event CoIssuanceProposed(
        address indexed issuer, bytes32 indexed root, address indexed coIssuer, uint8 threshold, uint8 parties
    );
    /// @notice Emitted after `coIssuer` endorsed `issuer`'s `root`; `endorsements` counts the
    /// standing endorsements, the issuer included.
    event AnchorEndorsed(address indexed issuer, bytes32 indexed root, address indexed coIssuer, uint8 endorsements);
    /// @notice Emitted after `coIssuer` withdrew its endorsement of `root` for `reason`;
    /// `endorsements` counts the ones still standing, the issuer included.
    event EndorsementWithdrawn(
        address indexed issuer, bytes32 indexed root, address indexed coIssuer, uint8 endorsements, uint16 reason
    );
    /// @notice Emitted after `issuer` voided its batch `root` for `reason`.
    event AnchorVoidedByIssuer(address indexed issuer, bytes32 indexed root, uint16 reason);

    /// @notice Anchors `root` in `issuer`'s namespace.
    /// @dev Requirements: the caller is `issuer` or its live operator with the anchor scope;
    /// `root` is non-zero and not yet anchored by `issuer`; `leafCount > 0`.
    function anchor(address issuer, bytes32 root, uint64 leafCount, string calldata uri) external;

    /// @notice Anchors several roots, of one or several issuers, in one transaction. All or none:
    /// one refused request reverts the whole call. Requirements: as {anchor}, for each request.
    function anchorMany(AnchorRequest[] calldata requests) external;

    /// @notice Anchors `root` in `issuer`'s namespace as co-issued with `coIssuers`, complete while
    /// `threshold` of the `coIssuers.length + 1` parties (the issuer included) endorse it.
    /// @dev Requirements: as {anchor}; `coIssuers` non-empty, strictly ascending, non-zero,
    /// without `issuer`, at most 32; `2 <= threshold <= coIssuers.length + 1`.
    function anchorCoIssued(
        address issuer,
        bytes32 root,
        uint64 leafCount,
        string calldata uri,
        address[] calldata coIssuers,
        uint8 threshold
    ) external;

    /// @notice Endorses, as `coIssuer`, the root that `issuer` anchored naming `coIssuer`.
    /// @dev Requirements: the caller is `coIssuer` or its live operator with the endorse scope; the
    /// anchor exists, is not void, names `coIssuer`, and `coIssuer` has not endorsed it before.
    function endorse(address issuer, bytes32 root, address coIssuer) external;

    /// @notice Withdraws `coIssuer`'s endorsement of `issuer`'s `root` for `reason` (final).
    /// @dev Requirements: the caller is `coIssuer` or its live operator with the endorse scope;
    /// the endorsement stands.
    function withdrawEndorsement(address issuer, bytes32 root, address coIssuer, uint16 reason) external;

    /// @notice Voids the caller's whole batch `root` with a `reason` code (final).
    /// @dev Requirements: the caller anchored `root` and has not voided it.
    function voidAnchor(bytes32 root, uint16 reason) external;

    /// @notice The anchor of `root` by `issuer` (all zero when absent).
    function anchorRecord(address issuer, bytes32 root) external view returns (AnchorRecord memory);

    /// @notice How many endorsements of `issuer`'s `root` stand now, the issuer included (0 when absent).
    function endorsementCount(address issuer, bytes32 root) external view returns (uint8);

    /// @notice The co-issuers an anchor names and when each endorsed it (0 = not yet, or withdrawn).
    function endorsements(address issuer, bytes32 root)
        external
        view
        returns (address[] memory coIssuers, uint64[] memory endorsedAt);

    /// @notice The co-issuers an anchor names and each one's full endorsement record.
    function endorsementRecords(address issuer, bytes32 root)
        external
        view
        returns (address[] memory coIssuers, Endorsement[] memory records);
}
