// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IOperators} from "../interfaces/IOperators.sol";

/// @title Operators module
/// @dev Every check uses `msg.sender` (or, for signed writes, the verified signer), so a multisig
/// contract can be an issuer as well as an EOA.
abstract contract Operators is IOperators {
    uint8 internal constant SCOPE_ANCHOR = 1;
    uint8 internal constant SCOPE_ENDORSE = 2;
    uint8 internal constant SCOPE_SUSPEND = 4;
    uint8 internal constant SCOPE_REVOKE = 8;
    uint8 internal constant ALL_SCOPES = 15;
    uint8 internal constant DEFAULT_SCOPES = SCOPE_ANCHOR | SCOPE_ENDORSE | SCOPE_SUSPEND;

    /// The scopes sit in the same slot as the window: checking them costs no extra storage read.
    struct OperatorGrant {
        uint64 validUntil;
        uint8 scopes;
    }

    /// An operator acts for the issuer while `block.timestamp < validUntil`, within `scopes`.
    mapping(address issuer => mapping(address operator => OperatorGrant)) private _operators;

    /// @inheritdoc IOperators
    function authorizeOperator(address operator, uint64 validUntil) external {
        _grant(operator, validUntil, DEFAULT_SCOPES);
    }

    /// @inheritdoc IOperators
    function grantOperator(address operator, uint64 validUntil, uint8 scopes) external {
        _grant(operator, validUntil, scopes);
    }

    /// @inheritdoc IOperators
    function narrowOperator(address operator, uint8 scopes) external {
        OperatorGrant storage grant = _operators[msg.sender][operator];
        if (block.timestamp >= grant.validUntil) revert OperatorNotLive(msg.sender, operator);
        uint8 current = grant.scopes;
        if (scopes == 0) revert InvalidScopes(scopes);
        if (scopes & ~current != 0) revert ScopeEscalation(operator, current, scopes);
        grant.scopes = scopes;
        emit OperatorScopesNarrowed(msg.sender, operator, scopes);
    }

    /// @inheritdoc IOperators
    function retireOperator(address operator) external {
        OperatorGrant storage grant = _operators[msg.sender][operator];
        if (block.timestamp >= grant.validUntil) revert OperatorNotLive(msg.sender, operator);
        uint64 retiredAt = uint64(block.timestamp);
        grant.validUntil = retiredAt;
        emit OperatorRetired(msg.sender, operator, retiredAt);
    }

    /// @inheritdoc IOperators
    function operatorValidUntil(address issuer, address operator) external view returns (uint64) {
        return _operators[issuer][operator].validUntil;
    }

    /// @inheritdoc IOperators
    function operatorScopes(address issuer, address operator) external view returns (uint8) {
        return _operators[issuer][operator].scopes;
    }

    /// @inheritdoc IOperators
    function canActFor(address issuer, address account) external view returns (bool) {
        return account == issuer || block.timestamp < _operators[issuer][account].validUntil;
    }

    /// @inheritdoc IOperators
    function canActForScope(address issuer, address account, uint8 scope) external view returns (bool) {
        if (account == issuer) return scope != 0 && scope & ~ALL_SCOPES == 0;
        OperatorGrant memory grant = _operators[issuer][account];
        return block.timestamp < grant.validUntil && scope != 0 && grant.scopes & scope == scope;
    }

    /// @dev Reverts unless the caller is `issuer` or one of its live operators holding `scope`.
    function _requireScope(address issuer, uint8 scope) internal {
        _requireScopeOf(issuer, msg.sender, scope);
    }

    /// @dev Reverts unless `actor` is `issuer` or one of its live operators holding `scope`; an
    /// operator's write is recorded with {OperatorActed}. The issuer test comes first so an issuer
    /// sending its own transaction pays no storage read.
    function _requireScopeOf(address issuer, address actor, uint8 scope) internal {
        if (actor == issuer) return;
        OperatorGrant memory grant = _operators[issuer][actor];
        if (block.timestamp >= grant.validUntil) revert NotIssuerOrOperator(issuer, actor);
        if (grant.scopes & scope == 0) revert MissingScope(issuer, actor, scope);
        emit OperatorActed(issuer, actor, msg.sig);
    }

    function _grant(address operator, uint64 validUntil, uint8 scopes) private {
        if (operator == address(0) || operator == msg.sender) revert InvalidOperator(operator);
        if (scopes == 0 || scopes & ~ALL_SCOPES != 0) revert InvalidScopes(scopes);
        if (validUntil <= block.timestamp) {
            revert OperatorWindowInPast(operator, validUntil, uint64(block.timestamp));
        }
        OperatorGrant storage grant = _operators[msg.sender][operator];
        grant.validUntil = validUntil;
        grant.scopes = scopes;
        emit OperatorAuthorized(msg.sender, operator, validUntil, scopes);
    }
}
