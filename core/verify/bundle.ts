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
}

export function typesOf(document: unknown): string[] {
  const type = (document as { type?: unknown } | null)?.type;
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  return typeof type === "string" ? [type] : [];
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function flattenBundle(inputs: readonly unknown[]): BundleEntry[] {
  const entries: BundleEntry[] = [];
  const visit = (document: unknown, path: string, depth: number) => {
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
    if (types.includes("ClrCredential") && depth < 4) {
      const subject = (document as { credentialSubject?: { verifiableCredential?: unknown } }).credentialSubject;
      asArray(subject?.verifiableCredential).forEach((inner, i) => visit(inner, `${path}.credentialSubject.verifiableCredential[${i}]`, depth + 1));
    }
  };
  inputs.forEach((input, i) => visit(input, `[${i}]`, 0));
  return entries;
}
