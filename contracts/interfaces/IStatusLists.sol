// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Status lists: revocation and suspension bits per issuer
/// @notice Each issuer has numbered lists of `STATUS_LIST_SIZE` (131,072, the W3C Bitstring
/// Status List minimum) entries. Every list has two bitmaps: revocation (a set bit never
/// clears) and suspension (reversible). A credential's index is signed into it at issuance.
/// Writes take a 256-bit word and a mask, so changing up to 256 neighbouring entries is one
/// storage write; an index-list form groups consecutive indices of one word into one write.
/// Bit `i` of a list lives in word `i / 256` at bit position `i % 256` (least significant first).
interface IStatusLists {
    /// @notice Why a list is kept.
    enum StatusPurpose {
        Revocation,
        Suspension
    }

    /// @notice Thrown when a word index is past the end of a list.
    error WordIndexOutOfRange(uint256 wordIndex, uint256 wordCount);
    /// @notice Thrown when a status index is past the end of a list.
    error StatusIndexOutOfRange(uint256 index, uint256 size);
    /// @notice Thrown when {statusWords} is asked for more words than a list has.
    error TooManyWords(uint256 count, uint256 wordCount);
    /// @notice Thrown when a write names no entries.
    error EmptyStatusChange();

    /// @notice Emitted after a word-and-mask write set (`set == true`) or cleared the bits of
    /// `mask` in word `wordIndex` of `issuer`'s list `listId` for `purpose`.
    event StatusWordChanged(
        address indexed issuer,
        uint32 indexed listId,
        StatusPurpose indexed purpose,
        uint256 wordIndex,
        uint256 mask,
        bool set,
        uint16 reason
    );
    /// @notice Emitted after an index-list write set or cleared the entries `indices`.
    event StatusIndicesChanged(
        address indexed issuer,
        uint32 indexed listId,
        StatusPurpose indexed purpose,
        uint32[] indices,
        bool set,
        uint16 reason
    );

    /// @notice Revokes the entries of `mask` in word `wordIndex` of `issuer`'s list `listId`.
    /// @dev Requirements: the caller is `issuer` or its live operator with the revoke scope
    /// (suspend scope for the suspension writes); `mask != 0`;
    /// `wordIndex < STATUS_LIST_SIZE / 256`.
    function revokeWord(address issuer, uint32 listId, uint256 wordIndex, uint256 mask, uint16 reason) external;

    /// @notice Suspends the entries of `mask` in word `wordIndex`; requirements as {revokeWord}.
    function suspendWord(address issuer, uint32 listId, uint256 wordIndex, uint256 mask, uint16 reason) external;

    /// @notice Lifts the suspension of the entries of `mask`; requirements as {revokeWord}.
    function unsuspendWord(address issuer, uint32 listId, uint256 wordIndex, uint256 mask, uint16 reason) external;

    /// @notice Revokes the entries `indices` (sorting them saves gas: consecutive indices of one
    /// word are one write). Requirements: as {revokeWord}; every index < STATUS_LIST_SIZE.
    function revokeIndices(address issuer, uint32 listId, uint32[] calldata indices, uint16 reason) external;

    /// @notice Suspends the entries `indices`; requirements as {revokeIndices}.
    function suspendIndices(address issuer, uint32 listId, uint32[] calldata indices, uint16 reason) external;

    /// @notice Lifts the suspension of the entries `indices`; requirements as {revokeIndices}.
    function unsuspendIndices(address issuer, uint32 listId, uint32[] calldata indices, uint16 reason) external;

    /// @notice The number of entries in every list (131,072).
    function statusListSize() external pure returns (uint256);

    /// @notice Whether entry `index` of `issuer`'s list `listId` is set for `purpose`
    /// (false for an index out of range).
    function statusBit(address issuer, uint32 listId, StatusPurpose purpose, uint256 index)
        external
        view
        returns (bool);

    /// @notice `count` words of a bitmap from `fromWord` on (words past the end read as zero).
    /// Reverts with {TooManyWords} when `count` exceeds the words of a list (512).
    function statusWords(address issuer, uint32 listId, StatusPurpose purpose, uint256 fromWord, uint256 count)
        external
        view
        returns (uint256[] memory words);
}
