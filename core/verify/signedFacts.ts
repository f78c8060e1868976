/**
 * Facts from what was signed.
 *
 * The verdict reads a credential's issuer, types, subject, validity dates and status entries.
 * Read from JSON keys, those facts can be hidden without touching the signature: JSON-LD lets a
 * credential spell `credentialStatus` as its IRI, a compact IRI (`cred:credentialStatus`) or an
 * alias from an inline `@context`, wrap the credential in `@graph`, add facts to it from an
 * `@included` node or any other node object with the credential's `id` (node objects merge by
 * id), or write a type so that a reader of JSON keys no longer recognises it. The RDF — what the
 * issuer signed — stays the same, so the signature still verifies.
 *
 * So the facts are read a second time, from the canonical N-Quads the signature check already
 * hashed (no second JSON-LD expansion), and the JSON reading must agree with them fact by fact.
 * Whatever the JSON cannot show, or shows differently, makes the credential fail: a rewritten
 * term is never "not there".
 *
 * Browser-safe, no imports: both halves are plain data. `SignedFacts` crosses worker boundaries
 * by structured clone (strings, arrays, plain objects only).
 *
 * IRIs (facts, from the pinned contexts): VC 2.0 context https://www.w3.org/ns/credentials/v2
 * (and VC 1.1 for issuanceDate / expirationDate), OB 3.0.3 context, CLR 2.0.1 context
 * (ClrCredential), the Bitstring Status List vocabulary.
 */

const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const CRED = "https://www.w3.org/2018/credentials#";
const STATUS = "https://www.w3.org/ns/credentials/status#";
const OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#";
const CLR = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#";

const VERIFIABLE_CREDENTIAL = `${CRED}VerifiableCredential`;

/** The credential's predicates the verdict reads, by the name the JSON uses for them. */
const DATE_PREDICATES = {
  validFrom: `${CRED}validFrom`,
  validUntil: `${CRED}validUntil`,
  issuanceDate: `${CRED}issuanceDate`,
  expirationDate: `${CRED}expirationDate`,
} as const;
export type DateFact = keyof typeof DATE_PREDICATES;
const ISSUER = `${CRED}issuer`;
const CREDENTIAL_SUBJECT = `${CRED}credentialSubject`;
const CREDENTIAL_STATUS = `${CRED}credentialStatus`;
const STATUS_PURPOSE = `${STATUS}statusPurpose`;
const STATUS_LIST_INDEX = `${STATUS}statusListIndex`;
const STATUS_LIST_CREDENTIAL = `${STATUS}statusListCredential`;

/**
 * The type names the verdict (or the report) looks for, and the IRI each stands for under the
 * credential contexts. `AchievementCredential` is an alias of `OpenBadgeCredential` in OB 3.0.3.
 * A type the verdict never looks at needs no entry: hiding it changes nothing.
 */
const VERDICT_TYPES: Readonly<Record<string, string>> = {
  VerifiableCredential: VERIFIABLE_CREDENTIAL,
  VerifiablePresentation: `${CRED}VerifiablePresentation`,
  OpenBadgeCredential: `${OB}OpenBadgeCredential`,
  AchievementCredential: `${OB}OpenBadgeCredential`,
  EndorsementCredential: `${OB}EndorsementCredential`,
  ClrCredential: `${CLR}ClrCredential`,
  BitstringStatusListCredential: `${STATUS}BitstringStatusListCredential`,
  BitstringStatusListEntry: `${STATUS}BitstringStatusListEntry`,
};
const VERDICT_TYPE_IRIS = new Set(Object.values(VERDICT_TYPES));

/** One `credentialStatus` entry as signed. Values are lexical forms (N-Quads literals unescaped). */
export interface SignedStatusEntry {
  /** The entry's IRI; absent for a blank node. */
  id?: string;
  /** Its types among the verdict's (IRIs), sorted. */
  types: string[];
  statusPurpose: string[];
  statusListIndex: string[];
  statusListCredential: string[];
}

/** The facts of the credential node of the signed dataset. Plain data (structured-clone-safe). */
export interface SignedFacts {
  /** The credential's IRI; absent when the credential is a blank node (no `id`). */
  credentialId?: string;
  /** Its types among the verdict's (IRIs), sorted. */
  types: string[];
  /** `issuer` values: the IRI, or null for a blank node, or a literal's N-Quads form. */
  issuers: (string | null)[];
  /** `credentialSubject` values, as `issuers`. */
  subjects: (string | null)[];
  /** Lexical forms of each date, in the order signed (canonical order). */
  dates: Record<DateFact, string[]>;
  statusEntries: SignedStatusEntry[];
}

