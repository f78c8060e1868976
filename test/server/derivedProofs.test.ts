/**
 * Anchoring in O(tree) (migration 060): a confirmed batch's served documents are derived from
 * its stored tree chunks and one row of shared anchor fields. These tests compute every
 * document the way the server wrote it before (the proof attached to the parsed credential,
 * re-serialised, written into each row) and require the same bytes; rows written by the
 * pre-060 store must be served exactly as they were.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import { buildMerkleTree } from "../../core/merkle/tree";
import { attachAnchorProof, createAnchorProof } from "../../core/proof/anchor";
import { credentialLeaf } from "../../core/proof/digest";
import { migrate, readMigrations } from "../../server/store/migrate";
import { SqliteStore } from "../../server/store/sqlite/SqliteStore";
import type { BatchAnchorFields, IssuerRecord, NewCredential } from "../../server/store/Store";
import { BATCH_TREE_FORMAT, levelsFromV1Tree, sealTree } from "../../server/worker/batchTree";

const ISSUER_ADDRESS = "0x00000000000000000000000000000000000000aa";
const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

function issuerRecord(id: string, address: `0x${string}`): IssuerRecord {
  return {
    id,
    name: "Test",
    url: "https://test.example",
    email: null,
    image: null,
    did: `did:pkh:eip155:31337:${address}`,
    address,
    chainId: 31337,
    addressKeySealed: "sealed",
    signingSeedSealed: "sealed",
    signingPublicKeyMultibase: "z6Mk",
    signingKeyId: "0x00",
    onchainState: "registered",
    isDemo: false,
    createdAt: 0,
  };
}

/** A signed-looking credential as JSON.stringify output, with characters JSON must escape. */
function signedDocument(n: number, issuerId: string): string {
  return JSON.stringify({
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    id: `urn:uuid:${issuerId}-${n}`,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    issuer: { id: `did:pkh:eip155:31337:${ISSUER_ADDRESS}`, type: ["Profile"], name: `Univ "${n}" \\ ]}` },
    credentialSubject: { type: ["AchievementSubject"], name: `Learner ${n} 한국어 \u2028`, achievement: { proof: ["not the proof"] } },
    proof: [{ type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022", proofPurpose: "assertionMethod", proofValue: `z${n}abc` }],
    validFrom: "2026-12-06T00:00:00Z",
  });
}

function credentials(issuerId: string, from: number, count: number): NewCredential[] {
  return Array.from({ length: count }, (_, j) => {
    const document = signedDocument(from + j, issuerId);
    return {
      id: `urn:uuid:${issuerId}-${from + j}`,
      issuerId,
      achievementId: null,
      listId: 0,
      statusIndex: from + j,
      signedDocument: document,
      leaf: credentialLeaf(JSON.parse(document)),
      recipientEmail: null,
      recipientName: null,
      presigned: false,
    };
  });
}

const fakeTx = (nonce: number) => ({
  purpose: "anchor",
  nonce,
  to: REGISTRY as `0x${string}`,
  data: "0x" as `0x${string}`,
  rawTx: "0x01" as `0x${string}`,
  txHash: `0x${nonce.toString(16).padStart(64, "0")}` as `0x${string}`,
  maxFeePerGas: 1n,
  maxPriorityFeePerGas: 1n,
  gas: 1n,
});

function anchorFields(root: `0x${string}`, block: number): BatchAnchorFields {
  return { chainId: 31337, registry: REGISTRY, issuer: ISSUER_ADDRESS, root, txHash: `0x${"ee".repeat(31)}${block.toString(16).padStart(2, "0")}`, blockNumber: block, anchoredAt: 1_765_000_000 + block };
}

/** The served document exactly as the pre-060 worker wrote it into every row. */
function theOldWay(signed: readonly string[], anchored: BatchAnchorFields): string[] {
  const tree = buildMerkleTree(signed.map((d) => credentialLeaf(JSON.parse(d))));
  return signed.map((document, i) => {
    const { anchoredAt, ...fields } = anchored;
    const proof = createAnchorProof({ ...fields, path: tree.proof(i) as `0x${string}`[] }, new Date(anchoredAt * 1000));
    return JSON.stringify(attachAnchorProof(JSON.parse(document), proof, { checkInclusion: false }));
  });
}

function sealOpenBatch(store: SqliteStore, batchId: string) {
  const leaves = store.listBatchLeaves(batchId);
  const tree = sealTree(leaves.map((l) => l.leaf));
  store.sealBatch(batchId, { root: tree.root, tree: tree.serialized, leafIndexes: new Map(leaves.map((l, i) => [l.id, i])), levels: tree.levels }, 10);
  return tree.root;
}

describe("derived anchor proofs (migration 060)", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-derived-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("serves every credential of a confirmed batch byte for byte as the pre-060 server wrote it, and the same after a restart", () => {
    const file = path.join(dir, "db.sqlite");
    let store = new SqliteStore(file, { treeCacheBytes: 4096 }); // a tiny cache: chunks are read again and again
    store.insertIssuer(issuerRecord("a", ISSUER_ADDRESS));
    store.insertIssuer(issuerRecord("b", "0x00000000000000000000000000000000000000bb"));
    const rows = [...credentials("a", 0, 150)];
    const [batchId] = store.insertCredentials("a", rows.slice(0, 100), 1, () => "batch-a");
    // Another issuer's rows between ours: positions in a batch are not global sequence numbers.
    store.insertCredentials("b", credentials("b", 0, 7), 1, () => "batch-b");
    store.insertCredentials("a", rows.slice(100), 1, () => "unused");
    expect(store.listBatchLeaves(batchId!).map((l) => l.leafIndex)).to.deep.equal(rows.map((_, i) => i));
    expect(store.getCredential(rows[5]!.id)!.leafIndex).to.equal(null); // not exposed while the batch is open

    const root = sealOpenBatch(store, batchId!);
    expect(store.getCredential(rows[5]!.id)).to.include({ state: "batched", leafIndex: 5, document: rows[5]!.signedDocument });
    store.submitBatch(batchId!, fakeTx(0), 11);
    const anchored = anchorFields(root, 7);
    store.confirmBatchDerived(batchId!, anchored, 12);

    const expected = theOldWay(rows.map((r) => r.signedDocument), anchored);
    const served = rows.map((r) => store.getCredentialDocument(r.id));
    expect(served.filter((d, i) => d !== expected[i]).length, "documents differing from the old bytes").to.equal(0);
    expect(rows.map((r) => store.getCredential(r.id)!.document)).to.deep.equal(expected);
    expect(store.listBatchCredentials(batchId!).map((c) => [c.state, c.document])).to.deep.equal(expected.map((d) => ["anchored", d]));
    expect(store.countCredentialsByState()).to.include({ signed: 7, batched: 0, anchored: 150 });
    // The proof alone (GET /credentials/:id/proof) is the one in the served document, same key order.
    expect(rows.map((r) => JSON.stringify(store.getCredentialAnchorProof(r.id)))).to.deep.equal(expected.map((d) => JSON.stringify(JSON.parse(d).proof.at(-1))));
    expect(store.getCredentialAnchorProof("urn:uuid:b-0")).to.equal(null);
    expect(store.getCredentialAnchorProof("urn:uuid:nobody")).to.equal(undefined);
    // Nothing was written into the rows: the signed document is stored once.
    const raw = store.db.prepare("SELECT COUNT(*) AS n FROM credentials WHERE document <> ''").get() as { n: number };
    expect(raw.n).to.equal(0);
    store.close();

    store = new SqliteStore(file);
    expect(rows.map((r) => store.getCredentialDocument(r.id))).to.deep.equal(expected);
    store.close();
  });

  it("sends a confirmed batch back to sealed (the signed documents are served) and derives the new anchor's proofs after it is anchored again", () => {
    const store = new SqliteStore(path.join(dir, "db.sqlite"));
    store.insertIssuer(issuerRecord("a", ISSUER_ADDRESS));
    const rows = credentials("a", 0, 33);
    const [batchId] = store.insertCredentials("a", rows, 1, () => "batch-a");
    const root = sealOpenBatch(store, batchId!);
    store.submitBatch(batchId!, fakeTx(0), 11);
    store.confirmBatchDerived(batchId!, anchorFields(root, 7), 12);
    store.returnBatchToSealed(batchId!, "reorg");
    expect(rows.map((r) => store.getCredentialDocument(r.id))).to.deep.equal(rows.map((r) => r.signedDocument));
    expect(store.countCredentialsByState()).to.include({ batched: 33, anchored: 0 });
    store.submitBatch(batchId!, fakeTx(1), 13);
    const again = anchorFields(root, 9);
    store.confirmBatchDerived(batchId!, again, 14);
    expect(rows.map((r) => store.getCredentialDocument(r.id))).to.deep.equal(theOldWay(rows.map((r) => r.signedDocument), again));
    expect(store.countCredentialsByState()).to.include({ batched: 0, anchored: 33 });
    store.close();
  });

  it("refuses to confirm a batch without its tree, or with another root, and leaves it submitted", () => {
    const store = new SqliteStore(path.join(dir, "db.sqlite"));
    store.insertIssuer(issuerRecord("a", ISSUER_ADDRESS));
    const rows = credentials("a", 0, 4);
    const [batchId] = store.insertCredentials("a", rows, 1, () => "batch-a");
    const leaves = store.listBatchLeaves(batchId!);
    const tree = sealTree(leaves.map((l) => l.leaf));
    // Sealed without levels (the pre-060 call): nothing to derive proofs from yet.
    store.sealBatch(batchId!, { root: tree.root, tree: tree.serialized, leafIndexes: new Map(leaves.map((l, i) => [l.id, i])) }, 10);
    store.submitBatch(batchId!, fakeTx(0), 11);
    expect(store.hasBatchTreeLevels(batchId!)).to.equal(false);
    expect(() => store.confirmBatchDerived(batchId!, anchorFields(tree.root, 7), 12)).to.throw(/has its tree stored/);
    store.storeBatchTreeLevels(batchId!, tree.levels);
    expect(() => store.confirmBatchDerived(batchId!, anchorFields(`0x${"11".repeat(32)}`, 7), 12)).to.throw(/its own root/);
    expect(store.getBatch(batchId!)!.state).to.equal("submitted");
    expect(rows.map((r) => store.getCredentialDocument(r.id))).to.deep.equal(rows.map((r) => r.signedDocument));
    store.close();
  });

  it("upgrades a pre-060 database in place: anchored rows served as stored, a sealed v1 batch anchored with derived proofs, an open batch continued", () => {
    const file = path.join(dir, "db.sqlite");
    // The database as the pre-060 server left it, written with that store's own statements.
    const db = new Database(file);
    migrate(db, readMigrations().filter((m) => m.version < 60));
    db.prepare("INSERT INTO issuers (id, name, url, did, address, chain_id, address_key_sealed, signing_seed_sealed, signing_public_key_multibase, signing_key_id, onchain_state, created_at) VALUES ('a', 'T', 'https://t.example', 'did:pkh:eip155:31337:0xaa', ?, 31337, 's', 's', 'z6Mk', '0x00', 'registered', 0)")
      .run(ISSUER_ADDRESS);
    const oldInsert = db.prepare(
      "INSERT INTO credentials (id, issuer_id, batch_id, state, list_id, status_index, signed_document, document, leaf, leaf_index, created_at) VALUES (?, 'a', ?, ?, 0, ?, ?, ?, ?, ?, 1)",
    );
    const batch = db.prepare("INSERT INTO batches (id, issuer_id, state, seq, created_at, sealed_at, root, leaf_count, tree, tx_hash, block_number, anchored_at, confirmed_at) VALUES (?, 'a', ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)");
    const v1Tree = (signed: string[]) => {
      const leaves = signed.map((d) => credentialLeaf(JSON.parse(d)));
      const root = buildMerkleTree(leaves).root as `0x${string}`;
      return { root, serialized: JSON.stringify({ format: BATCH_TREE_FORMAT, root, leaves }) };
    };
    // 1. confirmed before the upgrade: every row carries its document with the proof.
    const confirmedRows = credentials("a", 0, 20);
    const confirmedTree = v1Tree(confirmedRows.map((r) => r.signedDocument));
    const oldAnchor = anchorFields(confirmedTree.root, 3);
    const oldDocuments = theOldWay(confirmedRows.map((r) => r.signedDocument), oldAnchor);
    batch.run("old-confirmed", "confirmed", 1, 2, confirmedTree.root, 20, confirmedTree.serialized, oldAnchor.txHash, 3, oldAnchor.anchoredAt, 4);
    confirmedRows.forEach((r, i) => oldInsert.run(r.id, "old-confirmed", "anchored", r.statusIndex, r.signedDocument, oldDocuments[i], r.leaf, i));
    // 2. sealed before the upgrade: a v1 tree of leaves, rows batched with their leaf index.
    const sealedRows = credentials("a", 100, 12);
    const sealedTree = v1Tree(sealedRows.map((r) => r.signedDocument));
    batch.run("old-sealed", "sealed", 2, 5, sealedTree.root, 12, sealedTree.serialized, null, null, null, null);
    sealedRows.forEach((r, i) => oldInsert.run(r.id, "old-sealed", "batched", r.statusIndex, r.signedDocument, r.signedDocument, r.leaf, i));
    // 3. open: rows without a leaf index yet.
    const openRows = credentials("a", 200, 5);
    batch.run("old-open", "open", 3, null, null, null, null, null, null, null, null);
    openRows.forEach((r) => oldInsert.run(r.id, "old-open", "signed", r.statusIndex, r.signedDocument, r.signedDocument, r.leaf, null));
    const countsBefore = db.prepare("SELECT state, n FROM state_counts WHERE kind = 'credential' ORDER BY state").all();
    db.close();

    const store = new SqliteStore(file);
    expect(store.db.prepare("SELECT state, n FROM state_counts WHERE kind = 'credential' ORDER BY state").all()).to.deep.equal(countsBefore);
    expect(confirmedRows.map((r) => store.getCredentialDocument(r.id))).to.deep.equal(oldDocuments);
    expect(sealedRows.map((r) => store.getCredentialDocument(r.id))).to.deep.equal(sealedRows.map((r) => r.signedDocument));
    expect(store.listBatchLeaves("old-open").map((l) => l.leafIndex)).to.deep.equal([0, 1, 2, 3, 4]);

    // The worker's path for a batch sealed before 060: its chunks are built from the v1 leaves.
    store.submitBatch("old-sealed", fakeTx(0), 6);
    expect(store.hasBatchTreeLevels("old-sealed")).to.equal(false);
    store.storeBatchTreeLevels("old-sealed", levelsFromV1Tree(store.getBatch("old-sealed")!.tree!));
    const newAnchor = anchorFields(sealedTree.root, 8);
    store.confirmBatchDerived("old-sealed", newAnchor, 9);
    expect(sealedRows.map((r) => store.getCredentialDocument(r.id))).to.deep.equal(theOldWay(sealedRows.map((r) => r.signedDocument), newAnchor));

    // The open batch takes new rows after the old ones and seals them all in insertion order.
    const more = credentials("a", 300, 3);
    store.insertCredentials("a", more, 10, () => "unused");
    const root = sealOpenBatch(store, "old-open");
    store.submitBatch("old-open", fakeTx(1), 11);
    const third = anchorFields(root, 12);
    store.confirmBatchDerived("old-open", third, 13);
    const all = [...openRows, ...more];
    expect(all.map((r) => store.getCredentialDocument(r.id))).to.deep.equal(theOldWay(all.map((r) => r.signedDocument), third));
    expect(store.countCredentialsByState()).to.include({ signed: 0, batched: 0, anchored: 40 });

    // A reorg of the batch anchored before the upgrade: its written documents go, the signed ones are served.
    store.returnBatchToSealed("old-confirmed", "reorg");
    expect(confirmedRows.map((r) => store.getCredentialDocument(r.id))).to.deep.equal(confirmedRows.map((r) => r.signedDocument));
    expect(store.countCredentialsByState()).to.include({ batched: 20, anchored: 20 });
    store.close();
  });
});
