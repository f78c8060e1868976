// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";

/// @title Signed writes: anchors and status changes any relayer can send (EIP-712)
/// @notice The issuer, or its live operator with the needed scope, signs typed data with a nonce
/// and a deadline; anyone may send it and pay the gas, without holding standing power. Contract
/// issuers (a Safe) sign through ERC-1271. Nonces are per signer and sequential (OpenZeppelin
/// Nonces), so a signature is good once, and only before its deadline.
///
/// Domain: name "credanchor-registry", version "2", the chain id and this registry's address,
/// computed on every call (no immutables), so a copy of the genuine runtime code at another
/// address or on another chain has its own domain and a signature never replays across them.
interface ISignedWrites is IERC5267 {
    /// @notice A status write, as signed. `action`: 0 revoke, 1 suspend, 2 unsuspend.
    struct StatusChange {
        address issuer;
        uint32 listId;
        uint8 action;
        uint256 wordIndex;
        uint256 mask;
        uint16 reason;
    }

    /// @notice Thrown when a signed write is sent at or after its `deadline`.
    error SignatureExpired(uint256 deadline, uint256 nowTime);
    /// @notice Thrown when `signature` is not `signer`'s over the typed data (ECDSA or ERC-1271).
    error InvalidSignature(address signer);
    /// @notice Thrown when a status action is not 0, 1 or 2.
    error InvalidStatusAction(uint8 action);

    /// @notice As {IAnchors.anchor}, authorised by `signer`'s EIP-712 signature of
    /// `AnchorRoot(address issuer,bytes32 root,uint64 leafCount,string uri,address signer,uint256 nonce,uint256 deadline)`.
    /// `signer` must be the issuer or its live operator with the anchor scope.
    function anchorBySig(
        address issuer,
        bytes32 root,
        uint64 leafCount,
        string calldata uri,
        address signer,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice A word-and-mask status write ({IStatusLists.revokeWord} and friends), authorised by
    /// `signer`'s EIP-712 signature of
    /// `StatusChange(address issuer,uint32 listId,uint8 action,uint256 wordIndex,uint256 mask,uint16 reason,address signer,uint256 nonce,uint256 deadline)`.
    /// `signer` must be the issuer or its live operator with the revoke (or suspend) scope.
    function changeStatusBySig(
        StatusChange calldata change,
        address signer,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice The EIP-712 domain separator of this registry on this chain.
    function DOMAIN_SEPARATOR() external view returns (bytes32);

    /// @notice The next nonce `signer` must sign.
    function nonces(address signer) external view returns (uint256);
}
