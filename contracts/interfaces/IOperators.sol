// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Operators: hot keys an issuer lets act in its namespace
/// @notice An issuer is any address (an EOA or a multisig contract). It may authorise operator
/// addresses, typically the anchoring server's key, to anchor roots, endorse co-issued roots and
/// write status bits on its behalf until a `validUntil` time. Only the issuer manages operators.
interface IOperators {
    /// @notice Thrown when `caller` is neither `issuer` nor an operator of `issuer` that is live now.
    error NotIssuerOrOperator(address issuer, address caller);
    /// @notice Thrown when an operator would be authorised with a window that has already ended.
    error OperatorWindowInPast(address operator, uint64 validUntil, uint64 nowTime);
    /// @notice Thrown when the zero address or the issuer itself is named as operator.
    error InvalidOperator(address operator);
    /// @notice Thrown when retiring an operator that is not live.
    error OperatorNotLive(address issuer, address operator);

    /// @notice Emitted after `issuer` authorised `operator` until `validUntil` (exclusive).
    event OperatorAuthorized(address indexed issuer, address indexed operator, uint64 validUntil);
    /// @notice Emitted after `issuer` retired `operator`; it stopped being live at `retiredAt`.
    event OperatorRetired(address indexed issuer, address indexed operator, uint64 retiredAt);

    /// @notice Authorises `operator` to act in the caller's namespace until `validUntil`
    /// (a Unix time, exclusive). Calling it again replaces the window.
    /// @dev Requirements:
    /// - `operator` is not the zero address nor the caller.
    /// - `validUntil` is later than the current block time.
    function authorizeOperator(address operator, uint64 validUntil) external;

    /// @notice Ends `operator`'s authority in the caller's namespace at the current block time.
    /// @dev Requirements: `operator` is live for the caller.
    function retireOperator(address operator) external;

    /// @notice The time until which `operator` may act for `issuer` (0 when never authorised).
    function operatorValidUntil(address issuer, address operator) external view returns (uint64);

    /// @notice Whether `account` may act for `issuer` now: it is the issuer or a live operator.
    function canActFor(address issuer, address account) external view returns (bool);
}
