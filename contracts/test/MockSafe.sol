// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title A Safe-like contract account, for tests only
/// @notice Acts as an issuer: `owner` makes it call the registry with {execute}, and it accepts
/// (ERC-1271) a hash signed by `owner` only while `accepting` is true.
contract MockSafe {
    bytes4 private constant MAGIC = 0x1626ba7e;
    address public immutable owner;
    bool public accepting = true;

    constructor(address owner_) {
        owner = owner_;
    }

    function setAccepting(bool value) external {
        require(msg.sender == owner, "owner only");
        accepting = value;
    }

    function execute(address target, bytes calldata data) external returns (bytes memory) {
        require(msg.sender == owner, "owner only");
        (bool ok, bytes memory result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
        return result;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError error_,) = ECDSA.tryRecover(hash, signature);
        if (accepting && error_ == ECDSA.RecoverError.NoError && recovered == owner) return MAGIC;
        return 0xffffffff;
    }
}
