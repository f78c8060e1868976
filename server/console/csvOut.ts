/**
 * CSV the console hands out (award results). A cell a spreadsheet would read as a formula
 * (starting with = + - @, or a tab or carriage return that some spreadsheets skip before
 * one) gets a leading apostrophe, as OWASP's "CSV Injection" page recommends, so a student
 * named "=HYPERLINK(...)" stays text when the registrar opens the file.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows with a UTF-8 BOM (so Excel opens Korean text as UTF-8) and CRLF line ends. */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
