// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAnchors} from "../interfaces/IAnchors.sol";
import {Operators} from "./Operators.sol";

/// @title Anchors module: batch roots, voids and co-issuer endorsements
abstract contract Anchors is IAnchors, Operators {
    /// The stored anchor: v1's record plus the count of standing endorsements, still one slot.
    struct StoredAnchor {
        uint64 anchoredAt;
        uint64 blockNumber;
        uint64 leafCount;
        uint8 threshold;
        uint8 coIssuerCount;
        bool voided;
        uint16 voidReason;
        uint8 endorsed;
    }

    /// A non-zero anchoredAt never changes: it is the evidence verifiers rely on. After the first
    /// write only `voided`/`voidReason` (once) and `endorsed` (the count) change.
    mapping(address issuer => mapping(bytes32 root => StoredAnchor)) private _anchors;
    /// Co-issuers named by a co-issued anchor, ascending, by position; their number is the
    /// record's `coIssuerCount` (no array length slot is stored). Written once, with the anchor.
    mapping(address issuer => mapping(bytes32 root => mapping(uint256 position => address))) private _coIssuers;
    /// Each co-issuer's endorsement of a root; written from its own namespace.
    mapping(address coIssuer => mapping(address issuer => mapping(bytes32 root => Endorsement))) private
        _endorsements;

    /// At most 32 co-issuers (33 parties): keeps the verifier view of a 100-credential bundle of
    /// co-issued roots within common eth_call gas caps (see IVerifierViews).
    uint256 internal constant MAX_CO_ISSUERS = 32;

    /// @inheritdoc IAnchors
    function anchor(address issuer, bytes32 root, uint64 leafCount, string calldata uri) external {
        _requireScope(issuer, SCOPE_ANCHOR);
        // The write of {_anchor}, inlined: the hottest path, and the optimizer does not inline a
        // function with several callers (~400 gas).
        if (root == bytes32(0)) revert ZeroRoot();
        if (leafCount == 0) revert EmptyBatch(root);
        StoredAnchor storage record = _anchors[issuer][root];
        uint64 existing = record.anchoredAt;
        if (existing != 0) revert RootAlreadyAnchored(issuer, root, existing);
        record.anchoredAt = uint64(block.timestamp);
        record.blockNumber = uint64(block.number);
        record.leafCount = leafCount;
        record.threshold = 1;
        emit BatchAnchored(issuer, root, leafCount, uri);
    }

    /// @inheritdoc IAnchors
    function anchorMany(AnchorRequest[] calldata requests) external {
        uint256 length = requests.length;
        if (length == 0) revert NoAnchors();
        address authorized = address(0);
        bytes32 topic = BatchAnchoredInBulk.selector;
        uint256 offset;
        assembly ("memory-safe") {
            offset := requests.offset
        }
        for (uint256 i = 0; i < length; ++i) {
            // The request's three words read raw (the decoder checked at entry that the array
            // lies in calldata); each word is range-checked here as the decoder would, and
            // malformed calldata reverts without data, as it does in the decoder.
            address issuer;
            bytes32 root;
            uint64 leafCount;
            assembly ("memory-safe") {
                let at := add(offset, mul(i, 0x60))
                let issuerWord := calldataload(at)
                let countWord := calldataload(add(at, 0x40))
                if or(shr(160, issuerWord), shr(64, countWord)) { revert(0, 0) }
                issuer := issuerWord
                root := calldataload(add(at, 0x20))
                leafCount := countWord
            }
            // One authority check per run of requests for the same issuer.
            if (issuer != authorized || issuer == address(0)) {
                _requireScope(issuer, SCOPE_ANCHOR);
                authorized = issuer;
            }
            if (root == bytes32(0)) revert ZeroRoot();
            if (leafCount == 0) revert EmptyBatch(root);
            StoredAnchor storage record = _anchors[issuer][root];
            uint64 existing = record.anchoredAt;
            if (existing != 0) revert RootAlreadyAnchored(issuer, root, existing);
            record.anchoredAt = uint64(block.timestamp);
            record.blockNumber = uint64(block.number);
            record.leafCount = leafCount;
            record.threshold = 1;
            // emit BatchAnchoredInBulk(issuer, root, leafCount) from scratch space.
            assembly ("memory-safe") {
                mstore(0, leafCount)
                log3(0, 0x20, topic, issuer, root)
            }
        }
    }

    /// @inheritdoc IAnchors
    function anchorCoIssued(
        address issuer,
        bytes32 root,
        uint64 leafCount,
        string calldata uri,
        address[] calldata coIssuers,
        uint8 threshold
    ) external {
        _requireScope(issuer, SCOPE_ANCHOR);
        uint256 count = coIssuers.length;
        uint256 parties = count + 1;
        if (count == 0 || count > MAX_CO_ISSUERS || threshold < 2 || threshold > parties) {
            revert InvalidCoIssuance(parties, threshold);
        }
        _anchor(issuer, root, leafCount, uint8(count), threshold);
        emit BatchAnchored(issuer, root, leafCount, uri);
        mapping(uint256 => address) storage named = _coIssuers[issuer][root];
        address previous = address(0);
        for (uint256 i = 0; i < count; ++i) {
            address coIssuer = coIssuers[i];
            // Strictly ascending: no duplicate without an O(N^2) search, and never zero.
            if (coIssuer <= previous || coIssuer == issuer) revert InvalidCoIssuer(coIssuer);
            previous = coIssuer;
            named[i] = coIssuer;
            emit CoIssuanceProposed(issuer, root, coIssuer, threshold, uint8(parties));
        }
    }

    /// @inheritdoc IAnchors
    function endorse(address issuer, bytes32 root, address coIssuer) external {
        _requireScope(coIssuer, SCOPE_ENDORSE);
        StoredAnchor storage record = _existingAnchor(issuer, root);
        if (record.voided) revert AnchorVoided(issuer, root, record.voidReason);
        if (!_isNamed(issuer, root, record.coIssuerCount, coIssuer)) revert NotCoIssuer(issuer, root, coIssuer);
        Endorsement storage endorsement = _endorsements[coIssuer][issuer][root];
        if (endorsement.endorsedAt != 0) revert AlreadyEndorsed(issuer, root, coIssuer);
        endorsement.endorsedAt = uint64(block.timestamp);
        endorsement.blockNumber = uint64(block.number);
        uint8 standing = record.endorsed + 1;
        record.endorsed = standing;
        emit AnchorEndorsed(issuer, root, coIssuer, standing + 1);
    }

    /// @inheritdoc IAnchors
    function withdrawEndorsement(address issuer, bytes32 root, address coIssuer, uint16 reason) external {
        _requireScope(coIssuer, SCOPE_ENDORSE);
        Endorsement storage endorsement = _endorsements[coIssuer][issuer][root];
        if (endorsement.endorsedAt == 0 || endorsement.withdrawnAt != 0) revert NotEndorsed(issuer, root, coIssuer);
        endorsement.withdrawnAt = uint64(block.timestamp);
        endorsement.withdrawReason = reason;
        StoredAnchor storage record = _anchors[issuer][root];
        uint8 standing = record.endorsed - 1;
        record.endorsed = standing;
        emit EndorsementWithdrawn(issuer, root, coIssuer, standing + 1, reason);
    }

    /// @inheritdoc IAnchors
    function voidAnchor(bytes32 root, uint16 reason) external {
        StoredAnchor storage record = _anchors[msg.sender][root];
        if (record.anchoredAt == 0) revert AnchorNotFound(msg.sender, root);
        if (record.voided) revert AnchorVoided(msg.sender, root, record.voidReason);
        record.voided = true;
        record.voidReason = reason;
        emit AnchorVoidedByIssuer(msg.sender, root, reason);
    }

    /// @inheritdoc IAnchors
    function anchorRecord(address issuer, bytes32 root) external view returns (AnchorRecord memory) {
        return _anchorRecord(issuer, root);
    }

    /// @inheritdoc IAnchors
    function endorsementCount(address issuer, bytes32 root) external view returns (uint8) {
        return _endorsementCount(issuer, root);
    }

    function _endorsementCount(address issuer, bytes32 root) internal view returns (uint8) {
        StoredAnchor storage record = _anchors[issuer][root];
        return record.anchoredAt == 0 ? 0 : record.endorsed + 1;
    }

    /// @inheritdoc IAnchors
    function endorsements(address issuer, bytes32 root)
        external
        view
        returns (address[] memory coIssuers, uint64[] memory endorsedAt)
    {
        return _endorsementsOf(issuer, root);
    }

    /// @inheritdoc IAnchors
    function endorsementRecords(address issuer, bytes32 root)
        external
        view
        returns (address[] memory coIssuers, Endorsement[] memory records)
    {
        return _endorsementRecordsOf(issuer, root);
    }

    function _anchorRecord(address issuer, bytes32 root) internal view returns (AnchorRecord memory record) {
        StoredAnchor storage stored = _anchors[issuer][root];
        record.anchoredAt = stored.anchoredAt;
        record.blockNumber = stored.blockNumber;
        record.leafCount = stored.leafCount;
        record.threshold = stored.threshold;
        record.coIssuerCount = stored.coIssuerCount;
        record.voided = stored.voided;
        record.voidReason = stored.voidReason;
    }

    /// @dev The v1 shape: a withdrawn endorsement reads as 0 (not endorsed), so a v1 verifier
    /// never counts it.
    function _endorsementsOf(address issuer, bytes32 root)
        internal
        view
        returns (address[] memory coIssuers, uint64[] memory endorsedAt)
    {
        uint256 count = _anchors[issuer][root].coIssuerCount;
        coIssuers = new address[](count);
        endorsedAt = new uint64[](count);
        mapping(uint256 => address) storage named = _coIssuers[issuer][root];
        for (uint256 i = 0; i < count; ++i) {
            address coIssuer = named[i];
            coIssuers[i] = coIssuer;
            Endorsement storage endorsement = _endorsements[coIssuer][issuer][root];
            endorsedAt[i] = endorsement.withdrawnAt == 0 ? endorsement.endorsedAt : 0;
        }
    }

    function _endorsementRecordsOf(address issuer, bytes32 root)
        internal
        view
        returns (address[] memory coIssuers, Endorsement[] memory records)
    {
        uint256 count = _anchors[issuer][root].coIssuerCount;
        coIssuers = new address[](count);
        records = new Endorsement[](count);
        mapping(uint256 => address) storage named = _coIssuers[issuer][root];
        for (uint256 i = 0; i < count; ++i) {
            address coIssuer = named[i];
            coIssuers[i] = coIssuer;
            records[i] = _endorsements[coIssuer][issuer][root];
        }
    }

    /// @dev The write shared by every anchoring entry point: one slot, first write wins. The
    /// caller has checked the sender's authority.
    function _anchor(address issuer, bytes32 root, uint64 leafCount, uint8 coIssuerCount, uint8 threshold) internal {
        if (root == bytes32(0)) revert ZeroRoot();
        if (leafCount == 0) revert EmptyBatch(root);
        StoredAnchor storage record = _anchors[issuer][root];
        uint64 existing = record.anchoredAt;
        if (existing != 0) revert RootAlreadyAnchored(issuer, root, existing);
        // Field by field through one storage reference: the optimizer merges these into a single
        // SSTORE. `voided`, `voidReason` and `endorsed` stay zero: a record with anchoredAt == 0
        // was never written, so its whole slot is zero.
        record.anchoredAt = uint64(block.timestamp);
        record.blockNumber = uint64(block.number);
        record.leafCount = leafCount;
        record.threshold = threshold;
        record.coIssuerCount = coIssuerCount;
    }

    /// @dev Binary search over the ascending co-issuers: O(log N) reads.
    function _isNamed(address issuer, bytes32 root, uint256 count, address coIssuer) private view returns (bool) {
        mapping(uint256 => address) storage named = _coIssuers[issuer][root];
        uint256 low = 0;
        uint256 high = count;
        while (low < high) {
            uint256 middle = (low + high) >> 1;
            address candidate = named[middle];
            if (candidate == coIssuer) return true;
            if (candidate < coIssuer) low = middle + 1;
            else high = middle;
        }
        return false;
    }

    function _existingAnchor(address issuer, bytes32 root) private view returns (StoredAnchor storage record) {
        record = _anchors[issuer][root];
        if (record.anchoredAt == 0) revert AnchorNotFound(issuer, root);
    }
}
