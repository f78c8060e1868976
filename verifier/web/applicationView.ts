/**
 * The job-application block of the verify page (issue 14 part 3): when the input is one CLR 2.0
 * or presentation, the bundle's own signature and expiry, then one line per issuer with its
 * counts, and one summary — the per-credential rows stay in the live report above it.
 * Korean and English text of its own, so neither page shows the other language.
 */
import { assessApplication, type ApplicationReport } from "../../core/application/verifyApplication";
import type { RowOutcome } from "../../core/application/summary";
import type { BundleReport } from "../../core/verify/report";
import { typesOf } from "../../core/verify/bundle";

type Lang = "ko" | "en";

const TEXT = {
  en: {
    title: "Job application",
    envelope: { ok: "Signed by the applicant's wallet, unchanged and not expired", failed: "The application itself does not verify (changed after signing, or expired)", skipped: "No envelope" },
    outcome: { verified: "verified", unconfirmed: "unconfirmed", revoked: "revoked", suspended: "suspended", failed: "failed" },
  },
  ko: {
    title: "입사 지원서",
    envelope: { ok: "지원자의 지갑이 서명했고, 바뀌지 않았으며, 만료되지 않았습니다", failed: "지원서 자체가 검증되지 않습니다(서명 뒤에 바뀌었거나 만료됨)", skipped: "감싼 서명 없음" },
    outcome: { verified: "검증됨", unconfirmed: "확인 못 함", revoked: "취소됨", suspended: "정지됨", failed: "실패" },
  },
} as const;

const ORDER: RowOutcome[] = ["verified", "unconfirmed", "revoked", "suspended", "failed"];

function countsLine(counts: Record<RowOutcome, number>, lang: Lang): string {
  return ORDER.filter((outcome) => counts[outcome] > 0).map((outcome) => `${counts[outcome]} ${TEXT[lang].outcome[outcome]}`).join(", ");
}

export function isApplicationInput(credentials: readonly unknown[]): boolean {
  return credentials.length === 1 && ["ClrCredential", "VerifiablePresentation"].some((type) => typesOf(credentials[0]).includes(type));
}

/** Appends the application block under the report; never changes the report's verdicts. With the employer's challenge, the report says whether the presentation answers it. */
export async function showApplication(container: HTMLElement, document: unknown, report: BundleReport, lang: Lang, challenge?: { challenge: string; domain: string }): Promise<ApplicationReport> {
  const application = await assessApplication(document, report, challenge ? { challenge } : {});
  const t = TEXT[lang];
  const section = globalThis.document.createElement("section");
  section.className = "card application-view";
  section.setAttribute("data-application-verdict", application.verdict);
  const heading = globalThis.document.createElement("h2");
  heading.textContent = t.title;
  const envelope = globalThis.document.createElement("p");
  envelope.className = application.envelope.status === "failed" ? "notice bad" : "notice ok";
  envelope.setAttribute("data-envelope", application.envelope.status);
  envelope.textContent = t.envelope[application.envelope.status];
  const summary = globalThis.document.createElement("p");
  summary.setAttribute("data-summary", "");
  summary.textContent = `${countsLine(application.counts, lang)} — ${application.groups.map((group) => `${group.label}: ${group.rows.length}`).join(", ")}`;
  const list = globalThis.document.createElement("ul");
  for (const group of application.groups) {
    const item = globalThis.document.createElement("li");
    item.textContent = `${group.label} (${group.rows.length}): ${countsLine(group.counts, lang)}`;
    list.append(item);
  }
  section.append(heading, envelope, summary, list);
  container.append(section);
  return application;
}