/** `readSignedFacts`'s answer: the facts, or why the signed content holds no readable credential. */
export type SignedFactsReading = { ok: true; facts: SignedFacts } | { ok: false; problem: string };

// ---- canonical N-Quads ------------------------------------------------------------------------

/** A term: "<iri>"-less IRI text, "_:label", or a literal. */
type Term = { kind: "iri"; value: string } | { kind: "blank"; value: string } | { kind: "literal"; value: string; raw: string };

interface ParsedQuad {
  subject: Term;
  predicate: string;
  object: Term;
  /** Graph name key ("" for the default graph). */
  graph: string;
}

class NQuadsSyntaxError extends Error {}

/**
 * Parses canonical N-Quads (RDFC-1.0 output: one quad per line, single spaces, `_:c14nN` blank
 * nodes, escapes as rdf-canonize writes them). Anything else throws: the input is our own
 * canonicaliser's output, so a parse failure is reported, never guessed around.
 */
function parseCanonicalNQuads(nquads: string): ParsedQuad[] {
  const quads: ParsedQuad[] = [];
  let position = 0;
  const length = nquads.length;
  while (position < length) {
    const end = nquads.indexOf("\n", position);
    if (end === -1) throw new NQuadsSyntaxError("the last line has no newline");
    const line = nquads.slice(position, end);
    position = end + 1;
    if (line.length === 0) continue;
    let at = 0;
    const read = (): Term => {
      const { term, next } = readTerm(line, at);
      at = next;
      if (line[at] !== " ") throw new NQuadsSyntaxError(`expected a space after a term in ${JSON.stringify(line)}`);
      at += 1;
      return term;
    };
    const subject = read();
    const predicate = read();
    const object = read();
    let graph = "";
    if (line[at] !== ".") {
      const name = read();
      graph = keyOf(name);
    }
    if (line.slice(at) !== ".") throw new NQuadsSyntaxError(`expected the end of the quad in ${JSON.stringify(line)}`);
    if (predicate.kind !== "iri" || subject.kind === "literal") throw new NQuadsSyntaxError(`not a quad: ${JSON.stringify(line)}`);
    quads.push({ subject, predicate: predicate.value, object, graph });
  }
  return quads;
}

function readTerm(line: string, at: number): { term: Term; next: number } {
  const first = line[at];
  if (first === "<") {
    const close = line.indexOf(">", at);
    if (close === -1) throw new NQuadsSyntaxError(`unterminated IRI in ${JSON.stringify(line)}`);
    return { term: { kind: "iri", value: unescape(line.slice(at + 1, close)) }, next: close + 1 };
  }
  if (first === "_" && line[at + 1] === ":") {
    const space = line.indexOf(" ", at);
    if (space === -1) throw new NQuadsSyntaxError(`unterminated blank node in ${JSON.stringify(line)}`);
    return { term: { kind: "blank", value: line.slice(at, space) }, next: space };
  }
  if (first === '"') {
    let close = at + 1;
    while (close < line.length && line[close] !== '"') close += line[close] === "\\" ? 2 : 1;
    if (close >= line.length) throw new NQuadsSyntaxError(`unterminated literal in ${JSON.stringify(line)}`);
    let next = close + 1;
    if (line.startsWith("^^<", next)) {
      const end = line.indexOf(">", next);
      if (end === -1) throw new NQuadsSyntaxError(`unterminated datatype in ${JSON.stringify(line)}`);
      next = end + 1;
    } else if (line[next] === "@") {
      const end = line.indexOf(" ", next);
      next = end === -1 ? line.length : end;
    }
    return { term: { kind: "literal", value: unescape(line.slice(at + 1, close)), raw: line.slice(at, next) }, next };
  }
  throw new NQuadsSyntaxError(`unexpected term in ${JSON.stringify(line)}`);
}

const ESCAPES: Readonly<Record<string, string>> = { t: "\t", b: "\b", n: "\n", r: "\r", f: "\f", '"': '"', "'": "'", "\\": "\\" };

function unescape(text: string): string {
  if (!text.includes("\\")) return text;
  return text.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (whole, u4: string | undefined, u8: string | undefined, single: string | undefined) => {
    if (u4 !== undefined) return String.fromCharCode(parseInt(u4, 16));
    if (u8 !== undefined) return String.fromCodePoint(parseInt(u8, 16));
    const replacement = ESCAPES[single!];
    if (replacement === undefined) throw new NQuadsSyntaxError(`unknown escape ${whole}`);
    return replacement;
  });
}

function keyOf(term: Term): string {
  return term.kind === "literal" ? term.raw : term.kind === "iri" ? `<${term.value}>` : term.value;
}

