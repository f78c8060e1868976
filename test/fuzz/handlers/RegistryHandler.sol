// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CredentialRegistry} from "../../../contracts/CredentialRegistry.sol";
import {IAnchors} from "../../../contracts/interfaces/IAnchors.sol";
import {ISigningKeys} from "../../../contracts/interfaces/ISigningKeys.sol";
import {IStatusLists} from "../../../contracts/interfaces/IStatusLists.sol";
import {IVerifierViews} from "../../../contracts/interfaces/IVerifierViews.sol";
import {IAccreditations} from "../../../contracts/interfaces/IAccreditations.sol";
import {vm} from "../utils/Vm.sol";
import {bound} from "../utils/FuzzBase.sol";
import {ACTOR_COUNT, ROOT_COUNT, KEY_COUNT, LIST_COUNT, WORD_COUNT, LIST_WORDS, Universe} from "./Universe.sol";

/// @notice Drives the registry with random sequences of every write, sent by the actors of
/// {Universe} over its roots, keys, lists and words. Half of the writes come from the
/// namespace's own issuer and half from any actor (a live or lapsed operator, or a stranger
/// whose write must fail), and inputs are mostly valid with a share of each invalid kind,
/// so that both accepted and refused writes are frequent.
///
/// Ghost bookkeeping, read by RegistryInvariantsTest:
/// - an operator model kept from the specification (not read back from the registry), which
///   decides whether a writer may act for a namespace;
/// - every storage slot each accepted call wrote (forge's `record`/`accesses`), attributed to
///   the namespace it belongs to, to catch a write landing where its writer had no right;
/// - the first record seen for every anchor and endorsement, the union of every revocation
///   word ever seen, and the tightest key window ever seen, which the invariants compare
///   against the live state. Ghosts are read through `verificationData` (what verifiers see)
///   and the invariants read the direct views, so the two are also checked against each other.
contract RegistryHandler {
    using Universe for uint256;

    uint64 private constant NO_END = type(uint64).max;
    /// The registry's mappings by slot (`forge inspect CredentialRegistry storageLayout`): 0 is
    /// OpenZeppelin Nonces' `_nonces` (written only by signed writes, which this handler does not send).
    uint256 private constant OPERATORS_SLOT = 1;
    uint256 private constant ANCHORS_SLOT = 2;
    uint256 private constant CO_ISSUERS_SLOT = 3;
    uint256 private constant ENDORSEMENTS_SLOT = 4;
    uint256 private constant KEYS_SLOT = 5;
    uint256 private constant STATUS_WORDS_SLOT = 6;
    uint256 private constant RECOGNITIONS_SLOT = 7;
    uint8 private constant SCOPE_ANCHOR = 1;
    uint8 private constant SCOPE_ENDORSE = 2;
    uint8 private constant SCOPE_SUSPEND = 4;
    uint8 private constant SCOPE_REVOKE = 8;
    uint8 private constant DEFAULT_SCOPES = 7;
    /// The scope a call needs from a writer that is not the namespace's issuer (0: issuer only).
    uint8 private _currentScope;
    /// A slot of another namespace the current call may write: an endorsement updates the
    /// anchoring issuer's count of standing endorsements in its anchor record.
    bytes32 private _extraAllowedSlot;
    /// Accepted narrowings that added a scope, and registry scopes beyond what the model granted.
    uint256 public scopeEscalations;

    CredentialRegistry public immutable registry;

    /// Operator windows as the specification says they should be, kept independently of the registry.
    mapping(address issuer => mapping(address operator => uint64 validUntil)) private _modelOperatorUntil;
    mapping(address issuer => mapping(address operator => uint8 scopes)) private _modelScopes;

    /// Accepted calls whose writer was neither the namespace's issuer nor its live operator.
    uint256 public unauthorizedCallsAccepted;
    /// Storage writes that landed in a namespace the writer may not act for, or in no namespace.
    uint256 public writesOutsideNamespace;
    /// The first violation of either kind, to make a failing run readable.
    string public firstViolation;

    struct AnchorGhost {
        bool seen;
        IAnchors.AnchorRecord first;
        bytes32 coIssuersHash;
        bool voidSeen;
        uint16 firstVoidReason;
        /// By actor index; 0 until that actor's first endorsement is seen.
        uint64[ACTOR_COUNT] firstEndorsedAt;
        /// By actor index; 0 until that actor's withdrawal is seen.
        uint64[ACTOR_COUNT] firstWithdrawnAt;
    }

    struct RecognitionGhost {
        bool seen;
        uint64 validFrom;
        uint64 recordedAt;
        bytes32 recordHash;
        uint64 tightestValidUntil;
        uint64 firstWithdrawnAt;
    }

    struct KeyGhost {
        bool registered;
        uint64 validFrom;
        uint64 registeredAt;
        uint64 tightestValidUntil;
        uint64 tightestCompromisedAt;
    }

    // Ghosts by universe index: [actor][root], [actor][key], [actor][list][word].
    AnchorGhost[ROOT_COUNT][ACTOR_COUNT] private _anchorGhosts;
    KeyGhost[KEY_COUNT][ACTOR_COUNT] private _keyGhosts;
    uint256[WORD_COUNT][LIST_COUNT][ACTOR_COUNT] private _revokedEver;
    // [accreditor][issuer]
    RecognitionGhost[ACTOR_COUNT][ACTOR_COUNT] private _recognitionGhosts;

    /// Every registry storage slot the universe can reach, mapped to the index + 1 of the actor
    /// whose namespace holds it (0: a slot no namespace owns).
    mapping(bytes32 slot => uint256 ownerPlusOne) private _slotOwner;

    /// How often each action ran and was accepted, so a test can check the handler does real work.
    mapping(bytes32 action => uint256 count) public calls;
    mapping(bytes32 action => uint256 count) public accepted;

    constructor(CredentialRegistry registry_) {
        registry = registry_;
        _mapSlots();
    }

    // ------------------------------------------------------------------ time

    function warp(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 1, 2 days));
        _count("warp", true);
    }

    // ------------------------------------------------------------------ operators

    function authorizeOperator(uint256 issuerSeed, uint256 operatorSeed, uint256 durationSeed) external {
        address issuer = issuerSeed.actor();
        address operator = operatorSeed.actor();
        uint64 validUntil = uint64(block.timestamp + bound(durationSeed, 1, 3 days));
        bool ok = _write(issuer, issuer, abi.encodeCall(registry.authorizeOperator, (operator, validUntil)), 0);
        if (ok && operator != issuer) {
            _modelOperatorUntil[issuer][operator] = validUntil;
            _modelScopes[issuer][operator] = DEFAULT_SCOPES;
        }
        _count("authorizeOperator", ok);
    }

    /// @param scopesSeed taken modulo 20: every valid set, the empty set and bits outside the four
    function grantOperator(uint256 issuerSeed, uint256 operatorSeed, uint256 durationSeed, uint8 scopesSeed) external {
        address issuer = issuerSeed.actor();
        address operator = operatorSeed.actor();
        uint64 validUntil = uint64(block.timestamp + bound(durationSeed, 1, 3 days));
        uint8 scopes = scopesSeed % 20;
        bool ok = _write(issuer, issuer, abi.encodeCall(registry.grantOperator, (operator, validUntil, scopes)), 0);
        if (ok && operator != issuer) {
            _modelOperatorUntil[issuer][operator] = validUntil;
            _modelScopes[issuer][operator] = scopes;
        }
        _count("grantOperator", ok);
    }

    /// @param scopesSeed taken modulo 17: subsets, supersets and the empty set
    function narrowOperator(uint256 pairSeed, uint8 scopesSeed) external {
        (uint256 issuerIndex, uint256 operatorIndex) = _mostlyExisting(pairSeed, ACTOR_COUNT, _hasLiveOperator);
        address issuer = issuerIndex.actor();
        address operator = operatorIndex.actor();
        uint8 scopes = scopesSeed % 17;
        uint8 before = _modelScopes[issuer][operator];
        bool ok = _write(issuer, issuer, abi.encodeCall(registry.narrowOperator, (operator, scopes)), 0);
        if (ok) {
            if (scopes & ~before != 0) {
                ++scopeEscalations;
                _recordViolation("a narrowing added a scope", issuer, issuer);
            }
            _modelScopes[issuer][operator] = scopes;
        }
        _count("narrowOperator", ok);
    }

    function retireOperator(uint256 pairSeed) external {
        (uint256 issuerIndex, uint256 operatorIndex) = _mostlyExisting(pairSeed, ACTOR_COUNT, _hasLiveOperator);
        address issuer = issuerIndex.actor();
        address operator = operatorIndex.actor();
        bool wasLive = _isLiveInModel(issuer, operator);
        bool ok = _write(issuer, issuer, abi.encodeCall(registry.retireOperator, (operator)), 0);
        if (ok && wasLive) _modelOperatorUntil[issuer][operator] = uint64(block.timestamp);
        _count("retireOperator", ok);
    }

    // ------------------------------------------------------------------ anchors

    function anchor(uint256 writerSeed, uint256 issuerSeed, uint256 rootSeed, uint64 leafCount) external {
        address issuer = issuerSeed.actor();
        uint64 leaves = uint64(bound(leafCount, 0, 4)); // 0 exercises EmptyBatch
        bytes memory data = abi.encodeCall(registry.anchor, (issuer, rootSeed.root(), leaves, "ipfs://batch"));
        _count("anchor", _write(_writerFor(issuer, writerSeed), issuer, data, SCOPE_ANCHOR));
    }

    /// @param variant one in eight lists the issuer itself, one in eight lists a co-issuer twice
    function anchorCoIssued(
        uint256 writerSeed,
        uint256 issuerSeed,
        uint256 rootSeed,
        uint8 coIssuerMask,
        uint8 thresholdSeed,
        uint8 variant
    ) external {
        address issuer = issuerSeed.actor();
        address[] memory coIssuers = _coIssuers(issuer, coIssuerMask, variant % 8 == 0, variant % 8 == 1);
        uint8 threshold = uint8(bound(thresholdSeed, 0, coIssuers.length + 2)); // includes 0 and M > N
        bytes memory data =
            abi.encodeCall(registry.anchorCoIssued, (issuer, rootSeed.root(), 3, "ipfs://co", coIssuers, threshold));
        _count("anchorCoIssued", _write(_writerFor(issuer, writerSeed), issuer, data, SCOPE_ANCHOR));
    }

    /// @param coIssuerSeed mostly picks among the co-issuers the anchor names, sometimes any actor
    function endorse(uint256 writerSeed, uint256 pairSeed, uint256 coIssuerSeed) external {
        (uint256 issuerIndex, uint256 rootIndex) = _mostlyExisting(pairSeed, ROOT_COUNT, _isCoIssued);
        address issuer = issuerIndex.actor();
        bytes32 rootId = rootIndex.root();
        (address[] memory named,) = registry.endorsements(issuer, rootId);
        address coIssuer =
            named.length == 0 || coIssuerSeed % 4 == 0 ? (coIssuerSeed >> 2).actor() : named[(coIssuerSeed >> 2) % named.length];
        bytes memory data = abi.encodeCall(registry.endorse, (issuer, rootId, coIssuer));
        _extraAllowedSlot = _entry(_base(ANCHORS_SLOT, issuer), rootId);
        bool ok = _write(_writerFor(coIssuer, writerSeed), coIssuer, data, SCOPE_ENDORSE);
        _extraAllowedSlot = bytes32(0);
        // The endorsement lives in the co-issuer's namespace but is read through the anchor.
        if (ok) _observeRecords(issuerIndex);
        _count("endorse", ok);
    }

    /// @param coIssuerSeed as {endorse}
    function withdrawEndorsement(uint256 writerSeed, uint256 pairSeed, uint256 coIssuerSeed, uint16 reason) external {
        (uint256 issuerIndex, uint256 rootIndex) = _mostlyExisting(pairSeed, ROOT_COUNT, _isCoIssued);
        address issuer = issuerIndex.actor();
        bytes32 rootId = rootIndex.root();
        (address[] memory named,) = registry.endorsements(issuer, rootId);
        address coIssuer =
            named.length == 0 || coIssuerSeed % 4 == 0 ? (coIssuerSeed >> 2).actor() : named[(coIssuerSeed >> 2) % named.length];
        bytes memory data = abi.encodeCall(registry.withdrawEndorsement, (issuer, rootId, coIssuer, reason));
        _extraAllowedSlot = _entry(_base(ANCHORS_SLOT, issuer), rootId);
        bool ok = _write(_writerFor(coIssuer, writerSeed), coIssuer, data, SCOPE_ENDORSE);
        _extraAllowedSlot = bytes32(0);
        if (ok) _observeRecords(issuerIndex);
        _count("withdrawEndorsement", ok);
    }

    function voidAnchor(uint256 pairSeed, uint16 reason) external {
        (uint256 writerIndex, uint256 rootIndex) = _mostlyExisting(pairSeed, ROOT_COUNT, _isAnchored);
        address writer = writerIndex.actor();
        _count("voidAnchor", _write(writer, writer, abi.encodeCall(registry.voidAnchor, (rootIndex.root(), reason)), 0));
    }

    // ------------------------------------------------------------------ status lists

    /// @param operation 0 revoke, 1 suspend, 2 unsuspend (taken modulo 3)
    function changeWord(
        uint256 writerSeed,
        uint256 issuerSeed,
        uint256 listSeed,
        uint256 wordSeed,
        uint256 maskSeed,
        uint8 operation
    ) external {
        address issuer = issuerSeed.actor();
        uint32 list = listSeed.listId();
        uint256 word = wordSeed.wordIndex();
        // Dense random masks, single bits and the empty mask all matter; the low bits pick one.
        uint256 mask = maskSeed % 4 == 0 ? uint256(1) << (maskSeed >> 248) : maskSeed % 4 == 1 ? 0 : maskSeed;
        bytes memory data;
        if (operation % 3 == 0) data = abi.encodeCall(registry.revokeWord, (issuer, list, word, mask, 1));
        else if (operation % 3 == 1) data = abi.encodeCall(registry.suspendWord, (issuer, list, word, mask, 2));
        else data = abi.encodeCall(registry.unsuspendWord, (issuer, list, word, mask, 3));
        uint8 scope = operation % 3 == 0 ? SCOPE_REVOKE : SCOPE_SUSPEND;
        _count("changeWord", _write(_writerFor(issuer, writerSeed), issuer, data, scope));
    }

    /// @param indexSeeds each becomes an index in one of the universe's words, or past the end of the list
    function changeIndices(
        uint256 writerSeed,
        uint256 issuerSeed,
        uint256 listSeed,
        uint256[] calldata indexSeeds,
        uint8 operation
    ) external {
        address issuer = issuerSeed.actor();
        uint32 list = listSeed.listId();
        uint256 length = indexSeeds.length > 8 ? 8 : indexSeeds.length;
        uint32[] memory indices = new uint32[](length);
        for (uint256 i = 0; i < length; ++i) {
            uint256 seed = indexSeeds[i];
            // One in 64 lies past the end of the list; the rest land in the universe's words.
            indices[i] = seed % 64 == 63
                ? uint32(LIST_WORDS * 256 + (seed >> 8) % 1000)
                : uint32((seed >> 8).wordIndex() * 256 + (seed >> 16) % 256);
        }
        bytes memory data;
        if (operation % 3 == 0) data = abi.encodeCall(registry.revokeIndices, (issuer, list, indices, 1));
        else if (operation % 3 == 1) data = abi.encodeCall(registry.suspendIndices, (issuer, list, indices, 2));
        else data = abi.encodeCall(registry.unsuspendIndices, (issuer, list, indices, 3));
        uint8 scope = operation % 3 == 0 ? SCOPE_REVOKE : SCOPE_SUSPEND;
        _count("changeIndices", _write(_writerFor(issuer, writerSeed), issuer, data, scope));
    }

    // ------------------------------------------------------------------ signing keys

    function registerKey(uint256 writerSeed, uint256 keySeed, uint256 fromSeed, uint256 untilSeed) external {
        address writer = writerSeed.actor();
        uint64 validFrom = _time(fromSeed);
        uint64 validUntil = untilSeed % 5 == 0 ? NO_END : _time(untilSeed >> 8);
        bytes memory data = abi.encodeCall(registry.registerKey, (keySeed.key(), validFrom, validUntil));
        _count("registerKey", _write(writer, writer, data, 0));
    }

    function shortenKeyValidity(uint256 pairSeed, uint256 untilSeed) external {
        (uint256 writerIndex, uint256 keyIndex) = _mostlyExisting(pairSeed, KEY_COUNT, _isRegistered);
        address writer = writerIndex.actor();
        bytes32 id = keyIndex.key();
        uint64 currentEnd = registry.keyRecord(writer, id).validUntil;
        // Times around now (where windows start and end, 0 included), or anywhere up to just past the current end.
        uint64 validUntil = untilSeed % 3 != 0 || currentEnd == NO_END
            ? _time(untilSeed >> 2)
            : uint64(bound(untilSeed >> 2, 0, uint256(currentEnd) + 1));
        _count("shortenKeyValidity", _write(writer, writer, abi.encodeCall(registry.shortenKeyValidity, (id, validUntil)), 0));
    }

    function markKeyCompromised(uint256 pairSeed, uint256 atSeed) external {
        (uint256 writerIndex, uint256 keyIndex) = _mostlyExisting(pairSeed, KEY_COUNT, _isRegistered);
        address writer = writerIndex.actor();
        bytes32 id = keyIndex.key();
        uint64 at = atSeed % 7 == 0 ? 0 : _time(atSeed >> 8);
        _count("markKeyCompromised", _write(writer, writer, abi.encodeCall(registry.markKeyCompromised, (id, at)), 0));
    }

    // ------------------------------------------------------------------ accreditations

    function recogniseIssuer(uint256 accreditorSeed, uint256 issuerSeed, uint256 fromSeed, uint256 untilSeed, uint8 hashSeed)
        external
    {
        address accreditor = accreditorSeed.actor();
        address issuer = issuerSeed.actor(); // sometimes the accreditor itself: refused
        uint64 validFrom = _time(fromSeed);
        uint64 validUntil = untilSeed % 5 == 0 ? NO_END : _time(untilSeed >> 8);
        bytes32 recordHash = hashSeed % 8 == 0 ? bytes32(0) : keccak256(abi.encode("record", hashSeed));
        bytes memory data = abi.encodeCall(registry.recogniseIssuer, (issuer, validFrom, validUntil, recordHash, "ipfs://record"));
        _count("recogniseIssuer", _write(accreditor, accreditor, data, 0));
    }

    function shortenRecognition(uint256 pairSeed, uint256 untilSeed) external {
        (uint256 accreditorIndex, uint256 issuerIndex) = _mostlyExisting(pairSeed, ACTOR_COUNT, _isRecognised);
        address accreditor = accreditorIndex.actor();
        address issuer = issuerIndex.actor();
        uint64 currentEnd = registry.recognition(accreditor, issuer).validUntil;
        uint64 validUntil = untilSeed % 3 != 0 || currentEnd == NO_END
            ? _time(untilSeed >> 2)
            : uint64(bound(untilSeed >> 2, 0, uint256(currentEnd) + 1));
        bytes memory data = abi.encodeCall(registry.shortenRecognition, (issuer, validUntil));
        _count("shortenRecognition", _write(accreditor, accreditor, data, 0));
    }

    function withdrawRecognition(uint256 pairSeed, uint16 reason) external {
        (uint256 accreditorIndex, uint256 issuerIndex) = _mostlyExisting(pairSeed, ACTOR_COUNT, _isRecognised);
        address accreditor = accreditorIndex.actor();
        bytes memory data = abi.encodeCall(registry.withdrawRecognition, (issuerIndex.actor(), reason));
        _count("withdrawRecognition", _write(accreditor, accreditor, data, 0));
    }

    // ------------------------------------------------------------------ ghost state for the invariants

    function anchorGhosts() external view returns (AnchorGhost[ROOT_COUNT][ACTOR_COUNT] memory) {
        return _anchorGhosts;
    }

    function keyGhosts() external view returns (KeyGhost[KEY_COUNT][ACTOR_COUNT] memory) {
        return _keyGhosts;
    }

    function recognitionGhosts() external view returns (RecognitionGhost[ACTOR_COUNT][ACTOR_COUNT] memory) {
        return _recognitionGhosts;
    }

    /// The scopes the specification granted `operator` in `issuer`'s namespace.
    function modelScopes(address issuer, address operator) external view returns (uint8) {
        return _modelScopes[issuer][operator];
    }

    /// Every bit ever seen set in the universe's revocation words.
    function revokedEver() external view returns (uint256[WORD_COUNT][LIST_COUNT][ACTOR_COUNT] memory) {
        return _revokedEver;
    }

    // ------------------------------------------------------------------ internals

    /// @dev Sends `data` as `writer`, whose write is meant for `namespace`, and counts every
    /// storage slot it wrote outside what the writer may touch. Returns whether the call succeeded.
    function _write(address writer, address namespace, bytes memory data, uint8 scope) private returns (bool ok) {
        _currentScope = scope;
        vm.record();
        vm.prank(writer);
        (ok,) = address(registry).call(data);
        (, bytes32[] memory written) = vm.accesses(address(registry));
        vm.stopRecord(); // recording slows every later call down, the invariant checks included
        if (!ok) return false; // a reverted call leaves no state behind

        if (!_mayActFor(namespace, writer)) {
            ++unauthorizedCallsAccepted;
            _recordViolation("call accepted from a writer with no right to the namespace", writer, namespace);
        }
        bool[ACTOR_COUNT] memory touched;
        for (uint256 i = 0; i < written.length; ++i) {
            if (written[i] == _extraAllowedSlot) continue;
            uint256 ownerPlusOne = _slotOwner[written[i]];
            if (ownerPlusOne == 0) {
                ++writesOutsideNamespace;
                _recordViolation("wrote a slot outside every namespace (or the storage layout changed)", writer, writer);
                continue;
            }
            address owner = (ownerPlusOne - 1).actor();
            touched[ownerPlusOne - 1] = true;
            if (!_mayActFor(owner, writer)) {
                ++writesOutsideNamespace;
                _recordViolation("wrote in a namespace the writer may not act for", writer, owner);
            }
        }
        for (uint256 a = 0; a < ACTOR_COUNT; ++a) {
            if (touched[a]) {
                _observeRecords(a);
                _observeRevocations(a);
                _observeRecognitions(a);
            }
        }
    }

    /// @dev Picks an (actor, item) pair: three times in four one for which `exists` holds, when
    /// there is one, so changes to existing records are frequent; otherwise any pair.
    function _mostlyExisting(uint256 seed, uint256 itemCount, function(uint256, uint256) view returns (bool) exists)
        private
        view
        returns (uint256 actorIndex, uint256 item)
    {
        uint256 pairs = ACTOR_COUNT * itemCount;
        uint256 start = (seed >> 2) % pairs;
        if (seed % 4 != 0) {
            for (uint256 i = 0; i < pairs; ++i) {
                uint256 pair = (start + i) % pairs;
                if (exists(pair / itemCount, pair % itemCount)) return (pair / itemCount, pair % itemCount);
            }
        }
        return (start / itemCount, start % itemCount);
    }

    function _hasLiveOperator(uint256 issuerIndex, uint256 operatorIndex) private view returns (bool) {
        return _isLiveInModel(issuerIndex.actor(), operatorIndex.actor());
    }

    function _isAnchored(uint256 issuerIndex, uint256 rootIndex) private view returns (bool) {
        return registry.anchorRecord(issuerIndex.actor(), rootIndex.root()).anchoredAt != 0;
    }

    function _isCoIssued(uint256 issuerIndex, uint256 rootIndex) private view returns (bool) {
        return registry.anchorRecord(issuerIndex.actor(), rootIndex.root()).coIssuerCount != 0;
    }

    function _isRecognised(uint256 accreditorIndex, uint256 issuerIndex) private view returns (bool) {
        return registry.recognition(accreditorIndex.actor(), issuerIndex.actor()).validUntil != 0;
    }

    function _isRegistered(uint256 issuerIndex, uint256 keyIndex) private view returns (bool) {
        return registry.keyRecord(issuerIndex.actor(), keyIndex.key()).validUntil != 0;
    }

    /// Half the time the namespace's own issuer; otherwise any actor.
    function _writerFor(address namespace, uint256 seed) private pure returns (address) {
        return seed % 2 == 0 ? namespace : (seed >> 1).actor();
    }

    /// Whether, by the specification, `writer` may make the current call in `issuer`'s namespace
    /// now: it is the issuer, or a live operator holding the call's scope.
    function _mayActFor(address issuer, address writer) private view returns (bool) {
        if (writer == issuer) return true;
        uint8 scope = _currentScope;
        return scope != 0 && _isLiveInModel(issuer, writer) && _modelScopes[issuer][writer] & scope == scope;
    }

    function _isLiveInModel(address issuer, address operator) private view returns (bool) {
        return block.timestamp < _modelOperatorUntil[issuer][operator];
    }

    /// @dev Folds the anchors (with endorsements) and keys of actor `a` into the ghosts: first
    /// records are kept as first seen, key windows keep their tightest ends. One call.
    function _observeRecords(uint256 a) private {
        address issuer = a.actor();
        // ROOT_COUNT >= KEY_COUNT, so one query per root also covers every key.
        IVerifierViews.Query[] memory queries = new IVerifierViews.Query[](ROOT_COUNT);
        for (uint256 i = 0; i < ROOT_COUNT; ++i) {
            queries[i] = IVerifierViews.Query(issuer, i.root(), i < KEY_COUNT ? i.key() : bytes32(0), 0, 0);
        }
        (,, IVerifierViews.AnswerV2[] memory answers) = registry.verificationDataV2(queries, new address[](0));
        for (uint256 r = 0; r < ROOT_COUNT; ++r) _observeAnchor(_anchorGhosts[a][r], answers[r]);
        for (uint256 k = 0; k < KEY_COUNT; ++k) _observeKey(_keyGhosts[a][k], answers[k].key);
    }

    /// @dev ORs actor `a`'s live revocation words into the ghost.
    function _observeRevocations(uint256 a) private {
        address issuer = a.actor();
        for (uint256 l = 0; l < LIST_COUNT; ++l) {
            for (uint256 w = 0; w < WORD_COUNT; ++w) {
                uint256[] memory bits =
                    registry.statusWords(issuer, l.listId(), IStatusLists.StatusPurpose.Revocation, w.wordIndex(), 1);
                _revokedEver[a][l][w] |= bits[0];
            }
        }
    }

    /// @dev Folds accreditor `a`'s recognitions into the ghosts: first values, tightest end, first withdrawal.
    function _observeRecognitions(uint256 a) private {
        for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
            IAccreditations.Recognition memory entry = registry.recognition(a.actor(), i.actor());
            RecognitionGhost storage ghost = _recognitionGhosts[a][i];
            if (!ghost.seen) {
                if (entry.validUntil == 0) continue;
                ghost.seen = true;
                ghost.validFrom = entry.validFrom;
                ghost.recordedAt = entry.recordedAt;
                ghost.recordHash = entry.recordHash;
                ghost.tightestValidUntil = entry.validUntil;
            }
            if (entry.validUntil != 0 && entry.validUntil < ghost.tightestValidUntil) ghost.tightestValidUntil = entry.validUntil;
            if (ghost.firstWithdrawnAt == 0 && entry.withdrawnAt != 0) ghost.firstWithdrawnAt = entry.withdrawnAt;
        }
    }

    function _observeAnchor(AnchorGhost storage ghost, IVerifierViews.AnswerV2 memory answer) private {
        IAnchors.AnchorRecord memory record = answer.anchor;
        if (!ghost.seen && record.anchoredAt != 0) {
            ghost.seen = true;
            ghost.first = record;
            ghost.coIssuersHash = keccak256(abi.encode(answer.coIssuers));
        }
        if (ghost.seen && !ghost.voidSeen && record.voided) {
            ghost.voidSeen = true;
            ghost.firstVoidReason = record.voidReason;
        }
        for (uint256 c = 0; c < answer.coIssuers.length; ++c) {
            uint256 endorser = Universe.actorIndex(answer.coIssuers[c]);
            if (endorser < ACTOR_COUNT && ghost.firstEndorsedAt[endorser] == 0) {
                ghost.firstEndorsedAt[endorser] = answer.endorsements[c].endorsedAt;
            }
            if (endorser < ACTOR_COUNT && ghost.firstWithdrawnAt[endorser] == 0) {
                ghost.firstWithdrawnAt[endorser] = answer.endorsements[c].withdrawnAt;
            }
        }
    }

    function _observeKey(KeyGhost storage ghost, ISigningKeys.KeyRecord memory record) private {
        if (!ghost.registered) {
            if (record.validUntil == 0) return;
            ghost.registered = true;
            ghost.validFrom = record.validFrom;
            ghost.registeredAt = record.registeredAt;
            ghost.tightestValidUntil = record.validUntil;
        }
        if (record.validUntil != 0 && record.validUntil < ghost.tightestValidUntil) {
            ghost.tightestValidUntil = record.validUntil;
        }
        if (
            record.compromisedAt != 0
                && (ghost.tightestCompromisedAt == 0 || record.compromisedAt < ghost.tightestCompromisedAt)
        ) ghost.tightestCompromisedAt = record.compromisedAt;
    }

    /// @dev Computes the slot of every entry the universe can write, from the registry's storage
    /// layout (`node scripts/forge.js inspect CredentialRegistry storageLayout`): one mapping in
    /// each of slots 1..7, each keyed first by the namespace's address. Solidity places `m[k]` at
    /// keccak256(k . slot(m)) and a dynamic array's items from keccak256(slot of the array) on.
    /// A layout change shows up as writes to unknown slots, never as a silent pass.
    function _mapSlots() private {
        for (uint256 a = 0; a < ACTOR_COUNT; ++a) {
            address owner = a.actor();
            uint256 tag = a + 1;
            for (uint256 o = 0; o < ACTOR_COUNT; ++o) {
                _slotOwner[_entry(_base(OPERATORS_SLOT, owner), o.actor())] = tag; // _operators[owner][operator]
            }
            for (uint256 r = 0; r < ROOT_COUNT; ++r) {
                _slotOwner[_entry(_base(ANCHORS_SLOT, owner), r.root())] = tag; // _anchors[owner][root]
                bytes32 named = _entry(_base(CO_ISSUERS_SLOT, owner), r.root()); // _coIssuers[owner][root][position]
                for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
                    _slotOwner[_entry(named, i)] = tag; // by position, no length slot
                    // _endorsements[owner as co-issuer][issuer][root]
                    _slotOwner[_entry(_entry(_base(ENDORSEMENTS_SLOT, owner), i.actor()), r.root())] = tag;
                }
            }
            for (uint256 k = 0; k < KEY_COUNT; ++k) {
                _slotOwner[_entry(_base(KEYS_SLOT, owner), k.key())] = tag; // _keys[owner][key]
            }
            for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
                // _recognitions[owner as accreditor][issuer]: 4 slots (window, recordedAt, hash, short URI)
                bytes32 entry = _entry(_base(RECOGNITIONS_SLOT, owner), i.actor());
                for (uint256 k = 0; k < 4; ++k) _slotOwner[bytes32(uint256(entry) + k)] = tag;
            }
            for (uint256 l = 0; l < LIST_COUNT; ++l) {
                for (uint256 p = 0; p < 2; ++p) {
                    bytes32 bitmap = _entry(_entry(_base(STATUS_WORDS_SLOT, owner), uint256(l.listId())), p);
                    for (uint256 w = 0; w < WORD_COUNT; ++w) {
                        _slotOwner[_entry(bitmap, w.wordIndex())] = tag; // _statusWords[owner][list][purpose][word]
                    }
                }
            }
        }
    }

    /// The slot of namespace `owner` in the mapping declared at `slot`.
    function _base(uint256 slot, address owner) private pure returns (bytes32) {
        return keccak256(abi.encode(owner, slot));
    }

    function _entry(bytes32 slot, address mapKey) private pure returns (bytes32) {
        return keccak256(abi.encode(mapKey, slot));
    }

    function _entry(bytes32 slot, bytes32 mapKey) private pure returns (bytes32) {
        return keccak256(abi.encode(mapKey, slot));
    }

    function _entry(bytes32 slot, uint256 mapKey) private pure returns (bytes32) {
        return keccak256(abi.encode(mapKey, slot));
    }

    /// @dev The actors of `mask` other than `issuer`, plus `issuer` itself or a repeat of the
    /// first co-issuer when asked (each must be refused).
    function _coIssuers(address issuer, uint8 mask, bool withIssuer, bool withRepeat)
        private
        pure
        returns (address[] memory coIssuers)
    {
        coIssuers = new address[](ACTOR_COUNT + 1);
        uint256 count = 0;
        for (uint256 i = 0; i < ACTOR_COUNT; ++i) {
            if (mask & (1 << i) != 0 && i.actor() != issuer) coIssuers[count++] = i.actor();
        }
        if (withIssuer) coIssuers[count++] = issuer;
        else if (withRepeat && count > 0) coIssuers[count++] = coIssuers[0];
        assembly ("memory-safe") {
            mstore(coIssuers, count) // shorten the array to the entries written
        }
    }

    /// @dev Times from a small set around now, so windows start, end and collide on the same seconds.
    function _time(uint256 seed) private view returns (uint64) {
        uint256 choice = seed % 6;
        if (choice == 0) return 0;
        if (choice == 1) return uint64(block.timestamp);
        if (choice == 2) return uint64(block.timestamp - 1 days);
        if (choice == 3) return uint64(block.timestamp + 1 days);
        return uint64(block.timestamp + bound(seed >> 8, 1, 30 days));
    }

    function _count(bytes32 action, bool ok) private {
        ++calls[action];
        if (ok) ++accepted[action];
    }

    function _recordViolation(string memory what, address writer, address namespace) private {
        if (bytes(firstViolation).length != 0) return;
        firstViolation = string.concat(what, ": writer ", _actorName(writer), ", namespace ", _actorName(namespace));
    }

    /// @dev "actor 0" .. "actor 4": the cast is small enough for one digit.
    function _actorName(address account) private pure returns (string memory) {
        bytes memory name = "actor 0";
        name[6] = bytes1(uint8(48 + Universe.actorIndex(account)));
        return string(name);
    }
}
