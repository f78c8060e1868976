/**
 * An allow-list SVG sanitiser for badge images uploaded in the console. The upload is parsed
 * by a small strict XML tokenizer (no DTD, no entities beyond the five predefined and numeric
 * references) and written out again from scratch: only the elements and attributes listed
 * here survive, every attribute value is re-escaped, and paint references may only point
 * inside the document (`url(#id)`). Everything else — scripts, event handlers, <style>,
 * <foreignObject>, <image>, <use>, links, animation, external references — is dropped, and
 * what was dropped is reported so the console can say so.
 */

export class SvgRejectedError extends Error {
  override readonly name = "SvgRejectedError";
  constructor(readonly reason: string) {
    super(`the SVG file was refused: ${reason}`);
  }
}

export const SVG_MAX_BYTES = 512 * 1024;
const MAX_DEPTH = 64;
const MAX_NODES = 20_000;

/** Element → attributes it may carry besides the common presentation ones. */
const ELEMENTS: Record<string, readonly string[]> = {
  svg: ["viewBox", "width", "height", "preserveAspectRatio", "version"],
  g: [],
  defs: [],
  title: [],
  desc: [],
  path: ["d", "pathLength"],
  rect: ["x", "y", "width", "height", "rx", "ry"],
  circle: ["cx", "cy", "r"],
  ellipse: ["cx", "cy", "rx", "ry"],
  line: ["x1", "y1", "x2", "y2"],
  polyline: ["points"],
  polygon: ["points"],
  text: ["x", "y", "dx", "dy", "text-anchor", "dominant-baseline", "font-family", "font-size", "font-weight", "font-style", "letter-spacing", "textLength"],
  tspan: ["x", "y", "dx", "dy", "text-anchor", "dominant-baseline", "font-family", "font-size", "font-weight", "font-style"],
  linearGradient: ["x1", "y1", "x2", "y2", "gradientUnits", "gradientTransform", "spreadMethod"],
  radialGradient: ["cx", "cy", "r", "fx", "fy", "gradientUnits", "gradientTransform", "spreadMethod"],
  stop: ["offset", "stop-color", "stop-opacity"],
  clipPath: ["clipPathUnits"],
};

const COMMON = new Set([
  "id",
  "fill",
  "fill-opacity",
  "fill-rule",
  "stroke",
  "stroke-width",
  "stroke-opacity",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-dasharray",
  "stroke-miterlimit",
  "opacity",
  "transform",
  "clip-path",
  "clip-rule",
]);

/** Attributes whose value may hold a paint or clip reference: only `url(#localId)` is kept. */
const REFERENCE_ATTRIBUTES = new Set(["fill", "stroke", "clip-path"]);
const SAFE_VALUE = /^[^<>"'`\\]*$/;
const LOCAL_URL = /^url\(#[A-Za-z_][\w.-]*\)$/;

export interface SanitizedSvg {
  svg: string;
  /** What was removed ("element script", "attribute onload"), each once. */
  removed: string[];
}

interface ElementNode {
  name: string;
  attributes: [string, string][];
  children: Node[];
}
type Node = ElementNode | { text: string };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos|[A-Za-z][A-Za-z0-9]*);/g, (_m, ref: string) => {
    if (ref === "lt") return "<";
    if (ref === "gt") return ">";
    if (ref === "amp") return "&";
    if (ref === "quot") return '"';
    if (ref === "apos") return "'";
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new SvgRejectedError(`the character reference &${ref}; is not a valid character`);
      return String.fromCodePoint(code);
    }
    throw new SvgRejectedError(`the entity &${ref}; is not allowed (only &lt; &gt; &amp; &quot; &apos; and numeric references)`);
  });
}

