/**
 * The console's pure parts as an attacker would use them: hostile SVG uploads, rosters in
 * every encoding a Korean registrar's office produces, malformed and bomb-shaped XLSX files,
 * and results files that would run formulas in a spreadsheet.
 */
import { expect } from "chai";
import iconv from "iconv-lite";
import { zipSync, strToU8 } from "fflate";
import { sanitizeSvg, SvgRejectedError, SVG_MAX_BYTES } from "../../../server/console/svgSanitize";
import { badgeDesign, renderBadgeSvg } from "../../../server/console/badgeDesigner";
import { readRoster, RosterRejectedError, ROSTER_MAX_BYTES } from "../../../server/console/roster";
import { csvCell, toCsv } from "../../../server/console/csvOut";

const SVG_NS = 'xmlns="http://www.w3.org/2000/svg"';

function refused(fn: () => unknown): SvgRejectedError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(SvgRejectedError);
    return error as SvgRejectedError;
  }
  throw new Error("expected a refusal");
}

describe("console: SVG sanitiser (allow-list)", () => {
  it("keeps a plain badge drawing exactly, with a fresh namespace", () => {
    const { svg, removed } = sanitizeSvg(`<?xml version="1.0"?><svg ${SVG_NS} viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#123456"/><text x="1" y="9">A &amp; B</text></svg>`);
    expect(svg).to.equal(`<svg ${SVG_NS} viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#123456"></circle><text x="1" y="9">A &amp; B</text></svg>`);
    expect(removed).to.deep.equal([]);
  });

  it("drops <script> with its content, event handlers and javascript: links", () => {
    const { svg, removed } = sanitizeSvg(
      `<svg ${SVG_NS} onload="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)"><rect width="1" height="1"/></a><rect width="2" height="2" onclick="x()" onmouseover="y()"/></svg>`,
    );
    expect(svg).to.equal(`<svg ${SVG_NS}><rect width="2" height="2"></rect></svg>`);
    expect(removed).to.have.members(["attribute onload", "element script", "element a", "attribute onclick", "attribute onmouseover"]);
  });

  it("drops foreignObject, image, use, style, animation and set", () => {
    const { svg, removed } = sanitizeSvg(
      `<svg ${SVG_NS}><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject><image href="https://evil.example/t.png"/><use href="https://evil.example/s.svg#a"/><style>@import url(https://evil.example/x.css);</style><animate attributeName="href" to="javascript:alert(1)"/><set attributeName="onload" to="alert(1)"/><g/></svg>`,
    );
    expect(svg).to.equal(`<svg ${SVG_NS}><g></g></svg>`);
    expect(removed).to.have.members(["element foreignObject", "element image", "element use", "element style", "element animate", "element set"]);
  });

  it("keeps url(#local) paint but drops external url(), style attributes and namespaced hrefs", () => {
    const { svg, removed } = sanitizeSvg(
      `<svg ${SVG_NS} xmlns:xlink="http://www.w3.org/1999/xlink"><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs><rect fill="url(#g)" stroke="url(https://evil.example/p.svg#x)" style="background:url(https://evil.example/b)" xlink:href="https://evil.example" width="1" height="1"/><rect fill="url( #g ) x" width="1" height="1"/></svg>`,
    );
    expect(svg).to.equal(
      `<svg ${SVG_NS}><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"></stop></linearGradient></defs><rect fill="url(#g)" width="1" height="1"></rect><rect width="1" height="1"></rect></svg>`,
    );
    expect(removed).to.have.members(["attribute stroke", "attribute style", "attribute xlink:href", "attribute fill"]);
  });

  it("refuses DOCTYPE and entity declarations (XXE, billion laughs)", () => {
    expect(refused(() => sanitizeSvg(`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg ${SVG_NS}>&x;</svg>`)).reason).to.match(/DOCTYPE/);
    expect(refused(() => sanitizeSvg(`<svg ${SVG_NS}><text>&lol;</text></svg>`)).reason).to.match(/entity &lol;/);
  });

  it("refuses a root that is not svg, unbalanced tags, a stylesheet instruction and oversized files", () => {
    expect(refused(() => sanitizeSvg(`<html><svg ${SVG_NS}/></html>`)).reason).to.equal("the root element is not <svg>");
    expect(refused(() => sanitizeSvg(`<svg ${SVG_NS}><g></svg>`)).reason).to.match(/does not close/);
    expect(refused(() => sanitizeSvg(`<?xml-stylesheet href="https://evil.example/x.xsl"?><svg ${SVG_NS}/>`)).reason).to.match(/xml-stylesheet/);
    expect(refused(() => sanitizeSvg(`<svg ${SVG_NS}>${" ".repeat(SVG_MAX_BYTES)}</svg>`)).reason).to.match(/limit is 524288/);
    expect(refused(() => sanitizeSvg(new Uint8Array([0x3c, 0x73, 0xff, 0xfe]))).reason).to.equal("it is not UTF-8 text");
    expect(refused(() => sanitizeSvg(`<svg ${SVG_NS} a="1" a="2"/>`)).reason).to.match(/twice/);
  });

  it("escapes text that decodes to markup instead of letting it through", () => {
    const { svg } = sanitizeSvg(`<svg ${SVG_NS}><text>&lt;script&gt;alert(1)&lt;/script&gt;</text><title><![CDATA[<script>x</script>]]></title></svg>`);
    expect(svg).to.equal(`<svg ${SVG_NS}><text>&lt;script&gt;alert(1)&lt;/script&gt;</text><title>&lt;script&gt;x&lt;/script&gt;</title></svg>`);
    expect(svg).not.to.include("<script");
  });
});

