/**
 * What the tree-hashing worker is asked to do. Bytes travel in SharedArrayBuffers laid out
 * like the caller's (values at 32 * index, heap nodes at 32 * node), so nothing is cloned.
 */
export type TreeHashJob =
  /** keccak256(keccak256(v)) of values [from, to) of `values`, written at the same offsets of `out`. */
  | { kind: "leaves"; values: SharedArrayBuffer; out: SharedArrayBuffer; from: number; to: number }
  /**
   * The inner nodes under node 2 of a heap of `leafCount` leaves (the leaves are in `heap`):
   * computed and written into `heap` at their own offsets.
   */
  | { kind: "subtree"; heap: SharedArrayBuffer; leafCount: number };

/** Index 0 of the control array: what the worker last finished. */
export const JOB_PENDING = 0;
export const JOB_DONE = 1;
export const JOB_FAILED = 2;

export interface TreeHashMessage {
  job: TreeHashJob;
  /** Int32Array over it: [0] becomes JOB_DONE or JOB_FAILED, then is notified. */
  control: SharedArrayBuffer;
}
