/**
 * server/mail/compose.ts: the messages it writes read back, as a mail client reads them, to
 * exactly what was composed (text, HTML, subject and sender name in any script), keep within
 * the line limits of RFC 5322 and RFC 2045, and let nothing a learner or an issuer typed become a
 * header or a MIME boundary.
 */
import { expect } from "chai";
import { UnwritableAddressError, composeMail, type ComposeOptions, quotedPrintable, rfc5322Date, splitMailbox } from "../../server/mail/compose";
import { isPermanentRefusal } from "../../server/mail/deliveryRefusal";
import type { MailMessage } from "../../server/mail/mailer";
import { readMail } from "../helpers/mime";

const OPTIONS: ComposeOptions = { from: "credanchor <no-reply@credanchor.test>", messageId: "1765000000001-00000001@outbox.credanchor", date: new Date(Date.UTC(2026, 11, 7, 9, 5, 3)), newline: "\n" };

function compose(mail: Partial<MailMessage>, options: Partial<ComposeOptions> = {}) {
  return composeMail({ to: "learner@students.example", subject: "Your badge", text: "Hello", ...mail }, { ...OPTIONS, ...options });
}

/** The header block's lines, unfolded only as far as splitting on the newline. */
function headerLines(raw: Buffer): string[] {
  const text = raw.toString("utf8");
  return text.slice(0, text.indexOf("\n\n")).split("\n");
}

/** A deterministic generator, so a failing case can be replayed. */
function randomText(seed: number, length: number): string {
  const alphabet = ["a", "Z", "7", " ", " ", "\t", "=", "?", "_", ".", "-", "\n", "\r\n", "김", "민", "지", "é", "😀", "—", "<", ">", '"', "\\", "=?", "=_", "~", "\u0000", "\u007f"];
  let state = seed;
  let out = "";
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    out += alphabet[state % alphabet.length];
  }
  return out;
}

