/**
 * One short sentence per step for people who are not developers ("Signed by Example
 * University — key valid at the time", "Recorded on chain 31337 (local) in block 12,
 * 3 confirmations", "Not revoked"), in Korean or English. Built from the step's status and
 * data; the pipeline's own, more technical sentence is shown under it.
 */
import type { VerificationStep } from "../../core/verify/pipeline";
import type { UiLang } from "./stepText";
import { shownStatus } from "../verdict";

const LOCAL_CHAINS = new Set([31337, 1337]);

function num(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

function chainLabel(step: VerificationStep, lang: UiLang): string {
  // The step's own value when it has one (core/verify/stepCodes.ts); an older report's sentence otherwise.
  const match = /on chain (\d+)/.exec(step.message);
  const chainId = num(step.params?.chainId) ?? (match ? Number(match[1]) : undefined);
  if (chainId === undefined) return lang === "ko" ? "블록체인" : "the chain";
  const local = LOCAL_CHAINS.has(chainId) ? (lang === "ko" ? " (로컬)" : " (local)") : "";
  return lang === "ko" ? `체인 ${chainId}${local}` : `chain ${chainId}${local}`;
}

export function plainSentence(step: VerificationStep, issuerName: string | undefined, lang: UiLang): string | undefined {
  const issuer = issuerName ?? (lang === "ko" ? "발급 기관" : "the issuer");
  const ko = lang === "ko";
  const data = (step.data ?? {}) as Record<string, any>;
  // Only an ok step may read as a claim ("Not revoked"); "warning" is shown as unconfirmed.
  switch (`${step.name}:${shownStatus(step.status)}`) {
    case "schema:ok":
      return ko ? "올바른 Open Badges 3.0 배지입니다" : "A valid Open Badges 3.0 credential";
    case "schema:failed":
      return ko ? "Open Badges 3.0 형식이 아닙니다" : "Not a valid Open Badges 3.0 credential";
    case "issuer-signature:ok":
      return ko ? `${issuer}의 서명이 맞습니다` : `Signed by ${issuer}`;
    case "issuer-signature:failed":
      return ko ? "서명이 맞지 않습니다 — 내용이 바뀌었거나 위조되었습니다" : "The signature does not match — the content was changed or forged";
    case "key-registered:ok":
      return ko ? `${issuer}의 서명 키가 발급 당시 유효했습니다` : `Signed by ${issuer} — key valid at the time`;
    case "key-registered:failed":
      return ko ? "서명 키가 발급 당시 유효하지 않았습니다" : "The signing key was not valid at the time";
    case "inclusion:ok":
      return ko ? "블록체인에 기록된 배치에 들어 있습니다" : "Part of the batch recorded on chain";
    case "inclusion:failed":
      return ko ? "기록된 배치에 들어 있지 않습니다" : "Not part of the batch it claims";
    case "anchored:ok": {
      const block = num(data.onChain?.blockNumber);
      const read = num(data.readAtBlock);
      const where = chainLabel(step, lang);
      if (block === undefined) return ko ? `${where}에 기록되었습니다` : `Recorded on ${where}`;
      const seen = read === undefined ? undefined : read - block + 1;
      if (ko) return `${where}의 ${block}번 블록에 기록됨${seen === undefined ? "" : `, 확인 ${seen}회`}`;
      return `Recorded on ${where} in block ${block}${seen === undefined ? "" : `, ${seen} confirmation${seen === 1 ? "" : "s"}`}`;
    }
    case "anchored:unconfirmed":
      return step.code === "anchor.notAnchored" || (step.code === undefined && /not anchored/i.test(step.message)) ? (ko ? "서명됨, 블록체인 기록 없음" : "Signed, not anchored") : undefined;
    case "anchored:failed":
      return ko ? "블록체인 기록을 확인할 수 없습니다" : "Not recorded on chain as claimed";
    case "co-issuers:ok":
      return ko ? "공동 발급 기관이 모두 승인했습니다" : "All co-issuers endorsed it";
    case "co-issuers:skipped":
      return step.code === "coIssuers.none" || (step.code === undefined && /not co-issued/i.test(step.message)) ? (ko ? "공동 발급 배지가 아닙니다" : "Not co-issued") : undefined;
    case "status:ok":
      return ko ? "취소되지 않았습니다" : "Not revoked";
    case "status:failed":
      if (step.code === "status.revoked" || (step.code === undefined && /^Revoked/.test(step.message))) return ko ? "발급 기관이 취소했습니다" : "Revoked by the issuer";
      if (step.code === "status.suspended" || (step.code === undefined && /^Suspended/.test(step.message))) return ko ? "발급 기관이 일시 정지했습니다" : "Suspended by the issuer";
      return undefined;
    case "validity:ok":
      return ko ? "유효 기간 안에 있습니다" : "Within its validity dates";
    case "validity:failed":
      return ko ? "유효 기간이 아닙니다" : "Outside its validity dates";
    default:
      return undefined;
  }
}
