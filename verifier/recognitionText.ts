/**
 * The identity line of a result, in English and Korean, from `identity.recognition`: who the
 * issuer is according to whom. Shared by the CLI and the web pages (browser-safe). Only data
 * goes in (labels, names, dates); the sentences are ours, so a Korean page shows no English.
 */
import type { AccreditorRecognition, PartyRecognition, RecognitionIdentity } from "../core/verify/recognition";

export type RecognitionLang = "en" | "ko";

export interface RecognitionLine {
  text: string;
  /** ok: recognised; bad: not recognised (the name is its own claim); muted: not checked. */
  tone: "ok" | "bad" | "muted";
  status: PartyRecognition["status"];
}

const TEXT = {
  en: {
    recognised: "{name} — recognised by {label} (trusted by you) since {date}",
    more: " and {n} more you trust",
    endedSince: "; that recognition ended on {date}, after this credential was issued, so it still counts for it",
    notRecognised: "Issuer not recognised by anyone you trust: the name '{name}' is its own claim",
    nobodyTrusted: "Issuer not recognised by anyone you trust (you have not added an accreditor): the name '{name}' is its own claim",
    lapsed: " ({label}: recognition {what} on {date}, before this credential was issued)",
    withdrawn: "withdrawn",
    expired: "ended",
    notYet: "starts only",
    notChecked: "Recognition not checked: {reason}",
    v1: "this registry (v1) keeps no trust lists",
    chain: "the chain was not read",
    unread: "the trust lists could not be read",
    notChain: "the issuer is not a chain account, and trust lists name chain accounts",
    coIssuer: "Co-issuer: {line}",
    recordOk: "{label}'s record: {legalName}{domain}{country} (checked against the chain)",
    recordBad: "{label}'s record does not match what it put on chain: {reason}",
    recordNotFetched: "{label}'s record (legal name, domain, country) was not fetched: {reason}",
    required: "Recognition is required by your settings",
    unnamed: "(no name)",
  },
  ko: {
    recognised: "{name} — {label}(내가 신뢰하는 인정 기관)이 {date}부터 인정한 발급자",
    more: " 외 신뢰하는 기관 {n}곳",
    endedSince: "; 이 인정은 {date}에 끝났지만 이 자격증명은 그 전에 발급되어 여전히 인정됩니다",
    notRecognised: "신뢰하는 어떤 인정 기관도 이 발급자를 인정하지 않았습니다: '{name}'이라는 이름은 발급자 스스로의 주장입니다",
    nobodyTrusted: "신뢰하는 인정 기관이 없어 발급자를 확인하지 못했습니다(인정 기관을 추가하세요): '{name}'이라는 이름은 발급자 스스로의 주장입니다",
    lapsed: " ({label}: {date}에 인정이 {what}, 이 자격증명 발급 전)",
    withdrawn: "철회됨",
    expired: "만료됨",
    notYet: "시작될 예정",
    notChecked: "발급자 인정 여부를 확인하지 못함: {reason}",
    v1: "이 레지스트리(v1)에는 신뢰 목록이 없습니다",
    chain: "체인을 읽지 못했습니다",
    unread: "신뢰 목록을 읽지 못했습니다",
    notChain: "발급자가 체인 계정이 아니며, 신뢰 목록은 체인 계정만 인정합니다",
    coIssuer: "공동 발급자: {line}",
    recordOk: "{label}의 기록: {legalName}{domain}{country} (체인의 해시와 일치)",
    recordBad: "{label}의 기록이 체인에 올린 내용과 다릅니다: 변경되었거나 바뀌었습니다",
    recordNotFetched: "{label}의 기록(법적 이름, 도메인, 국가)을 가져오지 않았습니다",
    required: "설정에서 발급자 인정을 요구합니다",
    unnamed: "(이름 없음)",
  },
} as const;

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ""));
}

