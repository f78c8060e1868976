/**
 * Reading a recipient list exported from a student information system: CSV (UTF-8 with or
 * without BOM, UTF-16 with BOM, or CP949/EUC-KR as Korean Excel saves it) or XLSX (the first
 * worksheet), with Korean or English headers. Every row is validated on its own so the
 * preview can point at the exact line: a bad email, a missing name, the same student twice.
 */
import iconv from "iconv-lite";
import { unzipSync } from "fflate";
import { z } from "zod";

export const ROSTER_MAX_BYTES = 5 * 1024 * 1024;
export const ROSTER_MAX_ROWS = 10_000;
/** An XLSX part larger than this once inflated is refused (a zip bomb stays a small upload). */
const XLSX_PART_MAX_BYTES = 40 * 1024 * 1024;

export class RosterRejectedError extends Error {
  override readonly name = "RosterRejectedError";
  constructor(
    /** A stable code the console translates ("too-large", "no-header", ...). */
    readonly code: "too-large" | "too-many-rows" | "no-header" | "missing-columns" | "bad-xlsx" | "empty",
    message: string,
    readonly details: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

export type RosterField = "studentId" | "name" | "email";

/** Header spellings, compared without spaces, underscores, hyphens or case. */
const HEADERS: Record<RosterField, readonly string[]> = {
  studentId: ["학번", "학생번호", "studentid", "studentno", "studentnumber", "id", "학적번호"],
  name: ["이름", "성명", "학생명", "name", "fullname", "studentname"],
  email: ["이메일", "전자우편", "메일", "이메일주소", "email", "emailaddress", "mail"],
};

function headerKey(cell: string): string {
  return cell.normalize("NFC").toLowerCase().replace(/[\s_\-.()]/g, "");
}

export type RowProblem = "email-missing" | "email-invalid" | "name-missing" | "student-missing" | "student-duplicate" | "email-duplicate";

export interface RosterRow {
  /** The line (CSV) or row number (XLSX) as the registrar sees it in their spreadsheet. */
  line: number;
  studentId: string;
  name: string;
  email: string;
  problems: RowProblem[];
}

export interface Roster {
  format: "csv" | "xlsx";
  encoding: string;
  rows: RosterRow[];
}

const email = z.string().email().max(320);

/** Text of a CSV upload in whichever encoding it came. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { text: buf.subarray(3).toString("utf8"), encoding: "utf-8-bom" };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: iconv.decode(buf.subarray(2), "utf-16le"), encoding: "utf-16le" };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: iconv.decode(buf.subarray(2), "utf-16be"), encoding: "utf-16be" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(buf), encoding: "utf-8" };
  } catch {
    // Not UTF-8: Korean Excel's "CSV" is CP949 (a superset of EUC-KR).
    return { text: iconv.decode(buf, "cp949"), encoding: "cp949" };
  }
}

/** RFC 4180 fields: quotes around fields, "" inside them, CRLF or LF line ends. */
export function parseCsv(text: string): { cells: string[]; line: number }[] {
  const records: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      records.push({ cells, line: recordLine });
      cells = [];
      cell = "";
      line++;
      recordLine = line;
    } else cell += c;
    if (records.length > ROSTER_MAX_ROWS + 1) throw new RosterRejectedError("too-many-rows", `the file has more than ${ROSTER_MAX_ROWS} rows`, { max: ROSTER_MAX_ROWS });
  }
  if (cell !== "" || cells.length > 0) {
    cells.push(cell);
    records.push({ cells, line: recordLine });
  }
  return records.filter((r) => r.cells.some((c) => c.trim() !== ""));
}

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_m, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }[ref]!;
  });
}

