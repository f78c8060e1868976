/**
 * Scoped operators (issue 12, item 1): an operator writes only with the scopes its issuer gave it,
 * never gains one by itself, and every write it makes is named by OperatorActed.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import {
  ALL_SCOPES,
  DAY,
  DEFAULT_SCOPES,
  SCOPE_ANCHOR,
  SCOPE_ENDORSE,
  SCOPE_REVOKE,
  SCOPE_SUSPEND,
  deployWithAnchors,
  deployWithOperators,
  rootOf,
} from "./fixtures";

const MAX_UINT256 = 2n ** 256n - 1n;

/** The cast, with `operator` authorised the way the server does it: authorizeOperator, default scopes. */
async function deployWithDefaultOperator() {
  const cast = await deployWithAnchors();
  const validUntil = (await time.latest()) + 30 * DAY;
  await cast.registry.connect(cast.issuer).authorizeOperator(cast.operator, validUntil);
  await cast.registry.connect(cast.coIssuerA).authorizeOperator(cast.coOperator, validUntil);
  return { ...cast, validUntil };
}

describe("scoped operators: the default grant (what the server's hot key gets)", () => {
  it("gives anchor + endorse + suspend, not revoke", async () => {
    const { registry, issuer, operator } = await loadFixture(deployWithDefaultOperator);
    expect(await registry.operatorScopes(issuer, operator)).to.equal(DEFAULT_SCOPES);
    expect(DEFAULT_SCOPES).to.equal(SCOPE_ANCHOR | SCOPE_ENDORSE | SCOPE_SUSPEND);
    for (const [scope, allowed] of [[SCOPE_ANCHOR, true], [SCOPE_ENDORSE, true], [SCOPE_SUSPEND, true], [SCOPE_REVOKE, false]] as const) {
      expect(await registry.canActForScope(issuer, operator, scope)).to.equal(allowed);
    }
  });

  it("a leaked default key cannot revoke, by word or by index, and leaves the list untouched", async () => {
    const { registry, issuer, operator } = await loadFixture(deployWithDefaultOperator);
    await expect(registry.connect(operator).revokeWord(issuer, 1, 0, MAX_UINT256, 0))
      .to.be.revertedWithCustomError(registry, "MissingScope")
      .withArgs(issuer.address, operator.address, SCOPE_REVOKE);
    await expect(registry.connect(operator).revokeIndices(issuer, 1, [0, 1, 2], 0))
      .to.be.revertedWithCustomError(registry, "MissingScope")
      .withArgs(issuer.address, operator.address, SCOPE_REVOKE);
    expect(await registry.statusWords(issuer, 1, 0, 0, 1)).to.deep.equal([0n]);
  });

  it("lets the default key anchor, suspend and unsuspend, each write named by OperatorActed", async () => {
    const { registry, issuer, operator } = await loadFixture(deployWithDefaultOperator);
    const anchorTx = registry.connect(operator).anchor(issuer, rootOf("hot key"), 3n, "");
    await expect(anchorTx)
      .to.emit(registry, "OperatorActed")
      .withArgs(issuer.address, operator.address, registry.interface.getFunction("anchor").selector);
    await expect(registry.connect(operator).suspendWord(issuer, 1, 0, 6n, 4))
      .to.emit(registry, "OperatorActed")
      .withArgs(issuer.address, operator.address, registry.interface.getFunction("suspendWord").selector);
    await expect(registry.connect(operator).unsuspendIndices(issuer, 1, [1], 4))
      .to.emit(registry, "OperatorActed")
      .withArgs(issuer.address, operator.address, registry.interface.getFunction("unsuspendIndices").selector);
    expect(await registry.statusWords(issuer, 1, 1, 0, 1)).to.deep.equal([4n]);
  });

  it("the issuer's own writes emit no OperatorActed", async () => {
    const { registry, issuer } = await loadFixture(deployWithDefaultOperator);
    await expect(registry.connect(issuer).anchor(issuer, rootOf("by issuer"), 3n, "")).not.to.emit(registry, "OperatorActed");
    await expect(registry.connect(issuer).revokeWord(issuer, 1, 0, 1n, 0)).not.to.emit(registry, "OperatorActed");
  });
});

