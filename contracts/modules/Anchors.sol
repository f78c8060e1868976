// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAnchors} from "../interfaces/IAnchors.sol";
import {Operators} from "./Operators.sol";

/// @title Anchors module: batch roots, voids and co-issuer endorsements
abstract contract Anchors is IAnchors, Operators {
    /// A non-zero anchoredAt never changes: it is the evidence verifiers rely on. Of the whole
    /// record only `voided` and `voidReason` may change after the first write, once.
    mapping(address issuer => mapping(bytes32 root => AnchorRecord)) private _anchors;
    /// Co-issuers named by a co-issued anchor; written once, with the anchor.
    mapping(address issuer => mapping(bytes32 root => address[])) private _coIssuers;
    /// When each co-issuer endorsed a root; written once per co-issuer, from its own namespace.
    mapping(address coIssuer => mapping(address issuer => mapping(bytes32 root => uint64 endorsedAt))) private
        _endorsements;

    uint256 private constant MAX_PARTIES = type(uint8).max;

    /// @inheritdoc IAnchors
    function anchor(address issuer, bytes32 root, uint64 leafCount, string calldata uri) external {
        _anchor(issuer, root, leafCount, 0, 1);
        emit BatchAnchored(issuer, root, leafCount, uri);
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
        uint256 parties = coIssuers.length + 1;
        if (coIssuers.length == 0 || parties > MAX_PARTIES || threshold == 0 || threshold > parties) {
            revert InvalidCoIssuance(parties, threshold);
        }
        for (uint256 i = 0; i < coIssuers.length; ++i) {
            address coIssuer = coIssuers[i];
            if (coIssuer == address(0) || coIssuer == issuer) revert InvalidCoIssuer(coIssuer);
            for (uint256 j = 0; j < i; ++j) {
                if (coIssuers[j] == coIssuer) revert InvalidCoIssuer(coIssuer);
            }
        }
        _anchor(issuer, root, leafCount, uint8(coIssuers.length), threshold);
        _coIssuers[issuer][root] = coIssuers;
        emit BatchAnchored(issuer, root, leafCount, uri);
        emit CoIssuanceProposed(issuer, root, coIssuers, threshold);
    }

    /// @inheritdoc IAnchors
    function endorse(address issuer, bytes32 root, address coIssuer) external {
        _requireIssuerOrOperator(coIssuer);
        AnchorRecord memory record = _existingAnchor(issuer, root);
        if (record.voided) revert AnchorVoided(issuer, root, record.voidReason);
        address[] storage named = _coIssuers[issuer][root];
        uint8 endorsementCount = 1; // the anchoring issuer
        bool isNamed = false;
        for (uint256 i = 0; i < named.length; ++i) {
            address party = named[i];
            if (party == coIssuer) isNamed = true;
            else if (_endorsements[party][issuer][root] != 0) ++endorsementCount;
        }
        if (!isNamed) revert NotCoIssuer(issuer, root, coIssuer);
        if (_endorsements[coIssuer][issuer][root] != 0) revert AlreadyEndorsed(issuer, root, coIssuer);
        _endorsements[coIssuer][issuer][root] = uint64(block.timestamp);
        emit AnchorEndorsed(issuer, root, coIssuer, endorsementCount + 1);
    }

    /// @inheritdoc IAnchors
    function voidAnchor(bytes32 root, uint16 reason) external {
        AnchorRecord storage record = _anchors[msg.sender][root];
        if (record.anchoredAt == 0) revert AnchorNotFound(msg.sender, root);
        if (record.voided) revert AnchorVoided(msg.sender, root, record.voidReason);
        record.voided = true;
        record.voidReason = reason;
        emit AnchorVoidedByIssuer(msg.sender, root, reason);
    }

    /// @inheritdoc IAnchors
    function anchorRecord(address issuer, bytes32 root) external view returns (AnchorRecord memory) {
        return _anchors[issuer][root];
    }

    /// @inheritdoc IAnchors
    function endorsements(address issuer, bytes32 root)
        external
        view
        returns (address[] memory coIssuers, uint64[] memory endorsedAt)
    {
        return _endorsementsOf(issuer, root);
    }

    function _anchorRecord(address issuer, bytes32 root) internal view returns (AnchorRecord memory) {
        return _anchors[issuer][root];
    }

    function _endorsementsOf(address issuer, bytes32 root)
        internal
        view
        returns (address[] memory coIssuers, uint64[] memory endorsedAt)
    {
        coIssuers = _coIssuers[issuer][root];
        endorsedAt = new uint64[](coIssuers.length);
        for (uint256 i = 0; i < coIssuers.length; ++i) {
            endorsedAt[i] = _endorsements[coIssuers[i]][issuer][root];
        }
    }

    /// @dev The single and co-issued entry points share this write: one slot, first write wins.
    function _anchor(address issuer, bytes32 root, uint64 leafCount, uint8 coIssuerCount, uint8 threshold) private {
        _requireIssuerOrOperator(issuer);
        if (root == bytes32(0)) revert ZeroRoot();
        if (leafCount == 0) revert EmptyBatch(root);
        AnchorRecord storage record = _anchors[issuer][root];
        uint64 existing = record.anchoredAt;
        if (existing != 0) revert RootAlreadyAnchored(issuer, root, existing);
        // Field by field through one storage reference: the optimizer merges these into a single
        // SSTORE, where assigning a struct literal costs a read-modify-write per member (~1,500 gas
        // more with viaIR, ~500 without). `voided` and `voidReason` stay zero: a record with
        // anchoredAt == 0 was never written, so its whole slot is zero.
        record.anchoredAt = uint64(block.timestamp);
        record.blockNumber = uint64(block.number);
        record.leafCount = leafCount;
        record.threshold = threshold;
        record.coIssuerCount = coIssuerCount;
    }

    function _existingAnchor(address issuer, bytes32 root) private view returns (AnchorRecord memory record) {
        record = _anchors[issuer][root];
        if (record.anchoredAt == 0) revert AnchorNotFound(issuer, root);
    }
}
