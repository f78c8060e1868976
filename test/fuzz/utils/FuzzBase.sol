// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice What every fuzz and invariant test here shares: mapping raw fuzz input into a range,
/// and telling forge which contracts an invariant campaign may call.
abstract contract FuzzBase {
    address[] private _targetContracts;

    /// @dev forge calls this view (by name) to learn which contracts to fuzz in invariant tests;
    /// without it, forge would call every contract deployed in setUp, the registry included,
    /// bypassing the handler and its ghost bookkeeping.
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function _targetContract(address target) internal {
        _targetContracts.push(target);
    }
}

/// @dev Maps `value` into [min, max] (inclusive) by wrapping, so every input is used.
function bound(uint256 value, uint256 min, uint256 max) pure returns (uint256) {
    require(min <= max, "bound: min > max");
    if (min == 0 && max == type(uint256).max) return value;
    return min + (value % (max - min + 1));
}
