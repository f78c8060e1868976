/**
 * The SQLite store's reads of anchored credentials since migration 060: a credential's served
 * document is derived from its signed document, its batch's stored tree chunks and the batch's
 * shared anchor fields, instead of being written into every row when the batch is anchored.
 */
import { invariant } from "../../../core/errors";
import type { Hex } from "../../../core/merkle/hex";
import { ANCHOR_PROOF_FORMAT, createAnchorProof, type AnchorProof } from "../../../core/proof/anchor";
import { anchoredDocument } from "../../proofs/anchoredDocument";
import { ChunkCache } from "../../proofs/chunkCache";
import { chunkCounts, proofFromChunks, rootFromChunks, type BatchTreeLevels, type TreeChunkKind } from "../../proofs/treeChunks";
import type { BatchAnchorFields } from "../Store";
import type { PreparedStatements } from "./preparedStatements";

type Row = Record<string, unknown>;

/** The columns a derived read selects (appended to a query over `credentials c`). */
export const DERIVED_COLUMNS =
  "b.state AS batch_state, b.leaf_count AS batch_leaf_count, a.format AS a_format, a.chain_id AS a_chain_id, a.registry AS a_registry, " +
  "a.issuer_address AS a_issuer, a.root AS a_root, a.tx_hash AS a_tx_hash, a.block_number AS a_block_number, a.anchored_at AS a_anchored_at";
export const DERIVED_JOINS = "JOIN batches b ON b.id = c.batch_id LEFT JOIN batch_anchor_proofs a ON a.batch_id = c.batch_id";


export class DerivedDocuments {
  private readonly cache: ChunkCache;

  constructor(
    private readonly statements: PreparedStatements,
    cacheBytes: number,
  ) {
    this.cache = new ChunkCache(cacheBytes);
  }

  /** Stores every chunk of a batch's tree (inside the caller's transaction). */
  storeLevels(batchId: string, levels: BatchTreeLevels): void {
    const expected = chunkCounts(levels.leafCount);
    const counted = { nodes: 0, ranks: 0 };
    for (const c of levels.chunks) counted[c.kind]++;
    invariant(counted.nodes === expected.nodes && counted.ranks === expected.ranks, `the tree of batch ${batchId} comes whole`);
    const insert = this.statements.get("INSERT INTO batch_tree_chunks (batch_id, kind, chunk, bytes) VALUES (?, ?, ?, ?)");
    for (const c of levels.chunks) insert.run(batchId, c.kind, c.chunk, Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength));
  }

  /** Whether the batch's tree is stored whole (a batch sealed before migration 060 has none). */
  hasLevels(batchId: string, leafCount: number): boolean {
    const expected = chunkCounts(leafCount);
    const rows = this.statements.get("SELECT kind, COUNT(*) AS n FROM batch_tree_chunks WHERE batch_id = ? GROUP BY kind").all(batchId) as { kind: TreeChunkKind; n: number }[];
    const stored = { nodes: 0, ranks: 0, ...Object.fromEntries(rows.map((r) => [r.kind, r.n])) };
    return stored.nodes === expected.nodes && stored.ranks === expected.ranks;
  }

  storeAnchor(batchId: string, fields: BatchAnchorFields): void {
    this.statements.get(
        `INSERT INTO batch_anchor_proofs (batch_id, format, chain_id, registry, issuer_address, root, tx_hash, block_number, anchored_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(batchId, ANCHOR_PROOF_FORMAT, fields.chainId, fields.registry, fields.issuer, fields.root, fields.txHash, fields.blockNumber, fields.anchoredAt);
  }

  dropAnchor(batchId: string): void {
    this.statements.get("DELETE FROM batch_anchor_proofs WHERE batch_id = ?").run(batchId);
  }

  /**
   * The served document of a row read with DERIVED_COLUMNS: derived when its batch's proofs
   * are (a row of batch_anchor_proofs), else the stored document when the row has one (a
   * credential anchored before migration 060), else the signed document.
   */
  documentOf(r: Row): string {
    const proof = this.anchorProofOf(r);
    if (proof) return anchoredDocument(r.signed_document as string, proof);
    const stored = r.document as string;
    return stored !== "" ? stored : (r.signed_document as string);
  }

  /** The derived anchor proof of a row read with DERIVED_COLUMNS, or undefined when its batch's proofs are not derived. */
  anchorProofOf(r: Row): AnchorProof | undefined {
    if (r.a_format === null || r.a_format === undefined) return undefined;
    invariant(r.a_format === ANCHOR_PROOF_FORMAT, `batch ${String(r.batch_id)} stores anchor proofs of format ${String(r.a_format)}`);
    const batchId = r.batch_id as string;
    const leafCount = r.batch_leaf_count as number;
    const read = (kind: TreeChunkKind, chunk: number) => this.chunk(batchId, kind, chunk);
    const root = r.a_root as Hex;
    invariant(rootFromChunks(read) === root, `the stored tree of batch ${batchId} has the batch's root`);
    return createAnchorProof(
      {
        chainId: r.a_chain_id as number,
        registry: r.a_registry as `0x${string}`,
        issuer: r.a_issuer as `0x${string}`,
        root,
        path: proofFromChunks(leafCount, r.leaf_index as number, read),
        txHash: r.a_tx_hash as Hex,
        blockNumber: r.a_block_number as number,
      },
      new Date((r.a_anchored_at as number) * 1000),
    );
  }

  private chunk(batchId: string, kind: TreeChunkKind, chunk: number): Uint8Array | undefined {
    const key = `${batchId}/${kind}/${chunk}`;
    let bytes = this.cache.get(key);
    if (bytes === undefined) {
      const row = this.statements.get("SELECT bytes FROM batch_tree_chunks WHERE batch_id = ? AND kind = ? AND chunk = ?").get(batchId, kind, chunk) as
        | { bytes: Buffer }
        | undefined;
      if (row === undefined) return undefined;
      bytes = row.bytes;
      this.cache.set(key, bytes);
    }
    return bytes;
  }
}
