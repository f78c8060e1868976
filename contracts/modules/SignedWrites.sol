// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ISignedWrites} from "../interfaces/ISignedWrites.sol";
import {IStatusLists} from "../interfaces/IStatusLists.sol";
import {Anchors} from "./Anchors.sol";
import {StatusLists} from "./StatusLists.sol";

/// @title Signed writes module (EIP-712, ERC-1271)
/// @dev Not OpenZeppelin's EIP712 contract: it caches the domain separator and the contract's
/// address in immutables, and the genuine-code check zeroes immutables, so whoever deploys the
/// runtime code directly could plant another registry's separator and replay its signatures.
/// Computing the separator on every call costs ~200 gas per signed write and keeps the runtime
/// code free of immutables (its published hash covers every byte).
abstract contract SignedWrites is ISignedWrites, Nonces, Anchors, StatusLists {
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("credanchor-registry");
    bytes32 private constant VERSION_HASH = keccak256("2");
    bytes32 private constant ANCHOR_TYPEHASH = keccak256(
        "AnchorRoot(address issuer,bytes32 root,uint64 leafCount,string uri,address signer,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant STATUS_TYPEHASH = keccak256(
        "StatusChange(address issuer,uint32 listId,uint8 action,uint256 wordIndex,uint256 mask,uint16 reason,address signer,uint256 nonce,uint256 deadline)"
    );

    /// @inheritdoc ISignedWrites
    function anchorBySig(
        address issuer,
        bytes32 root,
        uint64 leafCount,
        string calldata uri,
        address signer,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external {
        bytes32 structHash = keccak256(
            abi.encode(ANCHOR_TYPEHASH, issuer, root, leafCount, keccak256(bytes(uri)), signer, nonce, deadline)
        );
        _checkSigned(structHash, signer, nonce, deadline, signature);
        _requireScopeOf(issuer, signer, SCOPE_ANCHOR);
        _anchor(issuer, root, leafCount, 0, 1);
        emit BatchAnchored(issuer, root, leafCount, uri);
    }

    /// @inheritdoc ISignedWrites
    function changeStatusBySig(
        StatusChange calldata change,
        address signer,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (change.action > 2) revert InvalidStatusAction(change.action);
        bytes32 structHash = keccak256(
            abi.encode(
                STATUS_TYPEHASH,
                change.issuer,
                change.listId,
                change.action,
                change.wordIndex,
                change.mask,
                change.reason,
                signer,
                nonce,
                deadline
            )
        );
        _checkSigned(structHash, signer, nonce, deadline, signature);
        IStatusLists.StatusPurpose purpose =
            change.action == 0 ? IStatusLists.StatusPurpose.Revocation : IStatusLists.StatusPurpose.Suspension;
        _changeWord(
            signer, change.issuer, change.listId, purpose, change.wordIndex, change.mask, change.action != 2, change.reason
        );
    }

    /// @inheritdoc ISignedWrites
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    /// @notice ERC-5267: the fields of the EIP-712 domain (name, version, chainId, verifyingContract).
    function eip712Domain()
        external
        view
        returns (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        )
    {
        return (hex"0f", "credanchor-registry", "2", block.chainid, address(this), bytes32(0), new uint256[](0));
    }

    /// @inheritdoc ISignedWrites
    function nonces(address signer) public view override(ISignedWrites, Nonces) returns (uint256) {
        return super.nonces(signer);
    }

    /// @dev Deadline, then nonce (a replay fails with Nonces' InvalidAccountNonce), then signature.
    function _checkSigned(bytes32 structHash, address signer, uint256 nonce, uint256 deadline, bytes calldata signature)
        private
    {
        if (block.timestamp >= deadline) revert SignatureExpired(deadline, block.timestamp);
        _useCheckedNonce(signer, nonce);
        bytes32 digest = MessageHashUtils.toTypedDataHash(DOMAIN_SEPARATOR(), structHash);
        if (!SignatureChecker.isValidSignatureNow(signer, digest, signature)) revert InvalidSignature(signer);
    }
}