// ---- the credential node and its facts ----------------------------------------------------------

/**
 * The facts of the credential at the top of the signed content (canonical N-Quads of the
 * credential without its proofs). `jsonId` is the credential's JSON `id`.
 *
 * The credential node is the IRI of `jsonId` when it is a string (genuine credentials may point
 * to themselves, as 1EdTech's refreshService samples do), else the one blank default-graph
 * node typed VerifiableCredential that no default-graph statement points to (embedded
 * credentials, such as endorsements, are pointed to). It must be typed VerifiableCredential,
 * there must be no other such top-level credential beside it, and nothing may be said about it
 * inside a named graph: any other shape is refused rather than interpreted.
 */
export function readSignedFacts(nquads: string, jsonId?: unknown): SignedFactsReading {
  let quads: ParsedQuad[];
  try {
    quads = parseCanonicalNQuads(nquads);
  } catch (error) {
    return { ok: false, problem: `the signed content cannot be read: ${(error as Error).message}` };
  }
  const candidates = new Set<string>();
  const pointedTo = new Map<string, Set<string>>();
  for (const quad of quads) {
    if (quad.graph !== "") continue;
    if (quad.object.kind !== "literal") {
      const object = keyOf(quad.object);
      let by = pointedTo.get(object);
      if (by === undefined) pointedTo.set(object, (by = new Set()));
      by.add(keyOf(quad.subject));
    }
    if (quad.predicate === RDF_TYPE && quad.object.kind === "iri" && quad.object.value === VERIFIABLE_CREDENTIAL) {
      candidates.add(keyOf(quad.subject));
    }
  }
  const refuse = (what: string): SignedFactsReading => ({ ok: false, problem: `what was signed ${what}, so it is not one credential; rewritten credentials are refused` });
  // A top-level credential: nothing but itself points to it.
  const isRoot = (key: string) => [...(pointedTo.get(key) ?? [])].every((subject) => subject === key);
  let credential: string;
  if (typeof jsonId === "string") {
    credential = `<${jsonId}>`;
    if (!candidates.has(credential)) return refuse(`holds no VerifiableCredential with the id ${jsonId}`);
  } else {
    const roots = [...candidates].filter(isRoot);
    if (roots.length !== 1) {
      return refuse(roots.length === 0 ? "holds no VerifiableCredential at its top" : `holds ${roots.length} VerifiableCredentials at its top`);
    }
    credential = roots[0]!;
  }
  const others = [...candidates].filter((key) => key !== credential && isRoot(key));
  if (others.length > 0) return refuse(`holds another VerifiableCredential beside it (${others[0]!.startsWith("<") ? others[0]!.slice(1, -1) : "one without id"})`);

  const facts: SignedFacts = {
    types: [],
    issuers: [],
    subjects: [],
    dates: { validFrom: [], validUntil: [], issuanceDate: [], expirationDate: [] },
    statusEntries: [],
  };
  if (credential.startsWith("<")) facts.credentialId = credential.slice(1, -1);
  const statusNodes: Term[] = [];
  // Everything said about each node, for the status entries (read after the credential's own).
  const bySubject = new Map<string, ParsedQuad[]>();
  for (const quad of quads) {
    const subject = keyOf(quad.subject);
    if (quad.graph !== "") {
      if (subject === credential || quad.graph === credential) {
        return { ok: false, problem: "what was signed says things about the credential inside a named graph (an @graph wrapper); rewritten credentials are refused" };
      }
      continue;
    }
    let said = bySubject.get(subject);
    if (said === undefined) bySubject.set(subject, (said = []));
    said.push(quad);
    if (subject !== credential) continue;
    switch (quad.predicate) {
      case RDF_TYPE:
        if (quad.object.kind === "iri" && VERDICT_TYPE_IRIS.has(quad.object.value)) facts.types.push(quad.object.value);
        break;
      case ISSUER:
        facts.issuers.push(nodeValue(quad.object));
        break;
      case CREDENTIAL_SUBJECT:
        facts.subjects.push(nodeValue(quad.object));
        break;
      case CREDENTIAL_STATUS:
        statusNodes.push(quad.object);
        break;
      default:
        for (const name of Object.keys(DATE_PREDICATES) as DateFact[]) {
          if (quad.predicate === DATE_PREDICATES[name]) facts.dates[name].push(literalValue(quad.object));
        }
    }
  }
  for (const node of statusNodes) {
    const entry: SignedStatusEntry = { types: [], statusPurpose: [], statusListIndex: [], statusListCredential: [] };
    if (node.kind === "iri") entry.id = node.value;
    if (node.kind === "literal") entry.id = node.raw;
    for (const quad of bySubject.get(keyOf(node)) ?? []) {
      if (quad.predicate === RDF_TYPE && quad.object.kind === "iri" && VERDICT_TYPE_IRIS.has(quad.object.value)) entry.types.push(quad.object.value);
      else if (quad.predicate === STATUS_PURPOSE) entry.statusPurpose.push(literalValue(quad.object));
      else if (quad.predicate === STATUS_LIST_INDEX) entry.statusListIndex.push(literalValue(quad.object));
      else if (quad.predicate === STATUS_LIST_CREDENTIAL) entry.statusListCredential.push(nodeValue(quad.object) ?? "(a blank node)");
    }
    entry.types.sort();
    facts.statusEntries.push(entry);
  }
  facts.types.sort();
  return { ok: true, facts };
}

