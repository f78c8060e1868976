/**
 * The SQLite store's reads of anchored credentials since migration 060: a credential's served
 * document is derived from its signed document, its batch's stored tree chunks and the batch's
 * shared anchor fields, instead of being written into every row when the batch is anchored.
 */
import { BoundedMemo } from "../../../core/boundedMemo";
import { invariant } from "../../../core/errors";
import type { Hex } from "../../../core/merkle/hex";
import { ANCHOR_PROOF_FORMAT, createAnchorProof, decodeAnchorProof, type AnchorProof } from "../../../core/proof/anchor";
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


interface SharedParts {
  root: Hex;
  /** The batch's proof with an empty path: every field but proofValue is each credential's too. */
  proof: AnchorProof;
  /** The canonical proofValue JSON before and after the path's elements. */
  before: string;
  after: string;
}

/** `u` + base64url (no padding) of the canonical JSON: what core's encodeProofValue gives (checked in sharedParts). */
function proofValueOf(parts: SharedParts, path: readonly Hex[]): string {
  const json = path.length === 0 ? parts.before + parts.after : `${parts.before}"${path.join('","')}"${parts.after}`;
  return "u" + Buffer.from(json, "utf8").toString("base64url");
}

export class DerivedDocuments {
  private readonly cache: ChunkCache;
  private readonly shared = new BoundedMemo<string, SharedParts>(1024, "forget-all");

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
    const batchId = r.batch_id as string;
    const shared = this.sharedParts(r);
    // A proof's nodes sit in few chunks (the top fifteen levels all in chunk 0): the last chunk
    // read of each kind is kept for this proof, so the shared cache is asked a few times, not
    // once per node.
    const last: Record<TreeChunkKind, { chunk: number; bytes: Uint8Array | undefined }> = { nodes: { chunk: -1, bytes: undefined }, ranks: { chunk: -1, bytes: undefined } };
    const read = (kind: TreeChunkKind, chunk: number) => {
      const held = last[kind];
      if (held.chunk !== chunk || held.bytes === undefined) {
        held.bytes = this.chunk(batchId, kind, chunk);
        held.chunk = chunk;
      }
      return held.bytes;
    };
    invariant(rootFromChunks(read) === shared.root, `the stored tree of batch ${batchId} has the batch's root`);
    const path = proofFromChunks(r.batch_leaf_count as number, r.leaf_index as number, read);
    return { ...shared.proof, proofValue: proofValueOf(shared, path) };
  }

  /**
   * What every proof of the batch shares, made once per anchor: the proof's fixed fields and the
   * canonical proofValue JSON around the path. Checked against core's createAnchorProof (which
   * validates every field) for an empty and a one-element path before it is used.
   */
  private sharedParts(r: Row): SharedParts {
    const key = `${String(r.batch_id)}/${String(r.a_tx_hash)}/${String(r.a_block_number)}/${String(r.a_anchored_at)}`;
    return this.shared.get(key, () => this.makeSharedParts(r));
  }

  private makeSharedParts(r: Row): SharedParts {
    invariant(r.a_format === ANCHOR_PROOF_FORMAT, `batch ${String(r.batch_id)} stores anchor proofs of format ${String(r.a_format)}`);
    const fields = {
      chainId: r.a_chain_id as number,
      registry: r.a_registry as `0x${string}`,
      issuer: r.a_issuer as `0x${string}`,
      root: r.a_root as Hex,
      txHash: r.a_tx_hash as Hex,
      blockNumber: r.a_block_number as number,
    };
    const created = new Date((r.a_anchored_at as number) * 1000);
    const reference = createAnchorProof({ ...fields, path: [] }, created);
    const data = decodeAnchorProof(reference);
    const json = JSON.stringify({ format: data.format, chainId: data.chainId, registry: data.registry, issuer: data.issuer, root: data.root, path: [], txHash: data.txHash, blockNumber: data.blockNumber });
    const at = json.indexOf('"path":[]') + '"path":['.length;
    const parts: SharedParts = { root: data.root, proof: reference, before: json.slice(0, at), after: json.slice(at) };
    invariant(proofValueOf(parts, []) === reference.proofValue, "the shared anchor proof parts encode as core does");
    invariant(proofValueOf(parts, [data.root]) === createAnchorProof({ ...fields, path: [data.root] }, created).proofValue, "a path encodes as core does");
    return parts;
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