/** Text of all <t> runs inside a shared string or inline string. */
function runsText(xml: string): string {
  return [...xml.matchAll(/<(?:\w+:)?t(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?t>/g)].map((m) => decodeXml(m[1]!)).join("");
}

function columnIndex(ref: string): number {
  const letters = /^[A-Z]+/.exec(ref)?.[0] ?? "A";
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** The first worksheet of an XLSX file (ECMA-376 SpreadsheetML), values only. */
export function readXlsx(bytes: Uint8Array): { cells: string[]; line: number }[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (file.originalSize > XLSX_PART_MAX_BYTES) throw new RosterRejectedError("bad-xlsx", `the XLSX part ${file.name} inflates to more than ${XLSX_PART_MAX_BYTES} bytes`);
        return file.name === "xl/sharedStrings.xml" || file.name === "xl/workbook.xml" || file.name === "xl/_rels/workbook.xml.rels" || /^xl\/worksheets\/sheet\d+\.xml$/.test(file.name);
      },
    });
  } catch (error) {
    if (error instanceof RosterRejectedError) throw error;
    throw new RosterRejectedError("bad-xlsx", `the file is not a readable XLSX workbook (${(error as Error).message})`);
  }
  const utf8 = (name: string) => (files[name] ? Buffer.from(files[name]!).toString("utf8") : undefined);
  let sheetPath = "xl/worksheets/sheet1.xml";
  const workbook = utf8("xl/workbook.xml");
  const rels = utf8("xl/_rels/workbook.xml.rels");
  const firstSheetRel = workbook ? /<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)"/.exec(workbook)?.[1] : undefined;
  if (firstSheetRel && rels) {
    const target = new RegExp(`<Relationship\\b[^>]*Id="${firstSheetRel.replace(/[^\w]/g, "")}"[^>]*Target="([^"]+)"`).exec(rels)?.[1]
      ?? new RegExp(`<Relationship\\b[^>]*Target="([^"]+)"[^>]*Id="${firstSheetRel.replace(/[^\w]/g, "")}"`).exec(rels)?.[1];
    if (target) sheetPath = target.startsWith("/") ? target.slice(1) : `xl/${target.replace(/^\.\//, "")}`;
  }
  const sheet = utf8(sheetPath);
  if (!sheet) throw new RosterRejectedError("bad-xlsx", "the workbook has no first worksheet");
  const shared = [...(utf8("xl/sharedStrings.xml") ?? "").matchAll(/<(?:\w+:)?si>([\s\S]*?)<\/(?:\w+:)?si>/g)].map((m) => runsText(m[1]!));
  const records: { cells: string[]; line: number }[] = [];
  for (const row of sheet.matchAll(/<(?:\w+:)?row\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?row>/g)) {
    if (records.length > ROSTER_MAX_ROWS + 1) throw new RosterRejectedError("too-many-rows", `the file has more than ${ROSTER_MAX_ROWS} rows`, { max: ROSTER_MAX_ROWS });
    const line = Number(/\br="(\d+)"/.exec(row[1]!)?.[1] ?? records.length + 1);
    const cells: string[] = [];
    let next = 0;
    for (const c of row[2]!.matchAll(/<(?:\w+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?c>)/g)) {
      const attrs = c[1]!;
      const ref = /\br="([A-Z]+\d+)"/.exec(attrs)?.[1];
      const index = ref ? columnIndex(ref) : next;
      const type = /\bt="(\w+)"/.exec(attrs)?.[1];
      const body = c[2] ?? "";
      const v = /<(?:\w+:)?v>([\s\S]*?)<\/(?:\w+:)?v>/.exec(body)?.[1];
      let value = "";
      if (type === "s") value = shared[Number(v)] ?? "";
      else if (type === "inlineStr") value = runsText(body);
      else if (v !== undefined) value = decodeXml(v);
      while (cells.length < index) cells.push("");
      cells[index] = value;
      next = index + 1;
    }
    if (cells.some((cell) => cell.trim() !== "")) records.push({ cells, line });
  }
  return records;
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Reads and validates a roster upload; refusals of the whole file throw RosterRejectedError. */
export function readRoster(bytes: Uint8Array): Roster {
  if (bytes.byteLength > ROSTER_MAX_BYTES) throw new RosterRejectedError("too-large", `the file is ${bytes.byteLength} bytes; the limit is ${ROSTER_MAX_BYTES}`, { max: ROSTER_MAX_BYTES });
  if (bytes.byteLength === 0) throw new RosterRejectedError("empty", "the file is empty");
  let records: { cells: string[]; line: number }[];
  let format: Roster["format"];
  let encoding: string;
  if (isZip(bytes)) {
    records = readXlsx(bytes);
    format = "xlsx";
    encoding = "xlsx";
  } else {
    const decoded = decodeText(bytes);
    records = parseCsv(decoded.text);
    format = "csv";
    encoding = decoded.encoding;
  }
  const header = records.shift();
  if (!header) throw new RosterRejectedError("no-header", "the file has no header row");
  const columns: Partial<Record<RosterField, number>> = {};
  header.cells.forEach((cell, i) => {
    const key = headerKey(cell);
    for (const field of Object.keys(HEADERS) as RosterField[]) {
      if (columns[field] === undefined && HEADERS[field].includes(key)) columns[field] = i;
    }
  });
  const missing = (Object.keys(HEADERS) as RosterField[]).filter((f) => columns[f] === undefined);
  if (missing.length > 0) {
    throw new RosterRejectedError("missing-columns", `the header row lacks the column(s) ${missing.join(", ")} (학번/이름/이메일 or student id/name/email)`, { missing: missing.join(", ") });
  }
  if (records.length > ROSTER_MAX_ROWS) throw new RosterRejectedError("too-many-rows", `the file has more than ${ROSTER_MAX_ROWS} rows`, { max: ROSTER_MAX_ROWS });
  const seenStudent = new Map<string, number>();
  const seenEmail = new Map<string, number>();
  const rows = records.map(({ cells, line }): RosterRow => {
    const get = (field: RosterField) => (cells[columns[field]!] ?? "").normalize("NFC").trim();
    const row: RosterRow = { line, studentId: get("studentId"), name: get("name"), email: get("email"), problems: [] };
    if (!row.studentId) row.problems.push("student-missing");
    else if (seenStudent.has(row.studentId)) row.problems.push("student-duplicate");
    else seenStudent.set(row.studentId, line);
    if (!row.name) row.problems.push("name-missing");
    if (!row.email) row.problems.push("email-missing");
    else if (!email.safeParse(row.email).success) row.problems.push("email-invalid");
    else if (seenEmail.has(row.email.toLowerCase())) row.problems.push("email-duplicate");
    else seenEmail.set(row.email.toLowerCase(), line);
    return row;
  });
  if (rows.length === 0) throw new RosterRejectedError("empty", "the file has a header row but no recipients");
  return { format, encoding, rows };
}
