// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IStatusLists} from "../interfaces/IStatusLists.sol";
import {Operators} from "./Operators.sol";

/// @title Status lists module: revocation and suspension bitmaps
abstract contract StatusLists is IStatusLists, Operators {
    /// The W3C Bitstring Status List minimum, for herd privacy.
    uint256 internal constant STATUS_LIST_SIZE = 131_072;
    uint256 private constant WORD_COUNT = STATUS_LIST_SIZE / 256;

    /// A revocation bit, once set, never clears; suspension bits set and clear freely.
    mapping(address issuer => mapping(uint32 listId => mapping(StatusPurpose purpose => mapping(uint256 wordIndex => uint256 bits))))
        private _statusWords;

    /// @inheritdoc IStatusLists
    function revokeWord(address issuer, uint32 listId, uint256 wordIndex, uint256 mask, uint16 reason) external {
        _changeWord(msg.sender, issuer, listId, StatusPurpose.Revocation, wordIndex, mask, true, reason);
    }

    /// @inheritdoc IStatusLists
    function suspendWord(address issuer, uint32 listId, uint256 wordIndex, uint256 mask, uint16 reason) external {
        _changeWord(msg.sender, issuer, listId, StatusPurpose.Suspension, wordIndex, mask, true, reason);
    }

    /// @inheritdoc IStatusLists
    function unsuspendWord(address issuer, uint32 listId, uint256 wordIndex, uint256 mask, uint16 reason) external {
        _changeWord(msg.sender, issuer, listId, StatusPurpose.Suspension, wordIndex, mask, false, reason);
    }

    /// @inheritdoc IStatusLists
    function revokeIndices(address issuer, uint32 listId, uint32[] calldata indices, uint16 reason) external {
        _changeIndices(issuer, listId, StatusPurpose.Revocation, indices, true, reason);
    }

    /// @inheritdoc IStatusLists
    function suspendIndices(address issuer, uint32 listId, uint32[] calldata indices, uint16 reason) external {
        _changeIndices(issuer, listId, StatusPurpose.Suspension, indices, true, reason);
    }

    /// @inheritdoc IStatusLists
    function unsuspendIndices(address issuer, uint32 listId, uint32[] calldata indices, uint16 reason) external {
        _changeIndices(issuer, listId, StatusPurpose.Suspension, indices, false, reason);
    }

    /// @inheritdoc IStatusLists
    function statusListSize() external pure returns (uint256) {
        return STATUS_LIST_SIZE;
    }

    /// @inheritdoc IStatusLists
    function statusBit(address issuer, uint32 listId, StatusPurpose purpose, uint256 index)
        external
        view
        returns (bool)
    {
        return _statusBit(issuer, listId, purpose, index);
    }

    /// @inheritdoc IStatusLists
    function statusWords(address issuer, uint32 listId, StatusPurpose purpose, uint256 fromWord, uint256 count)
        external
        view
        returns (uint256[] memory words)
    {
        if (count > WORD_COUNT) revert TooManyWords(count, WORD_COUNT);
        words = new uint256[](count);
        mapping(uint256 => uint256) storage bitmap = _statusWords[issuer][listId][purpose];
        for (uint256 i = 0; i < count && fromWord < WORD_COUNT - i; ++i) {
            words[i] = bitmap[fromWord + i];
        }
    }

    function _statusBit(address issuer, uint32 listId, StatusPurpose purpose, uint256 index)
        internal
        view
        returns (bool)
    {
        if (index >= STATUS_LIST_SIZE) return false;
        return (_statusWords[issuer][listId][purpose][index >> 8] >> (index & 0xff)) & 1 == 1;
    }

    /// @dev `actor` is the sender, or the verified signer of a signed write.
    function _changeWord(
        address actor,
        address issuer,
        uint32 listId,
        StatusPurpose purpose,
        uint256 wordIndex,
        uint256 mask,
        bool set,
        uint16 reason
    ) internal {
        _requireScopeOf(issuer, actor, _scopeFor(purpose));
        if (mask == 0) revert EmptyStatusChange();
        if (wordIndex >= WORD_COUNT) revert WordIndexOutOfRange(wordIndex, WORD_COUNT);
        _applyMask(_statusWords[issuer][listId][purpose], wordIndex, mask, set);
        emit StatusWordChanged(issuer, listId, purpose, wordIndex, mask, set, reason);
    }

    /// @dev Consecutive indices in one word are gathered into one mask and written once.
    function _changeIndices(
        address issuer,
        uint32 listId,
        StatusPurpose purpose,
        uint32[] calldata indices,
        bool set,
        uint16 reason
    ) private {
        _requireScope(issuer, _scopeFor(purpose));
        uint256 length = indices.length;
        if (length == 0) revert EmptyStatusChange();
        mapping(uint256 => uint256) storage bitmap = _statusWords[issuer][listId][purpose];
        uint256 wordIndex = type(uint256).max;
        uint256 mask = 0;
        for (uint256 i = 0; i < length; ++i) {
            // The raw calldata word, read without the decoder's per-element uint32 check (~130 gas
            // per index through `indices[i]`): the range check below already rejects every word
            // that is not a uint32. The decoder checked at entry that the array lies in calldata.
            uint256 index;
            assembly ("memory-safe") {
                index := calldataload(add(indices.offset, shl(5, i)))
            }
            if (index >= STATUS_LIST_SIZE) {
                // A word wider than uint32 is malformed calldata: revert without data, as the decoder would.
                if (index > type(uint32).max) revert();
                revert StatusIndexOutOfRange(index, STATUS_LIST_SIZE);
            }
            uint256 word = index >> 8;
            if (word != wordIndex) {
                if (mask != 0) _applyMask(bitmap, wordIndex, mask, set);
                wordIndex = word;
                mask = 0;
            }
            mask |= uint256(1) << (index & 0xff);
        }
        _applyMask(bitmap, wordIndex, mask, set);
        _emitStatusIndicesChanged(issuer, listId, purpose, indices, set, reason);
    }

    /// @dev `emit StatusIndicesChanged(...)` with the indices copied from calldata in one
    /// CALLDATACOPY. A plain `emit` re-encodes them one by one, checking each as a uint32 again
    /// (~140 gas per index); `_changeIndices` has already checked every one of them.
    /// The data is the ABI encoding of (uint32[] indices, bool set, uint16 reason).
    function _emitStatusIndicesChanged(
        address issuer,
        uint32 listId,
        StatusPurpose purpose,
        uint32[] calldata indices,
        bool set,
        uint16 reason
    ) private {
        bytes32 topic = StatusIndicesChanged.selector;
        assembly ("memory-safe") {
            let data := mload(0x40)
            let size := shl(5, indices.length)
            mstore(data, 0x60) // offset of the indices array, after the three head words
            mstore(add(data, 0x20), iszero(iszero(set)))
            mstore(add(data, 0x40), and(reason, 0xffff))
            mstore(add(data, 0x60), indices.length)
            calldatacopy(add(data, 0x80), indices.offset, size)
            log4(
                data,
                add(0x80, size),
                topic,
                and(issuer, 0xffffffffffffffffffffffffffffffffffffffff),
                and(listId, 0xffffffff),
                and(purpose, 0xff)
            )
        }
    }

    /// @dev Revocation is final, so it needs its own scope; suspension is reversible.
    function _scopeFor(StatusPurpose purpose) private pure returns (uint8) {
        return purpose == StatusPurpose.Revocation ? SCOPE_REVOKE : SCOPE_SUSPEND;
    }

    function _applyMask(mapping(uint256 => uint256) storage bitmap, uint256 wordIndex, uint256 mask, bool set)
        private
    {
        bitmap[wordIndex] = set ? bitmap[wordIndex] | mask : bitmap[wordIndex] & ~mask;
    }
}