/** YYYY-MM-DD of Unix seconds (UTC). */
export function dateOf(seconds: number | string | undefined): string {
  if (seconds === undefined) return "?";
  const value = Number(seconds);
  if (!Number.isFinite(value) || value > 8.64e12) return "—";
  return new Date(value * 1000).toISOString().slice(0, 10);
}

function endOf(entry: AccreditorRecognition): number | string | undefined {
  return entry.withdrawnAt ?? entry.validUntil;
}

/** The line for one party (issuer or co-issuer). */
export function partyLine(party: PartyRecognition, lang: RecognitionLang): RecognitionLine {
  const t = TEXT[lang];
  const name = party.claimedName ?? party.address ?? t.unnamed;
  if (party.status === "recognised") {
    const counting = party.accreditors.filter((a) => a.counts);
    const first = counting[0]!;
    const verifiedRecord = first.record?.status === "verified" ? first.record : undefined;
    let text = fill(t.recognised, { name: verifiedRecord ? verifiedRecord.legalName : name, label: first.label, date: dateOf(first.validFrom) });
    if (counting.length > 1) text += fill(t.more, { n: counting.length - 1 });
    if (counting.every((a) => a.standing === "ended-since")) text += fill(t.endedSince, { date: dateOf(endOf(first)) });
    return { text, tone: "ok", status: party.status };
  }
  if (party.status === "not-checked") {
    const reason = /registry v1/.test(party.reason) ? t.v1 : /chain was not read|could not be read|RPC/.test(party.reason) ? t.chain : t.unread;
    return { text: fill(t.notChecked, { reason }), tone: "muted", status: party.status };
  }
  if (party.address !== undefined && !party.address.startsWith("0x")) {
    return { text: `${fill(t.notRecognised, { name })} (${t.notChain})`, tone: "bad", status: party.status };
  }
  if (party.accreditors.length === 0) return { text: fill(t.nobodyTrusted, { name }), tone: "bad", status: party.status };
  let text = fill(t.notRecognised, { name });
  const lapsed = party.accreditors.find((a) => a.standing === "withdrawn" || a.standing === "expired" || a.standing === "not-yet-valid");
  if (lapsed) {
    const what = lapsed.standing === "withdrawn" ? t.withdrawn : lapsed.standing === "expired" ? t.expired : t.notYet;
    const date = lapsed.standing === "withdrawn" ? lapsed.withdrawnAt : lapsed.standing === "expired" ? lapsed.validUntil : lapsed.validFrom;
    text = text.replace(/:/, `${fill(t.lapsed, { label: lapsed.label, what, date: dateOf(date) })}:`);
  }
  return { text, tone: "bad", status: party.status };
}

/**
 * Every identity line of a result: the issuer's, each co-issuer's, and the records of the
 * accreditors that recognise them (hash-checked, or why not).
 */
export function recognitionLines(identity: RecognitionIdentity, lang: RecognitionLang): RecognitionLine[] {
  const t = TEXT[lang];
  const lines: RecognitionLine[] = [partyLine(identity, lang)];
  for (const party of identity.coIssuers ?? []) {
    const line = partyLine(party, lang);
    lines.push({ ...line, text: fill(t.coIssuer, { line: line.text }) });
  }
  for (const party of [identity, ...(identity.coIssuers ?? [])]) {
    for (const entry of party.accreditors) {
      if (!entry.counts || !entry.record) continue;
      const record = entry.record;
      if (record.status === "verified") {
        lines.push({
          text: fill(t.recordOk, { label: entry.label, legalName: record.legalName, domain: record.domain ? `, ${record.domain}` : "", country: record.country ? `, ${record.country}` : "" }),
          tone: "ok",
          status: party.status,
        });
      } else if (record.status === "mismatch") {
        lines.push({ text: fill(t.recordBad, { label: entry.label, reason: record.reason }), tone: "bad", status: party.status });
      } else {
        lines.push({ text: fill(t.recordNotFetched, { label: entry.label, reason: record.reason }) + (lang === "en" ? "" : ""), tone: "muted", status: party.status });
      }
    }
  }
  return lines;
}
