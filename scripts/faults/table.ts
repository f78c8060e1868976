/**
 * The suite's one table. Every row carries the measured value, the target and PASS/FAIL; a
 * row whose phase could not measure it is a FAIL that says why (fail closed: a check that did
 * not run is never green).
 */
export interface Row {
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

export function row(name: string, value: string | number, target: string, pass: boolean): Row {
  return { name, value: typeof value === "number" ? formatNumber(value) : value, target, pass };
}

/** The rows a phase owed when it failed before measuring them. */
export function notMeasured(names: readonly string[], reason: string): Row[] {
  const short = reason.split("\n")[0].slice(0, 160);
  return names.map((name) => ({ name, value: `not measured: ${short}`, target: "measured", pass: false }));
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toLocaleString("en-US", { maximumFractionDigits: 1 });
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - [...text].length));
}

/** A Markdown table (it reads as plain text in a terminal too). */
export function renderTable(rows: readonly Row[]): string {
  const header = ["check", "measured", "target", "result"];
  const escape = (text: string) => text.replace(/\|/g, "\\|");
  const cells = rows.map((r) => [escape(r.name), escape(r.value), escape(r.target), r.pass ? "PASS" : "FAIL"]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => [...c[i]].length)));
  const line = (c: string[]) => `| ${c.map((text, i) => pad(text, widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

export function allPass(rows: readonly Row[]): boolean {
  return rows.length > 0 && rows.every((r) => r.pass);
}