/** A node value: its IRI, null for a blank node, a literal in its N-Quads form (never equal to an id). */
function nodeValue(term: Term): string | null {
  return term.kind === "iri" ? term.value : term.kind === "blank" ? null : term.raw;
}

/** A literal's lexical form; a node in a literal's place keeps its N-Quads form (never equal to JSON text). */
function literalValue(term: Term): string {
  return term.kind === "literal" ? term.value : keyOf(term);
}

// ---- the JSON reading against them --------------------------------------------------------------

/** The first disagreement between the signed facts and the credential's JSON, in a sentence. */
export function disagreementWithJson(signed: SignedFacts, credential: Record<string, unknown>): string | undefined {
  const refused = "; rewritten terms are refused";
  const says = (fact: string, signedText: string, jsonText: string) => `what was signed says ${fact} ${signedText} but the credential's JSON ${jsonText}${refused}`;

  // id
  const jsonId = credential.id;
  if (signed.credentialId !== undefined ? jsonId !== signed.credentialId : jsonId !== undefined) {
    return says("id", signed.credentialId ?? "(none: a blank node)", jsonId === undefined ? "does not show it" : `shows ${show(jsonId)}`);
  }

  // types
  const jsonTypes = verdictTypesOf(credential.type);
  if (jsonTypes === null) return says("type", listText(signed.types.map(typeName)), `has a type that is not a string or an array of strings: ${show(credential.type)}`);
  const typeDisagreement = differenceText(signed.types, jsonTypes, typeName);
  if (typeDisagreement) return says("type", listText(signed.types.map(typeName)), typeDisagreement);

  // issuer
  const jsonIssuers = nodeIdsOf(credential.issuer);
  if (!sameMultiset(signed.issuers, jsonIssuers)) {
    return says("issuer", listText(signed.issuers.map(nodeText)), jsonIssuers === null ? `has an issuer it cannot read: ${show(credential.issuer)}` : shows(jsonIssuers.map(nodeText)));
  }

  // validity dates
  for (const name of Object.keys(signed.dates) as DateFact[]) {
    const signedDates = signed.dates[name];
    const value = credential[name];
    const jsonDates = value === undefined ? [] : typeof value === "string" ? [value] : null;
    if (jsonDates === null || !sameMultiset(signedDates, jsonDates)) {
      const jsonText = value === undefined ? "does not show it" : jsonDates === null ? `has ${name} as ${show(value)}, not as a date string` : `shows ${name} ${value}`;
      return says(name, signedDates.length === 0 ? "nothing" : listText(signedDates), jsonText);
    }
  }

  // subject
  const jsonSubjects = nodeIdsOf(credential.credentialSubject);
  if (!sameMultiset(signed.subjects, jsonSubjects)) {
    return says("credentialSubject", listText(signed.subjects.map(nodeText)), jsonSubjects === null ? `has a credentialSubject it cannot read: ${show(credential.credentialSubject)}` : shows(jsonSubjects.map(nodeText)));
  }

  // status entries
  const jsonEntries = statusEntriesOf(credential.credentialStatus);
  const signedKeys = signed.statusEntries.map(statusKey).sort();
  const jsonKeys = jsonEntries === null ? null : jsonEntries.map(statusKey).sort();
  if (jsonKeys === null || !sameList(signedKeys, jsonKeys)) {
    const jsonText =
      jsonEntries === null
        ? `has a credentialStatus it cannot read: ${show(credential.credentialStatus)}`
        : jsonEntries.length === 0
          ? "does not show it"
          : `shows ${listText(jsonEntries.map(statusText))}`;
    return says("credentialStatus", signed.statusEntries.length === 0 ? "nothing" : listText(signed.statusEntries.map(statusText)), jsonText);
  }
  return undefined;
}

