/**
 * The leaf of a credential is computed only where an anchor proof needs it, and a leaf that
 * cannot be computed still fails the inclusion step (fail closed), never skips it.
 */
import { expect } from "chai";
import { credentialLeaf } from "../../../core/proof/digest";
import { readCredentialFacts } from "../../../core/verify/credentialFacts";
import { inclusionStep } from "../../../core/verify/offlineSteps";
import { clone, readGoldenVector } from "../proof/support";

const golden = readGoldenVector("anchor-proof-v1.json");

describe("credential facts: the leaf", () => {
  it("is computed for a credential with an anchor proof, and its inclusion checked against the path", () => {
    const anchored = clone(golden.anchoredCredential) as Record<string, unknown>;
    const facts = readCredentialFacts(anchored);
    expect(facts.leaf).to.equal(credentialLeaf(anchored));
    expect(inclusionStep(facts).status).to.equal("ok");
  });

  it("is not computed for a credential without one (a CLR envelope of 1,000 badges is not hashed whole), whose inclusion is skipped", () => {
    const signed = clone(golden.credential) as Record<string, unknown>;
    const facts = readCredentialFacts(signed);
    expect(facts.leaf).to.equal(undefined);
    expect(facts.leafError).to.equal(undefined);
    expect(inclusionStep(facts).status).to.equal("skipped");
  });

  it("fails inclusion, naming why, when an anchored credential holds a value the leaf cannot be made of", () => {
    const anchored = clone(golden.anchoredCredential) as Record<string, unknown>;
    anchored.name = "Solidity \ud800"; // a lone surrogate: no JCS form, so no leaf
    const facts = readCredentialFacts(anchored);
    expect(facts.leaf).to.equal(undefined);
    expect(facts.leafError).to.match(/lone UTF-16 surrogate/);
    const step = inclusionStep(facts);
    expect(step.status).to.equal("failed");
    expect(step.message).to.match(/leaf cannot be computed/);
  });

  it("fails inclusion when the credential was changed after anchoring (the leaf no longer leads to the root)", () => {
    const anchored = clone(golden.anchoredCredential) as Record<string, unknown>;
    anchored.name = "Solidity 999";
    expect(inclusionStep(readCredentialFacts(anchored)).status).to.equal("failed");
  });
});
