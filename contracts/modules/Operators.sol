// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IOperators} from "../interfaces/IOperators.sol";

/// @title Operators module
/// @dev Every check uses `msg.sender`, so a multisig contract can be an issuer as well as an EOA.
abstract contract Operators is IOperators {
    /// An operator acts for the issuer while `block.timestamp < validUntil`.
    mapping(address issuer => mapping(address operator => uint64 validUntil)) private _operators;

    /// @inheritdoc IOperators
    function authorizeOperator(address operator, uint64 validUntil) external {
        if (operator == address(0) || operator == msg.sender) revert InvalidOperator(operator);
        if (validUntil <= block.timestamp) {
            revert OperatorWindowInPast(operator, validUntil, uint64(block.timestamp));
        }
        _operators[msg.sender][operator] = validUntil;
        emit OperatorAuthorized(msg.sender, operator, validUntil);
    }

    /// @inheritdoc IOperators
    function retireOperator(address operator) external {
        if (!_isLiveOperator(msg.sender, operator)) revert OperatorNotLive(msg.sender, operator);
        uint64 retiredAt = uint64(block.timestamp);
        _operators[msg.sender][operator] = retiredAt;
        emit OperatorRetired(msg.sender, operator, retiredAt);
    }

    /// @inheritdoc IOperators
    function operatorValidUntil(address issuer, address operator) external view returns (uint64) {
        return _operators[issuer][operator];
    }

    /// @inheritdoc IOperators
    function canActFor(address issuer, address account) external view returns (bool) {
        return account == issuer || _isLiveOperator(issuer, account);
    }

    /// @dev Reverts unless the caller is `issuer` or one of its live operators. The issuer test
    /// comes first so an issuer sending its own transaction pays no storage read.
    function _requireIssuerOrOperator(address issuer) internal view {
        if (msg.sender != issuer && !_isLiveOperator(issuer, msg.sender)) {
            revert NotIssuerOrOperator(issuer, msg.sender);
        }
    }

    function _isLiveOperator(address issuer, address operator) private view returns (bool) {
        return block.timestamp < _operators[issuer][operator];
    }
}