/** Parses the document strictly: anything malformed or any DTD is a refusal, never a guess. */
function parse(source: string): ElementNode {
  let pos = 0;
  let nodes = 0;
  const root: ElementNode = { name: "#root", attributes: [], children: [] };
  const stack: ElementNode[] = [root];
  const NAME = /[A-Za-z_][\w.:-]*/y;
  while (pos < source.length) {
    const lt = source.indexOf("<", pos);
    const textEnd = lt === -1 ? source.length : lt;
    if (textEnd > pos) {
      const text = source.slice(pos, textEnd);
      if (stack.length === 1) {
        if (text.trim() !== "") throw new SvgRejectedError("text outside the <svg> element");
      } else stack[stack.length - 1]!.children.push({ text: decodeEntities(text) });
      pos = textEnd;
      continue;
    }
    if (source.startsWith("<!--", pos)) {
      const end = source.indexOf("-->", pos + 4);
      if (end === -1) throw new SvgRejectedError("an unclosed comment");
      pos = end + 3;
      continue;
    }
    if (source.startsWith("<![CDATA[", pos)) {
      const end = source.indexOf("]]>", pos);
      if (end === -1 || stack.length === 1) throw new SvgRejectedError("a CDATA section outside an element or unclosed");
      stack[stack.length - 1]!.children.push({ text: source.slice(pos + 9, end) });
      pos = end + 3;
      continue;
    }
    if (source.startsWith("<!", pos)) throw new SvgRejectedError("a DOCTYPE or entity declaration (not allowed: they can pull in external files)");
    if (source.startsWith("<?", pos)) {
      const end = source.indexOf("?>", pos);
      if (end === -1) throw new SvgRejectedError("an unclosed processing instruction");
      const target = source.slice(pos + 2, end).trim().split(/\s/)[0];
      if (target !== "xml" || pos !== source.search(/\S/)) throw new SvgRejectedError(`the processing instruction <?${target}?> is not allowed`);
      pos = end + 2;
      continue;
    }
    if (source.startsWith("</", pos)) {
      NAME.lastIndex = pos + 2;
      const match = NAME.exec(source);
      if (!match) throw new SvgRejectedError("a malformed closing tag");
      const close = source.indexOf(">", NAME.lastIndex);
      if (close === -1 || source.slice(NAME.lastIndex, close).trim() !== "") throw new SvgRejectedError("a malformed closing tag");
      const open = stack.pop();
      if (!open || open === root || open.name !== match[0]) throw new SvgRejectedError(`</${match[0]}> does not close the open element`);
      pos = close + 1;
      continue;
    }
    NAME.lastIndex = pos + 1;
    const match = NAME.exec(source);
    if (!match) throw new SvgRejectedError("a malformed tag");
    pos = NAME.lastIndex;
    const element: ElementNode = { name: match[0], attributes: [], children: [] };
    if (++nodes > MAX_NODES) throw new SvgRejectedError(`more than ${MAX_NODES} elements`);
    const ATTRIBUTE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/y;
    for (;;) {
      ATTRIBUTE.lastIndex = pos;
      const attr = ATTRIBUTE.exec(source);
      if (!attr) break;
      if (element.attributes.some(([n]) => n === attr[1])) throw new SvgRejectedError(`the attribute ${attr[1]} appears twice on <${element.name}>`);
      if ((attr[3] ?? attr[4] ?? "").includes("<")) throw new SvgRejectedError(`a "<" inside the attribute ${attr[1]}`);
      element.attributes.push([attr[1]!, decodeEntities(attr[3] ?? attr[4] ?? "")]);
      pos = ATTRIBUTE.lastIndex;
    }
    const rest = /\s*(\/?)>/y;
    rest.lastIndex = pos;
    const end = rest.exec(source);
    if (!end) throw new SvgRejectedError(`a malformed tag <${element.name}>`);
    pos = rest.lastIndex;
    if (stack.length === 1 && root.children.length > 0) throw new SvgRejectedError("more than one root element");
    stack[stack.length - 1]!.children.push(element);
    if (end[1] !== "/") {
      stack.push(element);
      if (stack.length > MAX_DEPTH) throw new SvgRejectedError(`elements nested deeper than ${MAX_DEPTH}`);
    }
  }
  if (stack.length !== 1) throw new SvgRejectedError(`<${stack[stack.length - 1]!.name}> is never closed`);
  const top = root.children[0];
  if (!top || "text" in top || top.name !== "svg") throw new SvgRejectedError("the root element is not <svg>");
  return top;
}

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon === -1 ? name : name.slice(colon + 1);
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

function keepAttribute(element: string, name: string, value: string): boolean {
  if (name.includes(":")) return false; // xlink:href, xml:base, foreign namespaces
  if (!COMMON.has(name) && !ELEMENTS[element]!.includes(name)) return false;
  if (!SAFE_VALUE.test(value) || value.length > 20_000) return false;
  const lower = value.toLowerCase().replace(/\s+/g, "");
  if (lower.includes("url(")) return REFERENCE_ATTRIBUTES.has(name) && LOCAL_URL.test(value.trim());
  if (lower.includes("javascript:") || lower.includes("data:") || lower.includes("expression(")) return false;
  return true;
}

export function sanitizeSvg(input: string | Uint8Array): SanitizedSvg {
  const bytes = typeof input === "string" ? Buffer.byteLength(input) : input.byteLength;
  if (bytes > SVG_MAX_BYTES) throw new SvgRejectedError(`it is ${bytes} bytes; the limit is ${SVG_MAX_BYTES}`);
  let source: string;
  if (typeof input === "string") source = input;
  else {
    try {
      source = new TextDecoder("utf-8", { fatal: true }).decode(input);
    } catch {
      throw new SvgRejectedError("it is not UTF-8 text");
    }
  }
  source = source.replace(/^\uFEFF/, "");
  const top = parse(source);
  const removed = new Set<string>();
  const write = (node: Node, out: string[]): void => {
    if ("text" in node) {
      out.push(escapeText(node.text));
      return;
    }
    const name = localName(node.name);
    if (node.name.includes(":") || !Object.hasOwn(ELEMENTS, name)) {
      removed.add(`element ${node.name}`);
      return;
    }
    const kept = node.attributes.filter(([attr, value]) => {
      if (attr === "xmlns" || attr.startsWith("xmlns:")) return false; // written fresh below
      const keep = keepAttribute(name, attr, value);
      if (!keep) removed.add(`attribute ${attr}`);
      return keep;
    });
    const attrs = kept.map(([attr, value]) => ` ${attr}="${escapeAttribute(value)}"`).join("");
    const xmlns = name === "svg" && out.length === 0 ? ' xmlns="http://www.w3.org/2000/svg"' : "";
    out.push(`<${name}${xmlns}${attrs}>`);
    // Text content only where SVG renders it; anywhere else it is dropped with its element's text.
    for (const child of node.children) {
      if ("text" in child && !["text", "tspan", "title", "desc"].includes(name)) continue;
      write(child, out);
    }
    out.push(`</${name}>`);
  };
  const out: string[] = [];
  write(top, out);
  return { svg: out.join(""), removed: [...removed] };
}
