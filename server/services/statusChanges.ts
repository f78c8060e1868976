/**
 * Queuing revocations, suspensions and unsuspensions. One credential or ten thousand, each id
 * costs a few indexed lookups (the credential by id, its pending changes by credential), and
 * the work is cut into slices of about 20 ms with a turn of the event loop between them, so a
 * large request never holds the server for more than one slice at a time.
 *
 * A bulk request is all or nothing: every id is checked first, and if any is refused nothing
 * is queued and the answer names each refused id by its position. Changes of one issuer are
 * queued one request at a time (a lock per issuer), so what the check saw still holds while
 * the slices are written. A process killed between two write slices keeps the slices already
 * committed (each is a valid queued change; a retry of the request reports them as conflicts).
 */
import type { Clock } from "../clock";
import { unixSeconds } from "../clock";
import type { CredentialRecord, StatusAction, StatusChangeRecord, Store } from "../store/Store";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, type FieldProblem } from "./errors";

/**
 * The event loop is given back after this much synchronous work (checking ids, or one write
 * transaction), so other requests wait at most about this long behind a bulk request, however
 * loaded the machine. Time, not a count: the same count takes ten times longer on a busy host.
 */
export const STATUS_CHANGE_SLICE_MS = 20;

export interface StatusChangeDeps {
  store: Store;
  clock: Clock;
  /** Runs inside the transaction that queues each change (stacked badges flag their tier here). */
  onStatusChangeQueued?: ((change: StatusChangeRecord) => void) | undefined;
}

export interface StatusChangeRequest {
  /** The caller's issuer (undefined for the admin key, which owns no credential). */
  issuerId: string | undefined;
  action: StatusAction;
  reason?: string | undefined;
}

type Refusal = { kind: "not_found" | "forbidden" | "conflict"; message: string };
type Checked = { ok: true; credential: CredentialRecord } | { ok: false; refusal: Refusal };

/** `urn:uuid:…` in full, or just the uuid. */
export function credentialIdFrom(param: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(param) ? `urn:uuid:${param}` : param;
}

/** Whether `action` makes sense for one credential now (revocation is final, no double suspension). */
function check(store: Store, issuerId: string | undefined, param: string, action: StatusAction): Checked {
  const credential = store.getCredential(credentialIdFrom(param));
  if (!credential) return { ok: false, refusal: { kind: "not_found", message: `no credential ${param}` } };
  if (issuerId !== credential.issuerId) return { ok: false, refusal: { kind: "forbidden", message: `credential ${credential.id} belongs to another issuer` } };
  const pending = store.pendingStatusChangesFor(credential.id);
  if (credential.revoked || pending.some((c) => c.action === "revoke")) {
    const message =
      action === "revoke" ? `credential ${credential.id} is already revoked (or its revocation is pending)` : `credential ${credential.id} is revoked; revocation is final`;
    return { ok: false, refusal: { kind: "conflict", message } };
  }
  const last = pending.at(-1);
  const suspended = last ? last.action === "suspend" : credential.suspended;
  if (action === "suspend" && suspended) return { ok: false, refusal: { kind: "conflict", message: `credential ${credential.id} is already suspended (or its suspension is pending)` } };
  if (action === "unsuspend" && !suspended) return { ok: false, refusal: { kind: "conflict", message: `credential ${credential.id} is not suspended` } };
  return { ok: true, credential };
}

function refusalError(refusal: Refusal): Error {
  if (refusal.kind === "not_found") return new NotFoundError(refusal.message);
  if (refusal.kind === "forbidden") return new ForbiddenError(refusal.message);
  return new ConflictError(refusal.message);
}

const locks = new WeakMap<Store, Map<string, Promise<unknown>>>();

/** Runs `fn` after every earlier call for the same (store, key) has settled. */
async function serialized<T>(store: Store, key: string, fn: () => Promise<T>): Promise<T> {
  let byKey = locks.get(store);
  if (!byKey) locks.set(store, (byKey = new Map()));
  const before = byKey.get(key) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => undefined);
  byKey.set(key, tail);
  try {
    return await run;
  } finally {
    if (byKey.get(key) === tail) byKey.delete(key);
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Queues one change; refusals are thrown as NotFound / Forbidden / Conflict. */
export function queueStatusChange(deps: StatusChangeDeps, request: StatusChangeRequest, param: string): Promise<StatusChangeRecord> {
  return serialized(deps.store, request.issuerId ?? "(admin)", async () => {
    const checked = check(deps.store, request.issuerId, param, request.action);
    if (!checked.ok) throw refusalError(checked.refusal);
    return insert(deps, request, checked.credential);
  });
}

/**
 * Queues one change per id, all or none. Refused ids are reported together, each as
 * `credentialIds.<position>`: a ConflictError when every refusal is a conflict with the
 * credential's state, an InvalidInputError (unknown or foreign ids) otherwise.
 */
export function queueStatusChanges(deps: StatusChangeDeps, request: StatusChangeRequest, params: readonly string[]): Promise<StatusChangeRecord[]> {
  return serialized(deps.store, request.issuerId ?? "(admin)", async () => {
    const credentials: CredentialRecord[] = [];
    const problems: (FieldProblem & { id: string; kind: Refusal["kind"] })[] = [];
    let sliceStart = performance.now();
    for (const [i, param] of params.entries()) {
      if (performance.now() - sliceStart > STATUS_CHANGE_SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
      // Reads only: each sees a consistent database without holding a write transaction.
      const checked = check(deps.store, request.issuerId, param, request.action);
      if (checked.ok) credentials.push(checked.credential);
      else problems.push({ field: `credentialIds.${i}`, id: param, kind: checked.refusal.kind, message: checked.refusal.message });
    }
    if (problems.length > 0) {
      const summary = `${problems.length} of ${params.length} credential ids were refused; nothing was queued (first: ${problems[0]!.field}: ${problems[0]!.message})`;
      if (problems.every((p) => p.kind === "conflict")) throw new ConflictError(summary, { issues: problems });
      throw new InvalidInputError(summary, problems);
    }
    const queued: StatusChangeRecord[] = [];
    while (queued.length < credentials.length) {
      if (queued.length > 0) await nextTurn();
      // One write transaction per slice: it ends as soon as the slice's time is spent.
      const started = performance.now();
      deps.store.transaction(() => {
        do queued.push(insert(deps, request, credentials[queued.length]!));
        while (queued.length < credentials.length && performance.now() - started < STATUS_CHANGE_SLICE_MS);
      });
    }
    return queued;
  });
}

function insert(deps: StatusChangeDeps, request: StatusChangeRequest, credential: CredentialRecord): StatusChangeRecord {
  if (deps.onStatusChangeQueued) {
    const hook = deps.onStatusChangeQueued;
    return deps.store.transaction(() => {
      const change = insertChange(deps, request, credential);
      hook(change);
      return change;
    });
  }
  return insertChange(deps, request, credential);
}

function insertChange(deps: StatusChangeDeps, request: StatusChangeRequest, credential: CredentialRecord): StatusChangeRecord {
  return deps.store.insertStatusChange({
    issuerId: credential.issuerId,
    credentialId: credential.id,
    listId: credential.listId,
    statusIndex: credential.statusIndex,
    action: request.action,
    reason: request.reason ?? null,
    createdAt: unixSeconds(deps.clock),
  });
}
