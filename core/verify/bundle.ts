/**
 * Flattens the input of the pipeline into the credentials to check. A bundle is several
 * credentials, a VerifiablePresentation (its `verifiableCredential`), or a CLR 2.0
 * `ClrCredential` (itself, then each credential in `credentialSubject.verifiableCredential`).
 */

export interface BundleEntry {
  /** The credential as given (never re-shaped: its digest depends on the exact JSON). */
  credential: unknown;
  /** Where it sits in the input, e.g. "[0].credentialSubject.verifiableCredential[2]". */
  path: string;
  /** Why it is not verified at all (nested too deep): the pipeline reports it failed. */
  refused?: string;
}

/** Presentations and CLRs nest at most this deep; deeper credentials are reported failed, never silently dropped. */
export const MAX_NESTING_DEPTH = 4;

export function typesOf(document: unknown): string[] {
  const type = (document as { type?: unknown } | null)?.type;
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  return typeof type === "string" ? [type] : [];
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function flattenBundle(inputs: readonly unknown[], limit = Number.POSITIVE_INFINITY): BundleEntry[] {
  const entries: BundleEntry[] = [];
  const visit = (document: unknown, path: string, depth: number) => {
    // Past the limit the caller refuses the input anyway: stop walking a hostile one.
    if (entries.length > limit) return;
    if (depth > MAX_NESTING_DEPTH) {
      entries.push({ credential: document, path, refused: `it is nested more than ${MAX_NESTING_DEPTH} presentations or CLRs deep, so it was not verified` });
      return;
    }
    const types = typesOf(document);
    if (types.includes("VerifiablePresentation")) {
      // The presentation's own proof binds the holder; the credentials inside are what we verify.
      asArray((document as { verifiableCredential?: unknown }).verifiableCredential).forEach((inner, i) =>
        visit(inner, `${path}.verifiableCredential[${i}]`, depth + 1),
      );
      return;
    }
    entries.push({ credential: document, path });
    // A CLR is a credential of its own (signed by the CLR's issuer) wrapping others. Depth is
    // bounded so a hostile document cannot make us recurse forever.
    if (types.includes("ClrCredential")) {
      const subject = (document as { credentialSubject?: { verifiableCredential?: unknown } }).credentialSubject;
      asArray(subject?.verifiableCredential).forEach((inner, i) => visit(inner, `${path}.credentialSubject.verifiableCredential[${i}]`, depth + 1));
    }
  };
  inputs.forEach((input, i) => visit(input, `[${i}]`, 0));
  return entries;
}
