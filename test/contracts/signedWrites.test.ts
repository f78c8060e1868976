/**
 * Signed writes (issue 12, item 2): a relayer sends the issuer's (or a scoped operator's) EIP-712
 * signature; bad, expired, replayed, out-of-scope, cross-registry signatures are refused, and a
 * Safe-like contract issuer signs through ERC-1271.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { CredentialRegistry } from "../../typechain-types";
import { DAY, SCOPE_ANCHOR, SCOPE_REVOKE, SCOPE_SUSPEND, deployWithOperators, rootOf } from "./fixtures";

const ANCHOR_TYPES = {
  AnchorRoot: [
    { name: "issuer", type: "address" },
    { name: "root", type: "bytes32" },
    { name: "leafCount", type: "uint64" },
    { name: "uri", type: "string" },
    { name: "signer", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
const STATUS_TYPES = {
  StatusChange: [
    { name: "issuer", type: "address" },
    { name: "listId", type: "uint32" },
    { name: "action", type: "uint8" },
    { name: "wordIndex", type: "uint256" },
    { name: "mask", type: "uint256" },
    { name: "reason", type: "uint16" },
    { name: "signer", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

async function domainOf(registry: CredentialRegistry) {
  const { chainId } = await ethers.provider.getNetwork();
  return { name: "credanchor-registry", version: "2", chainId, verifyingContract: await registry.getAddress() };
}

interface AnchorMessage {
  issuer: string;
  root: string;
  leafCount: bigint;
  uri: string;
  signer: string;
  nonce: bigint;
  deadline: bigint;
}

async function signAnchor(registry: CredentialRegistry, by: HardhatEthersSigner, message: AnchorMessage, domain?: object) {
  return by.signTypedData(domain ?? (await domainOf(registry)), ANCHOR_TYPES, message);
}

async function anchorMessage(registry: CredentialRegistry, issuer: string, signer: string, label: string): Promise<AnchorMessage> {
  return {
    issuer,
    root: rootOf(label),
    leafCount: 7n,
    uri: "https://badges.example.edu/b/1",
    signer,
    nonce: await registry.nonces(signer),
    deadline: BigInt((await time.latest()) + DAY),
  };
}

function sendAnchor(registry: CredentialRegistry, relayer: HardhatEthersSigner, m: AnchorMessage, signature: string) {
  return registry.connect(relayer).anchorBySig(m.issuer, m.root, m.leafCount, m.uri, m.signer, m.nonce, m.deadline, signature);
}

async function deployWithSafe() {
  const cast = await deployWithOperators();
  // coIssuerC owns the Safe; the Safe is an issuer in its own right.
  const safe = await ethers.deployContract("MockSafe", [cast.coIssuerC.address]);
  return { ...cast, safe };
}

describe("signed writes: EIP-712 domain without immutables", () => {
  it("reports its domain (ERC-5267) and a separator computed from this address and chain", async () => {
    const { registry } = await loadFixture(deployWithOperators);
    const domain = await domainOf(registry);
    const [fields, name, version, chainId, verifyingContract, salt, extensions] = await registry.eip712Domain();
    expect([fields, name, version, chainId, verifyingContract, salt, extensions]).to.deep.equal([
      "0x0f", "credanchor-registry", "2", domain.chainId, domain.verifyingContract, ethers.ZeroHash, [],
    ]);
    expect(await registry.DOMAIN_SEPARATOR()).to.equal(ethers.TypedDataEncoder.hashDomain(domain));
  });

  it("a copy of the genuine code at another address has its own domain: a signature made for one never replays on the other", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const copy = "0x00000000000000000000000000000000c0ffee01";
    await ethers.provider.send("hardhat_setCode", [copy, await ethers.provider.getCode(await registry.getAddress())]);
    const copied = registry.attach(copy) as CredentialRegistry;
    expect(await copied.DOMAIN_SEPARATOR()).to.not.equal(await registry.DOMAIN_SEPARATOR());

    const m = await anchorMessage(registry, issuer.address, issuer.address, "for the original");
    const signature = await signAnchor(registry, issuer, m);
    await expect(sendAnchor(copied, stranger, m, signature))
      .to.be.revertedWithCustomError(registry, "InvalidSignature")
      .withArgs(issuer.address);
    await expect(sendAnchor(registry, stranger, m, signature)).not.to.be.reverted;
  });
});

describe("signed writes: anchorBySig", () => {
  it("anchors with the issuer's signature sent by any relayer, and uses the nonce", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const m = await anchorMessage(registry, issuer.address, issuer.address, "relayed");
    const signature = await signAnchor(registry, issuer, m);

    await expect(sendAnchor(registry, stranger, m, signature))
      .to.emit(registry, "BatchAnchored")
      .withArgs(issuer.address, m.root, m.leafCount, m.uri)
      .and.not.to.emit(registry, "OperatorActed");
    expect((await registry.anchorRecord(issuer, m.root)).leafCount).to.equal(7n);
    expect(await registry.nonces(issuer)).to.equal(1n);
    // The relayer gained nothing: it still cannot anchor for the issuer itself.
    await expect(registry.connect(stranger).anchor(issuer, rootOf("relayer alone"), 1n, ""))
      .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
      .withArgs(issuer.address, stranger.address);
  });

  it("accepts a scoped operator's signature and names it with OperatorActed", async () => {
    const { registry, issuer, operator, stranger } = await loadFixture(deployWithOperators);
    const m = await anchorMessage(registry, issuer.address, operator.address, "by operator sig");
    await expect(sendAnchor(registry, stranger, m, await signAnchor(registry, operator, m)))
      .to.emit(registry, "OperatorActed")
      .withArgs(issuer.address, operator.address, registry.interface.getFunction("anchorBySig").selector);
  });

  it("rejects a replayed signature with the nonce error, leaving one anchor", async () => {
    const { registry, issuer, stranger, otherIssuer } = await loadFixture(deployWithOperators);
    const m = await anchorMessage(registry, issuer.address, issuer.address, "replayed");
    const signature = await signAnchor(registry, issuer, m);
    await sendAnchor(registry, stranger, m, signature);
    for (const relayer of [stranger, otherIssuer]) {
      await expect(sendAnchor(registry, relayer, m, signature))
        .to.be.revertedWithCustomError(registry, "InvalidAccountNonce")
        .withArgs(issuer.address, 1n);
    }
  });

  it("rejects a signature at or after its deadline", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const m = await anchorMessage(registry, issuer.address, issuer.address, "late");
    m.deadline = BigInt((await time.latest()) + 60);
    const signature = await signAnchor(registry, issuer, m);
    await time.setNextBlockTimestamp(Number(m.deadline));
    await expect(sendAnchor(registry, stranger, m, signature))
      .to.be.revertedWithCustomError(registry, "SignatureExpired")
      .withArgs(m.deadline, m.deadline);
    expect((await registry.anchorRecord(issuer, m.root)).anchoredAt).to.equal(0);
    expect(await registry.nonces(issuer)).to.equal(0n);
  });

  it("rejects a signature by someone else, a tampered field, a wrong domain and garbage", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const m = await anchorMessage(registry, issuer.address, issuer.address, "forged");
    const bySomeoneElse = await signAnchor(registry, stranger, m);
    const good = await signAnchor(registry, issuer, m);
    const wrongChain = await signAnchor(registry, issuer, m, { ...(await domainOf(registry)), chainId: 1n });
    const wrongVersion = await signAnchor(registry, issuer, m, { ...(await domainOf(registry)), version: "1" });
    const cases: [AnchorMessage, string][] = [
      [m, bySomeoneElse],
      [{ ...m, leafCount: 8n }, good],
      [{ ...m, uri: "https://evil.example/" }, good],
      [{ ...m, root: rootOf("other") }, good],
      [{ ...m, deadline: m.deadline + 1n }, good],
      [m, wrongChain],
      [m, wrongVersion],
      [m, "0x" + "11".repeat(65)],
      [m, "0x"],
    ];
    for (const [message, signature] of cases) {
      await expect(sendAnchor(registry, stranger, message, signature))
        .to.be.revertedWithCustomError(registry, "InvalidSignature")
        .withArgs(issuer.address);
    }
    expect(await registry.nonces(issuer)).to.equal(0n);
  });

  it("rejects a valid signature by a signer without authority: stranger, expired, retired, another issuer's operator, no anchor scope", async () => {
    const cast = await loadFixture(deployWithOperators);
    const { registry, issuer, stranger, expiredOperator, retiredOperator, otherOperator, coIssuerB } = cast;
    await registry.connect(issuer).grantOperator(coIssuerB, (await time.latest()) + DAY, SCOPE_SUSPEND);
    for (const signer of [stranger, expiredOperator, retiredOperator, otherOperator]) {
      const m = await anchorMessage(registry, issuer.address, signer.address, `no authority ${signer.address}`);
      await expect(sendAnchor(registry, stranger, m, await signAnchor(registry, signer, m)))
        .to.be.revertedWithCustomError(registry, "NotIssuerOrOperator")
        .withArgs(issuer.address, signer.address);
    }
    const m = await anchorMessage(registry, issuer.address, coIssuerB.address, "suspend only");
    await expect(sendAnchor(registry, stranger, m, await signAnchor(registry, coIssuerB, m)))
      .to.be.revertedWithCustomError(registry, "MissingScope")
      .withArgs(issuer.address, coIssuerB.address, SCOPE_ANCHOR);
  });

  it("rejects a signer claiming to be the issuer: the signature must be the named signer's", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const m = await anchorMessage(registry, issuer.address, issuer.address, "impersonation");
    await expect(sendAnchor(registry, stranger, m, await signAnchor(registry, stranger, m)))
      .to.be.revertedWithCustomError(registry, "InvalidSignature")
      .withArgs(issuer.address);
  });
});

describe("signed writes: changeStatusBySig", () => {
  async function signStatus(registry: CredentialRegistry, by: HardhatEthersSigner, change: Record<string, unknown>) {
    return by.signTypedData(await domainOf(registry), STATUS_TYPES, change);
  }

  it("revokes, suspends and unsuspends with the issuer's signatures, nonces in sequence", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const deadline = BigInt((await time.latest()) + DAY);
    for (const [action, mask] of [[0, 0b0011n], [1, 0b1100n], [2, 0b0100n]] as const) {
      const nonce = await registry.nonces(issuer);
      const change = { issuer: issuer.address, listId: 3, action, wordIndex: 2n, mask, reason: 9 };
      const signature = await signStatus(registry, issuer, { ...change, signer: issuer.address, nonce, deadline });
      await expect(registry.connect(stranger).changeStatusBySig(change, issuer.address, nonce, deadline, signature))
        .to.emit(registry, "StatusWordChanged")
        .withArgs(issuer.address, 3, action === 0 ? 0 : 1, 2n, mask, action !== 2, 9);
    }
    expect(await registry.statusWords(issuer, 3, 0, 2, 1)).to.deep.equal([0b0011n]);
    expect(await registry.statusWords(issuer, 3, 1, 2, 1)).to.deep.equal([0b1000n]);
    expect(await registry.nonces(issuer)).to.equal(3n);
  });

  it("a default-scoped operator's signed revocation is refused; its signed suspension goes through", async () => {
    const { registry, issuer, stranger, coIssuerB } = await loadFixture(deployWithOperators);
    await registry.connect(issuer).authorizeOperator(coIssuerB, (await time.latest()) + DAY);
    const deadline = BigInt((await time.latest()) + DAY);
    const revoke = { issuer: issuer.address, listId: 3, action: 0, wordIndex: 0n, mask: 1n, reason: 0 };
    const revokeSig = await signStatus(registry, coIssuerB, { ...revoke, signer: coIssuerB.address, nonce: 0n, deadline });
    await expect(registry.connect(stranger).changeStatusBySig(revoke, coIssuerB.address, 0n, deadline, revokeSig))
      .to.be.revertedWithCustomError(registry, "MissingScope")
      .withArgs(issuer.address, coIssuerB.address, SCOPE_REVOKE);
    const suspend = { ...revoke, action: 1 };
    const suspendSig = await signStatus(registry, coIssuerB, { ...suspend, signer: coIssuerB.address, nonce: 0n, deadline });
    await expect(registry.connect(stranger).changeStatusBySig(suspend, coIssuerB.address, 0n, deadline, suspendSig))
      .to.emit(registry, "OperatorActed")
      .withArgs(issuer.address, coIssuerB.address, registry.interface.getFunction("changeStatusBySig").selector);
  });

  it("rejects an action other than revoke, suspend, unsuspend", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const deadline = BigInt((await time.latest()) + DAY);
    const change = { issuer: issuer.address, listId: 3, action: 3, wordIndex: 0n, mask: 1n, reason: 0 };
    const signature = await signStatus(registry, issuer, { ...change, signer: issuer.address, nonce: 0n, deadline });
    await expect(registry.connect(stranger).changeStatusBySig(change, issuer.address, 0n, deadline, signature))
      .to.be.revertedWithCustomError(registry, "InvalidStatusAction")
      .withArgs(3);
  });

  it("rejects a signature whose action was changed from suspend to revoke", async () => {
    const { registry, issuer, stranger } = await loadFixture(deployWithOperators);
    const deadline = BigInt((await time.latest()) + DAY);
    const suspend = { issuer: issuer.address, listId: 3, action: 1, wordIndex: 0n, mask: 1n, reason: 0 };
    const signature = await signStatus(registry, issuer, { ...suspend, signer: issuer.address, nonce: 0n, deadline });
    await expect(registry.connect(stranger).changeStatusBySig({ ...suspend, action: 0 }, issuer.address, 0n, deadline, signature))
      .to.be.revertedWithCustomError(registry, "InvalidSignature")
      .withArgs(issuer.address);
  });
});

describe("signed writes: a Safe-like contract issuer (ERC-1271)", () => {
  it("anchors with a signature the Safe accepts, and not once the Safe stops accepting it", async () => {
    const { registry, safe, coIssuerC, stranger } = await loadFixture(deployWithSafe);
    const safeAddress = await safe.getAddress();
    const m = await anchorMessage(registry, safeAddress, safeAddress, "safe anchor");
    const signature = await signAnchor(registry, coIssuerC, m);
    await expect(sendAnchor(registry, stranger, m, signature))
      .to.emit(registry, "BatchAnchored")
      .withArgs(safeAddress, m.root, m.leafCount, m.uri);

    await safe.connect(coIssuerC).setAccepting(false);
    const next = await anchorMessage(registry, safeAddress, safeAddress, "safe refuses");
    await expect(sendAnchor(registry, stranger, next, await signAnchor(registry, coIssuerC, next)))
      .to.be.revertedWithCustomError(registry, "InvalidSignature")
      .withArgs(safeAddress);
  });

  it("rejects a signature by someone who does not own the Safe", async () => {
    const { registry, safe, stranger } = await loadFixture(deployWithSafe);
    const safeAddress = await safe.getAddress();
    const m = await anchorMessage(registry, safeAddress, safeAddress, "not the owner");
    await expect(sendAnchor(registry, stranger, m, await signAnchor(registry, stranger, m)))
      .to.be.revertedWithCustomError(registry, "InvalidSignature")
      .withArgs(safeAddress);
  });

  it("manages its operators by calling the registry itself, with scopes", async () => {
    const { registry, safe, coIssuerC, operator } = await loadFixture(deployWithSafe);
    const safeAddress = await safe.getAddress();
    const until = (await time.latest()) + DAY;
    await safe.connect(coIssuerC).execute(
      await registry.getAddress(),
      registry.interface.encodeFunctionData("grantOperator", [operator.address, until, SCOPE_ANCHOR]),
    );
    await expect(registry.connect(operator).anchor(safeAddress, rootOf("safe operator"), 1n, "")).not.to.be.reverted;
    await expect(registry.connect(operator).revokeWord(safeAddress, 0, 0, 1n, 0))
      .to.be.revertedWithCustomError(registry, "MissingScope")
      .withArgs(safeAddress, operator.address, SCOPE_REVOKE);
  });
});