describe("console: badge designer", () => {
  it("renders a design whose text is escaped, and its output passes the sanitiser unchanged", () => {
    const design = badgeDesign.parse({ shape: "shield", background: "#1D4ED8", foreground: "#ffffff", text: "<b>AI 기초</b>", subtext: "2026-1", icon: "star" });
    const svg = renderBadgeSvg(design, "AI & 데이터");
    expect(svg).to.include("&lt;b&gt;AI 기초&lt;/b&gt;");
    expect(svg).to.include('fill="#1d4ed8"');
    expect(sanitizeSvg(svg).removed).to.deep.equal([]);
  });

  it("refuses colours that are not #rrggbb and unknown shapes", () => {
    const bad = badgeDesign.safeParse({ shape: "star", background: "red;x", foreground: "#fff", text: "A", icon: "none" });
    expect(bad.success).to.equal(false);
    expect(bad.error!.issues.map((i) => i.path.join("."))).to.have.members(["shape", "background", "foreground"]);
  });
});

const HEADER_KO = "학번,이름,이메일";

function xlsx(rows: string[][], options: { inline?: boolean } = {}): Uint8Array {
  const strings: string[] = [];
  const cellXml = (value: string, ref: string) => {
    if (options.inline) return `<c r="${ref}" t="inlineStr"><is><t>${value.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</t></is></c>`;
    strings.push(value);
    return `<c r="${ref}" t="s"><v>${strings.length - 1}</v></c>`;
  };
  const sheet = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows
    .map((row, r) => `<row r="${r + 1}">${row.map((v, c) => cellXml(v, `${String.fromCharCode(65 + c)}${r + 1}`)).join("")}</row>`)
    .join("")}</sheetData></worksheet>`;
  const shared = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${strings.map((s) => `<si><t>${s.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</t></si>`).join("")}</sst>`;
  return zipSync({
    "[Content_Types].xml": strToU8("<Types/>"),
    "xl/workbook.xml": strToU8('<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="명단" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": strToU8('<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    "xl/worksheets/sheet1.xml": strToU8(sheet),
    "xl/sharedStrings.xml": strToU8(shared),
  });
}

describe("console: roster upload (CSV and XLSX)", () => {
  const body = `${HEADER_KO}\n20260001,김민준,minjun@example.ac.kr\n20260002,"이, 서연",seoyeon@example.ac.kr\n`;
  const expected = [
    { line: 2, studentId: "20260001", name: "김민준", email: "minjun@example.ac.kr", problems: [] },
    { line: 3, studentId: "20260002", name: "이, 서연", email: "seoyeon@example.ac.kr", problems: [] },
  ];

  it("reads UTF-8 with and without BOM, CP949 and UTF-16LE alike", () => {
    const variants: [Uint8Array, string][] = [
      [Buffer.from(body, "utf8"), "utf-8"],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, "utf8")]), "utf-8-bom"],
      [iconv.encode(body, "cp949"), "cp949"],
      [iconv.encode(body, "euc-kr"), "cp949"],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(body, "utf-16le")]), "utf-16le"],
    ];
    for (const [bytes, encoding] of variants) {
      const roster = readRoster(bytes);
      expect(roster.encoding, encoding).to.equal(encoding);
      expect(roster.rows).to.deep.equal(expected);
    }
  });

  it("takes English headers in any order and spelling, and CRLF lines", () => {
    const roster = readRoster(Buffer.from("E-mail,Student ID,Full Name\r\nA@x.kr,1,Ann\r\n"));
    expect(roster.rows).to.deep.equal([{ line: 2, studentId: "1", name: "Ann", email: "A@x.kr", problems: [] }]);
  });

  it("flags each bad row with its line: bad email, missing name, duplicate student, duplicate email", () => {
    const roster = readRoster(Buffer.from(`${HEADER_KO}\n1,가,a@x.kr\n2,,b@x.kr\n3,다,not-an-email\n1,라,d@x.kr\n5,마,A@X.KR\n,바,f@x.kr\n`));
    expect(roster.rows.map((r) => [r.line, r.problems])).to.deep.equal([
      [2, []],
      [3, ["name-missing"]],
      [4, ["email-invalid"]],
      [5, ["student-duplicate"]],
      [6, ["email-duplicate"]],
      [7, ["student-missing"]],
    ]);
  });

  it("keeps line numbers right when a quoted cell spans lines", () => {
    const roster = readRoster(Buffer.from(`${HEADER_KO}\n1,"김\n민준",a@x.kr\n2,나,b@x.kr\n`));
    expect(roster.rows.map((r) => [r.line, r.name])).to.deep.equal([
      [2, "김\n민준"],
      [4, "나"],
    ]);
  });

  it("refuses files without the needed columns, empty files and oversized files with a reason", () => {
    const code = (bytes: Uint8Array) => {
      try {
        readRoster(bytes);
      } catch (error) {
        expect(error).to.be.instanceOf(RosterRejectedError);
        return [(error as RosterRejectedError).code, (error as Error).message];
      }
      return ["accepted"];
    };
    expect(code(Buffer.from("학번,이름\n1,가\n"))).to.deep.equal(["missing-columns", "the header row lacks the column(s) email (학번/이름/이메일 or student id/name/email)"]);
    expect(code(Buffer.alloc(0))[0]).to.equal("empty");
    expect(code(Buffer.from(`${HEADER_KO}\n`))[0]).to.equal("empty");
    expect(code(Buffer.alloc(ROSTER_MAX_BYTES + 1, 0x61))[0]).to.equal("too-large");
    expect(code(Buffer.from(`${HEADER_KO}\n${"1,a,a@x.kr\n".repeat(10_001)}`))[0]).to.equal("too-many-rows");
  });

  it("reads the first worksheet of an XLSX file with shared and inline strings", () => {
    const rows = [["학번", "성명", "이메일"], ["20260001", "김민준", "minjun@example.ac.kr"], ["20260002", "A & <B>", "b@x.kr"]];
    for (const inline of [false, true]) {
      const roster = readRoster(xlsx(rows, { inline }));
      expect(roster.format).to.equal("xlsx");
      expect(roster.rows).to.deep.equal([
        { line: 2, studentId: "20260001", name: "김민준", email: "minjun@example.ac.kr", problems: [] },
        { line: 3, studentId: "20260002", name: "A & <B>", email: "b@x.kr", problems: [] },
      ]);
    }
  });

  it("refuses a zip that is not a workbook, and a part that would inflate past the limit", () => {
    const notWorkbook = zipSync({ "a.txt": strToU8("x") });
    expect(() => readRoster(notWorkbook)).to.throw(RosterRejectedError, "the workbook has no first worksheet");
    const bomb = zipSync({ "xl/worksheets/sheet1.xml": new Uint8Array(41 * 1024 * 1024) }, { level: 9 });
    expect(bomb.byteLength).to.be.below(ROSTER_MAX_BYTES);
    expect(() => readRoster(bomb)).to.throw(RosterRejectedError, /inflates to more than/);
    expect(() => readRoster(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).to.throw(RosterRejectedError, /not a readable XLSX/);
  });
});

describe("console: results CSV", () => {
  it("escapes cells a spreadsheet would run as formulas", () => {
    expect(["=1+1", "+82", "-2", "@SUM(A1)", "\t=x", "\r=x", "plain", "a,b", 'q"q'].map(csvCell)).to.deep.equal([
      `"'=1+1"`,
      `"'+82"`,
      `"'-2"`,
      `"'@SUM(A1)"`,
      `"'\t=x"`,
      `"'\r=x"`,
      "plain",
      '"a,b"',
      '"q""q"',
    ]);
  });

  it("writes a BOM and CRLF rows", () => {
    expect(toCsv([["학번", "결과"], ["1", "=HYPERLINK(\"http://evil\")"]])).to.equal('\uFEFF학번,결과\r\n1,"\'=HYPERLINK(""http://evil"")"\r\n');
  });
});