/** The JSON's types as the verdict's IRIs (sorted); null when `type` is not strings. */
function verdictTypesOf(type: unknown): string[] | null {
  const names = type === undefined ? [] : typeof type === "string" ? [type] : Array.isArray(type) && type.every((t) => typeof t === "string") ? (type as string[]) : null;
  if (names === null) return null;
  return [...new Set(names.map((name) => VERDICT_TYPES[name]).filter((iri): iri is string => iri !== undefined))].sort();
}

/** What differs between the signed types and the JSON's, or "" when nothing does. */
function differenceText(signed: readonly string[], json: readonly string[], name: (iri: string) => string): string {
  const unique = [...new Set(signed)];
  const hidden = unique.filter((iri) => !json.includes(iri));
  if (hidden.length > 0) return `does not show ${listText(hidden.map(name))}`;
  const extra = json.filter((iri) => !unique.includes(iri));
  if (extra.length > 0) return `shows ${listText(extra.map(name))}, which was not signed`;
  return "";
}

/** Ids of a node-valued JSON field (a string id, an object with or without `id`, or an array of those); null when unreadable. */
function nodeIdsOf(value: unknown): (string | null)[] | null {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  const ids: (string | null)[] = [];
  for (const item of items) {
    if (typeof item === "string") ids.push(item);
    else if (typeof item === "object" && item !== null && !Array.isArray(item)) {
      const id = (item as { id?: unknown }).id;
      if (id === undefined) ids.push(null);
      else if (typeof id === "string") ids.push(id);
      else return null;
    } else return null;
  }
  return ids;
}

/** The JSON's status entries in the signed shape; null when `credentialStatus` is unreadable. */
function statusEntriesOf(value: unknown): SignedStatusEntry[] | null {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  const entries: SignedStatusEntry[] = [];
  for (const item of items) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return null;
    const fields = item as Record<string, unknown>;
    const types = verdictTypesOf(fields.type);
    const statusPurpose = literalsOf(fields.statusPurpose);
    const statusListIndex = literalsOf(fields.statusListIndex);
    const statusListCredential = literalsOf(fields.statusListCredential);
    if (types === null || statusPurpose === null || statusListIndex === null || statusListCredential === null) return null;
    if (fields.id !== undefined && typeof fields.id !== "string") return null;
    const entry: SignedStatusEntry = { types, statusPurpose, statusListIndex, statusListCredential };
    if (typeof fields.id === "string") entry.id = fields.id;
    entries.push(entry);
  }
  return entries;
}

/**
 * A JSON scalar as the lexical form JSON-LD gives it (strings as they are, integers in decimal,
 * booleans as "true"/"false"); null for anything a JSON reader would not read as one value.
 */
function literalsOf(value: unknown): string[] | null {
  if (value === undefined) return [];
  if (typeof value === "string" || typeof value === "boolean") return [String(value)];
  if (typeof value === "number" && Number.isSafeInteger(value)) return [String(value)];
  return null;
}

function statusKey(entry: SignedStatusEntry): string {
  return JSON.stringify([entry.id ?? null, entry.types, [...entry.statusPurpose].sort(), [...entry.statusListIndex].sort(), [...entry.statusListCredential].sort()]);
}

function statusText(entry: SignedStatusEntry): string {
  const parts = [
    entry.types.length > 0 ? entry.types.map(typeName).join("/") : "an entry without a type the verifier reads",
    entry.statusPurpose.length > 0 ? entry.statusPurpose.join("+") : undefined,
    entry.statusListIndex.length > 0 ? `index ${entry.statusListIndex.join("+")}` : undefined,
    entry.statusListCredential.length > 0 ? `of ${entry.statusListCredential.join(" + ")}` : undefined,
  ];
  return parts.filter((part) => part !== undefined).join(" ");
}

function typeName(iri: string): string {
  const name = Object.keys(VERDICT_TYPES).find((key) => VERDICT_TYPES[key] === iri);
  return name ?? iri;
}

function nodeText(id: string | null): string {
  return id ?? "(an object without id)";
}

function shows(items: readonly string[]): string {
  return items.length === 0 ? "does not show it" : `shows ${listText(items)}`;
}

function listText(items: readonly string[]): string {
  return items.length === 0 ? "nothing" : items.join(", ");
}

function sameMultiset<T extends string | null>(a: readonly T[], b: readonly T[] | null): boolean {
  if (b === null || a.length !== b.length) return false;
  const order = (x: T) => (x === null ? "\u0000" : `\u0001${x}`);
  return sameList(a.map(order).sort(), b.map(order).sort());
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
