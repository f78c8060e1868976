// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Operators: scoped hot keys an issuer lets act in its namespace
/// @notice An issuer is any address (an EOA or a multisig contract). It may authorise operator
/// addresses, typically the anchoring server's key, until a `validUntil` time and for a set of
/// scopes: anchor roots, endorse co-issued roots (and withdraw endorsements), suspend/unsuspend
/// entries, revoke entries. Only the issuer grants, narrows and retires operators, so an operator
/// never gains a scope it was not given. Revocation is final, so it is not in the default scopes:
/// a leaked hot key can then at worst suspend (reversible) but never revoke.
interface IOperators {
    /// @notice Thrown when `caller` is neither `issuer` nor an operator of `issuer` that is live now.
    error NotIssuerOrOperator(address issuer, address caller);
    /// @notice Thrown when `operator` is live for `issuer` but was not given `scope`.
    error MissingScope(address issuer, address operator, uint8 scope);
    /// @notice Thrown when an operator would be authorised with a window that has already ended.
    error OperatorWindowInPast(address operator, uint64 validUntil, uint64 nowTime);
    /// @notice Thrown when the zero address or the issuer itself is named as operator.
    error InvalidOperator(address operator);
    /// @notice Thrown when retiring or narrowing an operator that is not live.
    error OperatorNotLive(address issuer, address operator);
    /// @notice Thrown when a scope set is empty or has bits outside `ALL_SCOPES`.
    error InvalidScopes(uint8 scopes);
    /// @notice Thrown when narrowing would add a scope the operator does not hold.
    error ScopeEscalation(address operator, uint8 current, uint8 requested);

    /// @notice Emitted after `issuer` authorised `operator` until `validUntil` (exclusive) for `scopes`.
    event OperatorAuthorized(address indexed issuer, address indexed operator, uint64 validUntil, uint8 scopes);
    /// @notice Emitted after `issuer` narrowed `operator`'s scopes to `scopes`.
    event OperatorScopesNarrowed(address indexed issuer, address indexed operator, uint8 scopes);
    /// @notice Emitted after `issuer` retired `operator`; it stopped being live at `retiredAt`.
    event OperatorRetired(address indexed issuer, address indexed operator, uint64 retiredAt);
    /// @notice Emitted, beside the write's own event, whenever an operator (not the issuer) wrote in
    /// `issuer`'s namespace with the function `action` (its selector), so after a leak the issuer
    /// lists exactly what that key wrote (filter by issuer and operator, read the logs of each tx).
    event OperatorActed(address indexed issuer, address indexed operator, bytes4 indexed action);

    /// @notice Authorises `operator` in the caller's namespace until `validUntil` with the default
    /// scopes (anchor, endorse, suspend: everything but revoke). Replaces any previous grant.
    function authorizeOperator(address operator, uint64 validUntil) external;

    /// @notice Authorises `operator` in the caller's namespace until `validUntil` for `scopes`
    /// (a non-empty subset of `ALL_SCOPES`). Replaces any previous grant.
    function grantOperator(address operator, uint64 validUntil, uint8 scopes) external;

    /// @notice Narrows the scopes of the caller's live `operator` to `scopes`, a non-empty subset of
    /// what it holds (use {retireOperator} to remove all).
    function narrowOperator(address operator, uint8 scopes) external;

    /// @notice Ends `operator`'s authority in the caller's namespace at the current block time.
    /// @dev Requirements: `operator` is live for the caller.
    function retireOperator(address operator) external;

    /// @notice The time until which `operator` may act for `issuer` (0 when never authorised).
    function operatorValidUntil(address issuer, address operator) external view returns (uint64);

    /// @notice The scopes `operator` was given by `issuer` (whether or not it is live now).
    function operatorScopes(address issuer, address operator) external view returns (uint8);

    /// @notice Whether `account` may act for `issuer` now: it is the issuer or a live operator.
    function canActFor(address issuer, address account) external view returns (bool);

    /// @notice Whether `account` may write with `scope` for `issuer` now.
    function canActForScope(address issuer, address account, uint8 scope) external view returns (bool);
}
