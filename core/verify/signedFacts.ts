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
 * So the facts are read a second time, from what the signature check already canonicalised
 * and hashed — the fast path's dataset, or else the canonical N-Quads text; never a second
 * JSON-LD expansion — and the JSON reading must agree with them fact by fact.
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
const DATE_FACTS = Object.keys(DATE_PREDICATES) as DateFact[];
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
/** The same as a Map, so a JSON type such as "constructor" finds nothing. */
const VERDICT_TYPE_BY_NAME = new Map(Object.entries(VERDICT_TYPES));

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
  /** Lexical forms of each date, sorted (one each in a well-formed credential). */
  dates: Record<DateFact, string[]>;
  statusEntries: SignedStatusEntry[];
}

/** `readSignedFacts`'s answer: the facts, or why the signed content holds no readable credential. */
export type SignedFactsReading = { ok: true; facts: SignedFacts } | { ok: false; problem: string };

// ---- canonical N-Quads ------------------------------------------------------------------------
//
// This runs for every credential a verifier checks, so it reads the text as it is: terms stay
// in their serialised form ("<iri>", "_:c14n0", "\"lexical\"^^<datatype>") and only the values
// the facts need are unescaped. Canonical N-Quads make that exact: one quad per line, single
// spaces, IRIs and blank node labels without spaces (a space in an IRI is written \u0020).

/** One quad in its serialised terms; `graph` is "" for the default graph. */
interface RawQuad {
  subject: string;
  predicate: string;
  object: string;
  graph: string;
}

class NQuadsSyntaxError extends Error {}

