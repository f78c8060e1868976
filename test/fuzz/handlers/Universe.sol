// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

// The small world the invariant campaign plays in: five actors, four roots, three
// keys, two lists and three words per list. Small on purpose, so random calls collide on the
// same records often. File-level constants and internal functions, so the handler and the
// invariants share them without paying for external calls on every check.
uint256 constant ACTOR_COUNT = 5;
uint256 constant ROOT_COUNT = 4;
uint256 constant KEY_COUNT = 3;
uint256 constant LIST_COUNT = 2;
// Words the handler writes: both ends of a list and a neighbour of the first.
uint256 constant WORD_COUNT = 3;
uint256 constant LIST_WORDS = 512;
uint256 constant ACTOR_BASE = 0x1000;

library Universe {
    /// Any actor can be an issuer (its own namespace), an operator of another, or a stranger to it.
    function actor(uint256 seed) internal pure returns (address) {
        return address(uint160(ACTOR_BASE + seed % ACTOR_COUNT));
    }

    /// The index of an actor's address, or ACTOR_COUNT or more for any other address.
    function actorIndex(address account) internal pure returns (uint256) {
        uint160 value = uint160(account);
        return value < ACTOR_BASE ? ACTOR_COUNT : value - ACTOR_BASE;
    }

    function root(uint256 seed) internal pure returns (bytes32) {
        return keccak256(abi.encode("root", seed % ROOT_COUNT));
    }

    function key(uint256 seed) internal pure returns (bytes32) {
        return keccak256(abi.encode("key", seed % KEY_COUNT));
    }

    function listId(uint256 seed) internal pure returns (uint32) {
        return seed % LIST_COUNT == 0 ? 0 : 7;
    }

    function wordIndex(uint256 seed) internal pure returns (uint256) {
        uint256 choice = seed % WORD_COUNT;
        return choice == 0 ? 0 : choice == 1 ? 1 : LIST_WORDS - 1;
    }
}
