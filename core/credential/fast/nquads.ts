/**
 * N-Quads terms exactly as rdf-canonize 5 serialises them (canonical N-Quads of RDFC-1.0):
 * literals escape control characters, `"` and `\` (\b \t \n \f \r as ECHARs, the rest as
 * \uXXXX with upper-case hex); IRIs escape controls, space and `<>"{}|^`\` as \uXXXX.
 * Nothing else is escaped, so non-ASCII text stays as it is (and is hashed as UTF-8).
 */

export const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
export const RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
export const RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
export const RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
export const RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
export const XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";
export const XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean";
export const XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer";
export const XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double";

const LITERAL_SPECIALS = /[\u0000-\u001F\u007F"\\]/;
const LITERAL_SPECIALS_GLOBAL = /[\u0000-\u001F\u007F"\\]/g;
const IRI_SPECIALS = /[\u0000-\u0020<>"{}|^`\\]/;
const IRI_SPECIALS_GLOBAL = /[\u0000-\u0020<>"{}|^`\\]/g;

const LITERAL_ECHARS: Readonly<Record<string, string>> = {
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
  '"': '\\"',
  "\\": "\\\\",
};

function uchar(character: string): string {
  return "\\u" + character.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
}

export function escapeLiteral(value: string): string {
  if (!LITERAL_SPECIALS.test(value)) return value;
  return value.replace(LITERAL_SPECIALS_GLOBAL, (character) => LITERAL_ECHARS[character] ?? uchar(character));
}

export function escapeIri(value: string): string {
  if (!IRI_SPECIALS.test(value)) return value;
  return value.replace(IRI_SPECIALS_GLOBAL, uchar);
}

/** `<iri>` as a subject, predicate, object or graph name. */
export function iriTerm(iri: string): string {
  return `<${escapeIri(iri)}>`;
}

/**
 * A typed literal; xsd:string is left implicit, as canonical N-Quads requires. The fast path
 * has no language-tagged strings, and rdf-canonize writes an rdf:langString literal without a
 * language as a bare string, so that datatype is left implicit too.
 */
export function literalTerm(lexical: string, datatype: string): string {
  const quoted = `"${escapeLiteral(lexical)}"`;
  return datatype === XSD_STRING || datatype === RDF_LANG_STRING ? quoted : `${quoted}^^<${escapeIri(datatype)}>`;
}