const IRI_SPECIAL = /[\u0000-\u0020<>"{}|^`\\]/;
const IRI_SPECIALS = /[\u0000-\u0020<>"{}|^`\\]/g;

/** `<iri>` as canonical N-Quads writes it (rdf-canonize's escaping; see core/credential/fast/nquads.ts). */
function iriToken(iri: string): string {
  if (!IRI_SPECIAL.test(iri)) return `<${iri}>`;
  return `<${iri.replace(IRI_SPECIALS, (c) => "\\u" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0"))}>`;
}

const TYPE_TOKEN = iriToken(RDF_TYPE);
const VC_TOKEN = iriToken(VERIFIABLE_CREDENTIAL);
const ISSUER_TOKEN = iriToken(ISSUER);
const SUBJECT_TOKEN = iriToken(CREDENTIAL_SUBJECT);
const STATUS_TOKEN = iriToken(CREDENTIAL_STATUS);
const PURPOSE_TOKEN = iriToken(STATUS_PURPOSE);
const INDEX_TOKEN = iriToken(STATUS_LIST_INDEX);
const LIST_TOKEN = iriToken(STATUS_LIST_CREDENTIAL);
const DATE_TOKENS = new Map<string, DateFact>(DATE_FACTS.map((name) => [iriToken(DATE_PREDICATES[name]), name]));
const VERDICT_TYPE_TOKENS = new Map([...VERDICT_TYPE_IRIS].map((iri) => [iriToken(iri), iri]));
/** How every fact predicate's token but rdf:type's starts: a cheap first test on each line. */
const FACT_PREDICATE_START = "<https://www.w3.org/";
const TYPE_TOKEN_SPACE = `${TYPE_TOKEN} `;
/** Predicates whose quads the facts are read from. */
const FACT_PREDICATES = new Set([TYPE_TOKEN, ISSUER_TOKEN, SUBJECT_TOKEN, STATUS_TOKEN, PURPOSE_TOKEN, INDEX_TOKEN, LIST_TOKEN, ...DATE_TOKENS.keys()]);
// The skip test in scanQuads relies on it.
for (const token of FACT_PREDICATES) {
  if (token !== TYPE_TOKEN && !token.startsWith(FACT_PREDICATE_START)) throw new Error(`invariant: fact predicate ${token} has no listed start`);
}

/**
 * Splits the canonical N-Quads line `text[start, end)` into its serialised terms. Throws on
 * anything else: the input is our canonicaliser's own output, so a surprise is reported, never
 * guessed around.
 */
function splitQuad(text: string, start: number, end: number): RawQuad {
  const bad = () => new NQuadsSyntaxError(`not a canonical quad: ${JSON.stringify(text.slice(start, end))}`);
  const afterSubject = text.indexOf(" ", start);
  const afterPredicate = afterSubject === -1 ? -1 : text.indexOf(" ", afterSubject + 1);
  if (afterPredicate === -1 || afterPredicate >= end) throw bad();
  const objectStart = afterPredicate + 1;
  let objectEnd: number;
  if (text.charCodeAt(objectStart) === 34 /* " */) {
    let close = objectStart + 1;
    while (close < end && text.charCodeAt(close) !== 34) close += text.charCodeAt(close) === 92 /* \ */ ? 2 : 1;
    if (close >= end) throw bad();
    objectEnd = text.indexOf(" ", close + 1);
  } else {
    objectEnd = text.indexOf(" ", objectStart);
  }
  // What follows the object: " ." (default graph) or " <graph> ." / " _:label .".
  if (objectEnd === -1 || objectEnd + 2 > end || text.charCodeAt(end - 1) !== 46 /* . */ || text.charCodeAt(end - 2) !== 32) throw bad();
  const graph = objectEnd + 2 === end ? "" : text.slice(objectEnd + 1, end - 2);
  const quad = { subject: text.slice(start, afterSubject), predicate: text.slice(afterSubject + 1, afterPredicate), object: text.slice(objectStart, objectEnd), graph };
  if (!isNodeToken(quad.subject) || !isIriToken(quad.predicate) || !(quad.object.startsWith('"') || isNodeToken(quad.object)) || (graph !== "" && (graph.includes(" ") || !isNodeToken(graph)))) {
    throw bad();
  }
  return quad;
}

function isIriToken(token: string): boolean {
  return token.length >= 2 && token.startsWith("<") && token.endsWith(">");
}

function isNodeToken(token: string): boolean {
  return isIriToken(token) || (token.startsWith("_:") && token.length > 2);
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

/** Sorts node values, blank nodes (null) first. */
function sortValues(values: (string | null)[]): void {
  if (values.length > 1) values.sort((a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1));
}

/** A node value: its IRI, null for a blank node, a literal in its N-Quads form (never equal to an id). */
function nodeValue(token: string): string | null {
  if (token.startsWith("<")) return unescape(token.slice(1, -1));
  return token.startsWith("_:") ? null : token;
}

/** A literal's lexical form; a node in a literal's place keeps its N-Quads form (never equal to JSON text). */
function literalValue(token: string): string {
  if (!token.startsWith('"')) return token;
  return unescape(token.slice(1, token.lastIndexOf('"')));
}

interface Scan {
  /** Default-graph subjects typed VerifiableCredential. */
  candidates: Set<string>;
  /** Default-graph links between nodes, flat: subject, object, subject, object... (only when asked). */
  links: string[];
  /** Subjects and graph names of the named-graph quads read, flat. */
  named: string[];
  /** Default-graph quads of the predicates facts are read from. */
  factQuads: RawQuad[];
}

/**
 * One pass over the lines. Without `allLinks`, a line whose predicate is no fact predicate is
 * split only when it might name `credential` as its graph; with it, every line is split.
 */
function scanQuads(nquads: string, credential: string | undefined, allLinks: boolean): Scan | { problem: string } {
  const scan: Scan = { candidates: new Set(), links: [], named: [], factQuads: [] };
  const graphEnding = credential === undefined ? undefined : ` ${credential} .`;
  try {
    let position = 0;
    while (position < nquads.length) {
      const end = nquads.indexOf("\n", position);
      if (end === -1) throw new NQuadsSyntaxError("the last line has no newline");
      const start = position;
      position = end + 1;
      if (!allLinks) {
        // Most lines end here, without a string being made: their predicate is no fact
        // predicate (every fact predicate starts with one of FACT_PREDICATE_STARTS), and they
        // do not end with the credential as a graph name.
        const predicateStart = nquads.indexOf(" ", start) + 1;
        if (predicateStart === 0 || predicateStart > end) throw new NQuadsSyntaxError(`not a quad: ${JSON.stringify(nquads.slice(start, end))}`);
        let maybeFact: boolean;
        if (nquads.startsWith(TYPE_TOKEN_SPACE, predicateStart)) {
          // A type matters only when the verdict reads it (most nodes have other types).
          const objectStart = predicateStart + TYPE_TOKEN_SPACE.length;
          const objectEnd = nquads.indexOf(">", objectStart) + 1;
          maybeFact = objectEnd === 0 || objectEnd > end || VERDICT_TYPE_TOKENS.has(nquads.slice(objectStart, objectEnd));
        } else {
          maybeFact = nquads.startsWith(FACT_PREDICATE_START, predicateStart);
        }
        if (!maybeFact && !nquads.endsWith(graphEnding!, end)) continue;
      }
      const quad = splitQuad(nquads, start, end);
      if (quad.graph !== "") {
        scan.named.push(quad.subject, quad.graph);
        continue;
      }
      if (allLinks && !quad.object.startsWith('"')) scan.links.push(quad.subject, quad.object);
      if (!FACT_PREDICATES.has(quad.predicate)) continue;
      if (quad.predicate === TYPE_TOKEN && quad.object === VC_TOKEN) scan.candidates.add(quad.subject);
      scan.factQuads.push(quad);
    }
  } catch (error) {
    return { problem: `the signed content cannot be read: ${(error as Error).message}` };
  }
  return scan;
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
  // The common case — the JSON names the credential — needs only the quads of fact predicates
  // and the lines that could name the credential as a graph, so every other line is skipped
  // after a look at its predicate. Without an id, or with other credentials inside, every link
  // between nodes is read too, to find the top-level ones.
  const knownCredential = typeof jsonId === "string" ? iriToken(jsonId) : undefined;
  let scan = scanQuads(nquads, knownCredential, knownCredential === undefined);
  if ("problem" in scan) return { ok: false, problem: scan.problem };
  if (knownCredential !== undefined && scan.candidates.size > 1) {
    scan = scanQuads(nquads, knownCredential, true);
    if ("problem" in scan) return { ok: false, problem: scan.problem };
  }
  return factsOf(scan, knownCredential, jsonId);
}

/**
 * A quad of the fast path's dataset (core/credential/fast/dataset.ts): terms serialised exactly
 * as canonical N-Quads writes them, except blank nodes, which are numbers before labelling.
 */
export interface DatasetQuad {
  readonly subject: number | string;
  readonly predicate: string;
  readonly object: number | string;
  readonly graph: number | string | null;
}

/**
 * `readSignedFacts` over the dataset the fast eddsa-rdfc-2022 path canonicalised, instead of
 * its text: the same facts (canonical N-Quads are that dataset, relabelled and sorted; blank
 * nodes never appear in facts but as "no id"), without reading the text again.
 */
export function readSignedFactsFromDataset(quads: readonly DatasetQuad[], jsonId?: unknown): SignedFactsReading {
  const scan: Scan = { candidates: new Set(), links: [], named: [], factQuads: [] };
  const token = (term: number | string) => (typeof term === "number" ? `_:b${term}` : term);
  for (const quad of quads) {
    if (quad.graph !== null) {
      scan.named.push(token(quad.subject), token(quad.graph));
      continue;
    }
    const object = token(quad.object);
    const objectIsNode = !object.startsWith('"');
    if (objectIsNode) scan.links.push(token(quad.subject), object);
    if (!FACT_PREDICATES.has(quad.predicate)) continue;
    const subject = token(quad.subject);
    if (quad.predicate === TYPE_TOKEN && object === VC_TOKEN) scan.candidates.add(subject);
    scan.factQuads.push({ subject, predicate: quad.predicate, object, graph: "" });
  }
  const knownCredential = typeof jsonId === "string" ? iriToken(jsonId) : undefined;
  return factsOf(scan, knownCredential, jsonId);
}

/** The credential node of a scan and its facts (see `readSignedFacts`). */
function factsOf(scan: Scan, knownCredential: string | undefined, jsonId: unknown): SignedFactsReading {
  const { candidates, links, named, factQuads } = scan;

  const refuse = (what: string): SignedFactsReading => ({ ok: false, problem: `what was signed ${what}, so it is not one credential; rewritten credentials are refused` });
  // A top-level credential: nothing but itself points to it.
  const pointedTo = new Set<string>();
  for (let i = 0; i < links.length; i += 2) {
    if (candidates.has(links[i + 1]!) && links[i] !== links[i + 1]) pointedTo.add(links[i + 1]!);
  }
  const roots = [...candidates].filter((key) => !pointedTo.has(key));
  let credential: string;
  if (knownCredential !== undefined) {
    credential = knownCredential;
    if (!candidates.has(credential)) return refuse(`holds no VerifiableCredential with the id ${jsonId as string}`);
  } else {
    if (roots.length !== 1) {
      return refuse(roots.length === 0 ? "holds no VerifiableCredential at its top" : `holds ${roots.length} VerifiableCredentials at its top`);
    }
    credential = roots[0]!;
  }
  const other = roots.find((key) => key !== credential);
  if (other !== undefined) return refuse(`holds another VerifiableCredential beside it (${nodeValue(other) ?? "one without id"})`);
  for (let i = 0; i < named.length; i += 2) {
    if (named[i] === credential || named[i + 1] === credential) {
      return { ok: false, problem: "what was signed says things about the credential inside a named graph (an @graph wrapper); rewritten credentials are refused" };
    }
  }

  const facts: SignedFacts = {
    types: [],
    issuers: [],
    subjects: [],
    dates: { validFrom: [], validUntil: [], issuanceDate: [], expirationDate: [] },
    statusEntries: [],
  };
  const credentialId = nodeValue(credential);
  if (credentialId !== null) facts.credentialId = credentialId;
  const statusNodes: string[] = [];
  try {
    for (const quad of factQuads) {
      if (quad.subject !== credential) continue;
      switch (quad.predicate) {
        case TYPE_TOKEN: {
          const iri = VERDICT_TYPE_TOKENS.get(quad.object);
          if (iri !== undefined) facts.types.push(iri);
          break;
        }
        case ISSUER_TOKEN:
          facts.issuers.push(nodeValue(quad.object));
          break;
        case SUBJECT_TOKEN:
          facts.subjects.push(nodeValue(quad.object));
          break;
        case STATUS_TOKEN:
          statusNodes.push(quad.object);
          break;
        default: {
          const date = DATE_TOKENS.get(quad.predicate);
          if (date !== undefined) facts.dates[date].push(literalValue(quad.object));
        }
      }
    }
    for (const node of statusNodes) {
      const entry: SignedStatusEntry = { types: [], statusPurpose: [], statusListIndex: [], statusListCredential: [] };
      const id = nodeValue(node);
      if (id !== null) entry.id = id;
      for (const quad of factQuads) {
        if (quad.subject !== node) continue;
        if (quad.predicate === TYPE_TOKEN) {
          const iri = VERDICT_TYPE_TOKENS.get(quad.object);
          if (iri !== undefined) entry.types.push(iri);
        } else if (quad.predicate === PURPOSE_TOKEN) entry.statusPurpose.push(literalValue(quad.object));
        else if (quad.predicate === INDEX_TOKEN) entry.statusListIndex.push(literalValue(quad.object));
        else if (quad.predicate === LIST_TOKEN) entry.statusListCredential.push(nodeValue(quad.object) ?? "(a blank node)");
      }
      entry.types.sort();
      entry.statusPurpose.sort();
      entry.statusListIndex.sort();
      entry.statusListCredential.sort();
      facts.statusEntries.push(entry);
    }
  } catch (error) {
    return { ok: false, problem: `the signed content cannot be read: ${(error as Error).message}` };
  }
  // Sorted, so the facts do not depend on quad order (text and dataset list quads differently).
  facts.types.sort();
  sortValues(facts.issuers);
  sortValues(facts.subjects);
  for (const name of DATE_FACTS) facts.dates[name].sort();
  if (facts.statusEntries.length > 1) {
    const keyed = facts.statusEntries.map((entry) => ({ entry, key: statusKey(entry) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    facts.statusEntries = keyed.map(({ entry }) => entry);
  }
  return { ok: true, facts };
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
  for (const name of DATE_FACTS) {
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
  if (jsonEntries === null || !sameStatusEntries(signed.statusEntries, jsonEntries)) {
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

function sameStatusEntries(signed: readonly SignedStatusEntry[], json: readonly SignedStatusEntry[]): boolean {
  if (signed.length !== json.length) return false;
  if (signed.length === 0) return true;
  if (signed.length === 1) {
    const [a, b] = [signed[0]!, json[0]!];
    return (
      a.id === b.id &&
      sameList(a.types, b.types) &&
      sameMultiset(a.statusPurpose, b.statusPurpose) &&
      sameMultiset(a.statusListIndex, b.statusListIndex) &&
      sameMultiset(a.statusListCredential, b.statusListCredential)
    );
  }
  return sameList(signed.map(statusKey).sort(), json.map(statusKey).sort());
}

/** The JSON's types as the verdict's IRIs (sorted, once each); null when `type` is not strings. */
function verdictTypesOf(type: unknown): string[] | null {
  if (type === undefined) return [];
  const names = typeof type === "string" ? [type] : Array.isArray(type) ? type : null;
  if (names === null) return null;
  const iris: string[] = [];
  for (const name of names) {
    if (typeof name !== "string") return null;
    const iri = VERDICT_TYPE_BY_NAME.get(name);
    if (iri !== undefined && !iris.includes(iri)) iris.push(iri);
  }
  return iris.length > 1 ? iris.sort() : iris;
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
  for (const [name, known] of VERDICT_TYPE_BY_NAME) if (known === iri) return name;
  return iri;
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
  if (a.length <= 1) return a[0] === b[0];
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
