/**
 * The digitalbazaar Data Integrity stack (@digitalbazaar/vc 7, data-integrity 2,
 * eddsa-rdfc-2022-cryptosuite 1, jsonld-signatures, and jsonld under them), required on first
 * use. The fast path (./fast) needs none of it: a CLI run whose documents all stay on the fast
 * path skips ~100 ms of module loading. The packages are untyped (core/vendor.d.ts); only
 * ./digitalbazaar.ts and the fast path's fallbacks reach into them.
 */
/* eslint-disable @typescript-eslint/no-require-imports */

export interface ReferenceStack {
  vc: typeof import("@digitalbazaar/vc");
  // The packages are declared untyped (core/vendor.d.ts): their members are `any`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  DataIntegrityProof: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  eddsaRdfc2022Cryptosuite: any;
  jsigs: typeof import("jsonld-signatures");
}

let loaded: ReferenceStack | undefined;

export function referenceStack(): ReferenceStack {
  return (loaded ??= {
    vc: require("@digitalbazaar/vc"),
    DataIntegrityProof: require("@digitalbazaar/data-integrity").DataIntegrityProof,
    eddsaRdfc2022Cryptosuite: require("@digitalbazaar/eddsa-rdfc-2022-cryptosuite").cryptosuite,
    jsigs: require("jsonld-signatures"),
  });
}
