// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {VerifierViews} from "./modules/VerifierViews.sol";

/// @title CredentialRegistry
/// @notice One registry per chain for any number of credential issuers. No owner, no proxy, no
/// admin: every issuer is an address with its own namespace of operators (IOperators), signing
/// keys (ISigningKeys), anchors and co-issuance (IAnchors) and status lists (IStatusLists), and
/// which issuers to trust is the verifier's policy. Verifiers read it through IVerifierViews.
/// @dev The modules are abstract contracts, one per interface; this contract only composes them.
contract CredentialRegistry is VerifierViews {}