describe("scoped operators: each scope alone", () => {
  const writes = [
    ["anchor", SCOPE_ANCHOR],
    ["anchorCoIssued", SCOPE_ANCHOR],
    ["anchorMany", SCOPE_ANCHOR],
    ["endorse", SCOPE_ENDORSE],
    ["suspendWord", SCOPE_SUSPEND],
    ["unsuspendIndices", SCOPE_SUSPEND],
    ["revokeWord", SCOPE_REVOKE],
    ["revokeIndices", SCOPE_REVOKE],
  ] as const;

  for (const granted of [SCOPE_ANCHOR, SCOPE_ENDORSE, SCOPE_SUSPEND, SCOPE_REVOKE]) {
    it(`an operator holding only scope ${granted} can make exactly the writes of that scope`, async () => {
      const cast = await loadFixture(deployWithOperators);
      const { registry, issuer, coIssuerA, coIssuerB, stranger } = cast;
      // `stranger` is the scoped operator of issuer (for writes) and of co-issuer A (for endorsing).
      const until = (await time.latest()) + DAY;
      await registry.connect(issuer).grantOperator(stranger, until, granted);
      await registry.connect(coIssuerA).grantOperator(stranger, until, granted);
      const joint = rootOf(`joint ${granted}`);
      await registry.connect(issuer).anchorCoIssued(issuer, joint, 1n, "", [coIssuerA.address, coIssuerB.address], 2);
      const as = registry.connect(stranger);
      const call = {
        anchor: () => as.anchor(issuer, rootOf(`a ${granted}`), 1n, ""),
        anchorCoIssued: () => as.anchorCoIssued(issuer, rootOf(`c ${granted}`), 1n, "", [coIssuerA.address], 2),
        anchorMany: () => as.anchorMany([{ issuer: issuer.address, root: rootOf(`m ${granted}`), leafCount: 1n }]),
        endorse: () => as.endorse(issuer, joint, coIssuerA),
        suspendWord: () => as.suspendWord(issuer, 2, 0, 1n, 0),
        unsuspendIndices: () => as.unsuspendIndices(issuer, 2, [0], 0),
        revokeWord: () => as.revokeWord(issuer, 2, 0, 1n, 0),
        revokeIndices: () => as.revokeIndices(issuer, 2, [3], 0),
      };
      for (const [name, scope] of writes) {
        const party = name === "endorse" ? coIssuerA.address : issuer.address;
        if (scope === granted) {
          await expect(call[name](), name).not.to.be.reverted;
        } else {
          await expect(call[name](), name)
            .to.be.revertedWithCustomError(registry, "MissingScope")
            .withArgs(party, stranger.address, scope);
        }
      }
    });
  }
});