describe("composing mail (server/mail/compose.ts)", () => {
  it("writes a claim-like message that reads back exactly: Korean and English text and HTML, subject and sender name", () => {
    const mail = {
      to: "minji@students.example",
      subject: "[한국대학교] Linear Algebra I — 배지를 받았습니다 / You received a badge",
      text: "김민지님, 안녕하세요.\n\nAccept it here:\nhttp://127.0.0.1:3000/claim/abc\n",
      html: '<p lang="ko">김민지님</p><p><a href="http://127.0.0.1:3000/claim/abc">link</a></p>',
      fromName: "한국대학교",
    };
    const read = readMail(compose(mail).raw);
    expect(read.subject).to.equal(mail.subject);
    expect(read.from).to.equal("한국대학교 <no-reply@credanchor.test>");
    expect(read.headers.get("to")).to.equal("minji@students.example");
    expect(read.headers.get("message-id")).to.equal("<1765000000001-00000001@outbox.credanchor>");
    expect(read.headers.get("date")).to.equal("Mon, 07 Dec 2026 09:05:03 +0000");
    expect(read.headers.get("mime-version")).to.equal("1.0");
    expect(read.text).to.equal(mail.text);
    expect(read.html).to.equal(mail.html);
  });

  it("writes a text-only message as one text/plain part", () => {
    const { raw } = compose({ text: "Sign in: http://127.0.0.1:3000/login/xyz" });
    const read = readMail(raw);
    expect(read.headers.get("content-type")).to.equal("text/plain; charset=utf-8");
    expect(read.text).to.equal("Sign in: http://127.0.0.1:3000/login/xyz");
    expect(read.html).to.equal("");
  });

  it("reads back any text, subject and name exactly, over 300 generated cases, within the line limits", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const text = randomText(seed, (seed * 37) % 400);
      const subject = randomText(seed + 1000, (seed * 13) % 120).replace(/\r?\n/g, " ");
      const fromName = randomText(seed + 2000, (seed * 7) % 60).replace(/\r?\n/g, " ");
      const newline = seed % 2 === 0 ? "\n" : "\r\n";
      const { raw } = compose({ text, html: `<p>${text}</p>`, subject, fromName }, { newline });
      const read = readMail(raw);
      const expectedText = text.replace(/\r\n/g, "\n");
      expect(read.text, `seed ${seed}: text`).to.equal(expectedText);
      expect(read.html, `seed ${seed}: html`).to.equal(`<p>${expectedText}</p>`);
      expect(read.subject.trim(), `seed ${seed}: subject`).to.equal(subject.replace(/\t/g, " ").trim());
      const name = fromName.replace(/\t/g, " ");
      expect((splitMailbox(read.from).name ?? "").trim(), `seed ${seed}: from`).to.equal(name.trim() === "" ? "credanchor" : name.trim());
      const lines = raw.toString("utf8").split(newline);
      if (newline === "\n") expect(raw.includes("\r"), `seed ${seed}: a bare CR`).to.equal(false);
      else expect(raw.toString("utf8").replace(/\r\n/g, "").includes("\n"), `seed ${seed}: a bare LF`).to.equal(false);
      const bodyStart = lines.indexOf("");
      for (const line of lines.slice(bodyStart)) expect(line.length, `seed ${seed}: body line ${JSON.stringify(line)}`).to.be.at.most(76);
      for (const line of lines.slice(0, bodyStart)) {
        expect(line.length, `seed ${seed}: header line ${JSON.stringify(line)}`).to.be.at.most(78);
        expect(/[^\x20-\x7e\t]/.test(line), `seed ${seed}: a raw byte outside ASCII in ${JSON.stringify(line)}`).to.equal(false);
      }
    }
  });

  it("keeps an oversized subject, sender name and text within the line limits (the name cut at 200 characters)", () => {
    const subject = "배지 ".repeat(3000);
    const { raw } = compose({ subject, fromName: "한".repeat(5000), text: "x".repeat(50_000), html: `<p>${"é".repeat(20_000)}</p>` });
    for (const line of raw.toString("utf8").split("\n")) expect(line.length).to.be.at.most(78);
    const read = readMail(raw);
    expect(read.subject.trim()).to.equal(subject.trim());
    expect(splitMailbox(read.from).name).to.equal("한".repeat(200));
    expect(read.text).to.equal("x".repeat(50_000));
  });

  it("keeps white space at the end of a line, and an = sign, through quoted-printable", () => {
    expect(quotedPrintable("a = b  \nc\t", "\n")).to.equal("a =3D b =20\nc=09");
    expect(readMail(compose({ text: "total = 12  \nnext" }).raw).text).to.equal("total = 12  \nnext");
  });

  it("writes quoted-printable as the byte-by-byte definition does, over 500 generated texts", () => {
    // RFC 2045 §6.7 taken literally: each UTF-8 byte as itself or =XX, the line's last space or
    // tab encoded, a soft break whenever the next token would pass 75 columns (76 for the last).
    const byteByByte = (content: string): string =>
      content
        .split(/\r\n|\r|\n/)
        .map((line) => {
          const bytes = Buffer.from(line, "utf8");
          const lines: string[] = [];
          let current = "";
          bytes.forEach((byte, i) => {
            const last = i === bytes.length - 1;
            const plain = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
            const token = plain ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
            if (current.length + token.length > (last ? 76 : 75)) {
              lines.push(`${current}=`);
              current = "";
            }
            current += token;
          });
          return [...lines, current].join("\n");
        })
        .join("\n");
    for (let seed = 1; seed <= 500; seed++) {
      const text = randomText(seed, (seed * 53) % 600);
      expect(quotedPrintable(text, "\n"), `seed ${seed}`).to.equal(byteByByte(text));
    }
  });

  it("breaks a long line softly without splitting an encoded byte", () => {
    const encoded = quotedPrintable("é".repeat(100), "\n");
    for (const line of encoded.split("\n")) {
      expect(line.length).to.be.at.most(76);
      expect(line).to.match(/^(=[0-9A-F]{2})*=?$/);
    }
  });

  it("lets no subject, name or text add a header, however it is spelled", () => {
    const { raw } = compose({
      subject: "Hi\r\nBcc: victim@evil.example",
      fromName: 'Uni"\r\nReply-To: thief@evil.example',
      text: "line\r\n\r\nX-Injected: 1\n--=_credanchor_1765000000001-00000001\nContent-Type: text/html",
      html: "<p>x</p>",
    });
    const names = headerLines(raw)
      .filter((line) => !/^[ \t]/.test(line))
      .map((line) => line.slice(0, line.indexOf(":")).toLowerCase());
    expect(names).to.deep.equal(["from", "to", "subject", "message-id", "date", "mime-version", "content-type"]);
    const read = readMail(raw);
    expect(read.subject).to.equal("Hi Bcc: victim@evil.example");
    expect(splitMailbox(read.from)).to.deep.equal({ name: 'Uni" Reply-To: thief@evil.example', address: "no-reply@credanchor.test" });
    // The boundary typed in the text stays text: it is quoted-printable encoded ("=" as =3D).
    expect(read.text).to.equal("line\n\nX-Injected: 1\n--=_credanchor_1765000000001-00000001\nContent-Type: text/html");
    expect(read.html).to.equal("<p>x</p>");
  });

  it("refuses an address no header can hold, as a permanent refusal, and writes a non-ASCII domain in ASCII", () => {
    for (const to of ["a b@x.example", "a@x.example\r\nBcc: c@y.example", "<a@x.example>", '"a"@x.example', "a@x.example, b@y.example", "no-at-sign", "@x.example", "a@", "민지@x.example", `${"a".repeat(320)}@x.example`]) {
      let error: unknown;
      try {
        compose({ to });
      } catch (caught) {
        error = caught;
      }
      expect(error, to).to.be.instanceOf(UnwritableAddressError);
      expect(isPermanentRefusal(error), to).to.equal(true);
    }
    const composed = compose({ to: "minji@한국대학교.kr" });
    expect(composed.envelope.to).to.equal("minji@xn--9d0b4b70v6u5bma.kr");
    expect(readMail(composed.raw).headers.get("to")).to.equal("minji@xn--9d0b4b70v6u5bma.kr");
  });

  it("names the configured address as the envelope's sender, whatever display name the message has", () => {
    expect(compose({ fromName: "Test University" }).envelope).to.deep.equal({ from: "no-reply@credanchor.test", to: "learner@students.example" });
    expect(compose({}, { from: "no-reply@credanchor.test" }).envelope.from).to.equal("no-reply@credanchor.test");
    expect(readMail(compose({}, { from: "no-reply@credanchor.test" }).raw).from).to.equal("no-reply@credanchor.test");
    expect(splitMailbox('"Uni \\"A\\"" <a@b.example>')).to.deep.equal({ name: 'Uni "A"', address: "a@b.example" });
  });

  it("writes dates as RFC 5322 date-times in UTC", () => {
    expect(rfc5322Date(new Date(Date.UTC(2027, 0, 1, 0, 0, 9)))).to.equal("Fri, 01 Jan 2027 00:00:09 +0000");
  });
});