describe("scoped operators: granting, narrowing, no escalation", () => {
  it("grants an explicit scope set and reports it", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const until = (await time.latest()) + DAY;
    await expect(registry.connect(issuer).grantOperator(stranger, until, SCOPE_ANCHOR | SCOPE_REVOKE))
      .to.emit(registry, "OperatorAuthorized")
      .withArgs(issuer.address, stranger.address, until, SCOPE_ANCHOR | SCOPE_REVOKE);
    expect(await registry.operatorScopes(issuer, stranger)).to.equal(9);
  });

  it("rejects an empty scope set and bits outside the four scopes", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const until = (await time.latest()) + DAY;
    for (const scopes of [0, 16, 0x80, 0xff]) {
      await expect(registry.connect(issuer).grantOperator(stranger, until, scopes))
        .to.be.revertedWithCustomError(registry, "InvalidScopes")
        .withArgs(scopes);
    }
    expect(await registry.operatorValidUntil(issuer, stranger)).to.equal(0);
  });

  it("narrows to a subset, and the dropped scope is refused from then on", async () => {
    const { registry, issuer, operator } = await loadFixture(deployWithOperators);
    await expect(registry.connect(issuer).narrowOperator(operator, SCOPE_ANCHOR))
      .to.emit(registry, "OperatorScopesNarrowed")
      .withArgs(issuer.address, operator.address, SCOPE_ANCHOR);
    await expect(registry.connect(operator).suspendWord(issuer, 1, 0, 1n, 0))
      .to.be.revertedWithCustomError(registry, "MissingScope")
      .withArgs(issuer.address, operator.address, SCOPE_SUSPEND);
    await expect(registry.connect(operator).anchor(issuer, rootOf("still"), 1n, "")).not.to.be.reverted;
  });

  it("refuses narrowing that would add a scope, and to nothing", async () => {
    const { registry, issuer, operator } = await loadFixture(deployWithOperators);
    await registry.connect(issuer).narrowOperator(operator, SCOPE_ANCHOR | SCOPE_SUSPEND);
    await expect(registry.connect(issuer).narrowOperator(operator, SCOPE_ANCHOR | SCOPE_REVOKE))
      .to.be.revertedWithCustomError(registry, "ScopeEscalation")
      .withArgs(operator.address, SCOPE_ANCHOR | SCOPE_SUSPEND, SCOPE_ANCHOR | SCOPE_REVOKE);
    await expect(registry.connect(issuer).narrowOperator(operator, ALL_SCOPES))
      .to.be.revertedWithCustomError(registry, "ScopeEscalation")
      .withArgs(operator.address, SCOPE_ANCHOR | SCOPE_SUSPEND, ALL_SCOPES);
    await expect(registry.connect(issuer).narrowOperator(operator, 0))
      .to.be.revertedWithCustomError(registry, "InvalidScopes")
      .withArgs(0);
    expect(await registry.operatorScopes(issuer, operator)).to.equal(SCOPE_ANCHOR | SCOPE_SUSPEND);
  });

  it("refuses narrowing an operator that is not live (expired, retired, never authorised)", async () => {
    const { registry, issuer, expiredOperator, retiredOperator, stranger } = await loadFixture(deployWithOperators);
    for (const who of [expiredOperator, retiredOperator, stranger]) {
      await expect(registry.connect(issuer).narrowOperator(who, SCOPE_ANCHOR))
        .to.be.revertedWithCustomError(registry, "OperatorNotLive")
        .withArgs(issuer.address, who.address);
    }
  });

  it("an operator cannot widen itself: narrowing and granting look in the sender's own namespace", async () => {
    const { registry, issuer, operator } = await loadFixture(deployWithDefaultOperator);
    // The operator "narrows" itself under its own namespace, where it is nobody's operator.
    await expect(registry.connect(operator).narrowOperator(operator, SCOPE_REVOKE))
      .to.be.revertedWithCustomError(registry, "OperatorNotLive")
      .withArgs(operator.address, operator.address);
    await expect(registry.connect(operator).grantOperator(operator, (await time.latest()) + DAY, ALL_SCOPES))
      .to.be.revertedWithCustomError(registry, "InvalidOperator")
      .withArgs(operator.address);
    expect(await registry.operatorScopes(issuer, operator)).to.equal(DEFAULT_SCOPES);
    expect(await registry.canActForScope(issuer, operator, SCOPE_REVOKE)).to.equal(false);
  });

  it("answers canActForScope false for expired, retired, strangers, another issuer's operator and scope 0", async () => {
    const { registry, issuer, operator, expiredOperator, retiredOperator, stranger, otherOperator } =
      await loadFixture(deployWithOperators);
    for (const who of [expiredOperator, retiredOperator, stranger, otherOperator]) {
      expect(await registry.canActForScope(issuer, who, SCOPE_ANCHOR)).to.equal(false);
    }
    expect(await registry.canActForScope(issuer, operator, 0)).to.equal(false);
    expect(await registry.canActForScope(issuer, issuer, SCOPE_REVOKE)).to.equal(true);
    expect(await registry.canActForScope(issuer, issuer, 16)).to.equal(false);
  });

  it("refuses expired, retired, stranger and another issuer's operator with NotIssuerOrOperator before any scope test", async () => {
    const { registry, issuer, expiredOperator, retiredOperator, stranger, otherOperator } = await loadFixture(deployWithOperators);
    for (const who of [expiredOperator, retiredOperator, stranger, otherOperator]) {
      await expect(registry.connect(who).suspendWord(issuer, 1, 0, 1n, 0))
        .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
        .withArgs(issuer.address, who.address);
    }
  });
});
