/**
 * Draws a verification report as it is produced: one row per step, added as the pipeline
 * reports it, then a verdict. A bundle (several credentials, a CLR) gets one collapsible row
 * per credential and a summary line. Built with DOM calls only, so text from a credential can
 * never become markup.
 */
import type { BundleReport, StepEvent, VerificationStep } from "../../core/verify/pipeline";
import { stepTitle, text, type UiLang } from "./stepText";
import { plainSentence } from "./plainLanguage";

const ICONS: Record<string, string> = { ok: "✓", failed: "✕", warning: "!", skipped: "–", running: "…" };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function stepItem(step: VerificationStep, lang: UiLang, issuerName: string | undefined): HTMLLIElement {
  const sentence = plainSentence(step, issuerName, lang);
  return el(
    "li",
    { class: step.status, "data-step": step.name, "data-status": step.status },
    el("span", { class: "step-icon", "aria-hidden": "true" }, ICONS[step.status] ?? "?"),
    el(
      "div",
      {},
      // The plain sentence leads; the step's name stays for screen readers and as a tooltip.
      el("div", { class: "step-title", title: stepTitle(step.name, lang) }, sentence ?? stepTitle(step.name, lang), el("span", { class: "sr-only" }, ` (${stepTitle(step.name, lang)}: ${step.status})`)),
      sentence === step.message ? "" : el("div", { class: "step-detail" }, step.message),
    ),
  );
}

function verdict(state: "ok" | "bad" | "pending", label: string, detail?: string): HTMLDivElement {
  const box = el("div", { class: `verdict ${state}`, role: "status", "data-verdict": state }, el("span", { class: "icon", "aria-hidden": "true" }, state === "ok" ? "✓" : state === "bad" ? "✕" : "…"));
  const words = el("div", {}, label);
  if (detail) words.append(el("div", { class: "small", style: "font-weight:500" }, detail));
  box.append(words);
  return box;
}

export interface CredentialLabel {
  name: string;
  issuer?: string;
}

export interface LiveReport {
  onStep(event: StepEvent): void;
  finish(report: BundleReport): void;
  fail(message: string): void;
}

export function createLiveReport(container: HTMLElement, labels: CredentialLabel[], lang: UiLang): LiveReport {
  container.replaceChildren();
  container.setAttribute("data-state", "running");
  const bundle = labels.length > 1;
  const head = el("div");
  head.append(verdict("pending", text(lang, "running")));
  container.append(head);
  const lists: HTMLOListElement[] = [];
  const rowHeads: HTMLElement[] = [];
  labels.forEach((label, i) => {
    const list = el("ol", { class: "steps", "data-credential-index": String(i) });
    lists.push(list);
    if (bundle) {
      const summary = el("summary", {}, el("strong", {}, label.name), label.issuer ? el("span", { class: "muted small" }, label.issuer) : "");
      rowHeads.push(summary);
      container.append(el("details", { class: "bundle-row", "data-credential-index": String(i) }, summary, list));
    } else container.append(list);
  });

  return {
    onStep(event) {
      const list = lists[event.index];
      if (list) list.append(stepItem(event.step, lang, labels[event.index]?.issuer));
    },
    finish(report) {
      container.setAttribute("data-state", report.verified ? "verified" : "failed");
      // Redraw from the final report: it is the source of truth (and covers a pipeline that
      // reported no progress events).
      report.results.forEach((result, i) => {
        const list = lists[i];
        if (!list) return;
        list.replaceChildren(...result.steps.map((s) => stepItem(s, lang, result.issuer?.name ?? labels[i]?.issuer)));
        const summary = rowHeads[i];
        if (summary) {
          summary.prepend(el("span", { class: `pill ${result.verified ? "ok" : "failed"}` }, result.verified ? text(lang, "verified") : text(lang, "notVerified")));
          if (!result.verified) (summary.parentElement as HTMLDetailsElement).open = true;
        }
      });
      const ok = report.results.filter((r) => r.verified).length;
      const firstFailure = report.results.find((r) => !r.verified);
      const detailParts: string[] = [];
      if (bundle) detailParts.push(text(lang, "bundle", { ok, total: report.results.length }));
      if (firstFailure?.failedStep) detailParts.push(text(lang, "failedAt", { step: stepTitle(firstFailure.failedStep, lang) }));
      if (report.chain) detailParts.push(text(lang, "chain", { chainId: report.chain.chainId, block: report.chain.blockNumber }));
      head.replaceChildren(verdict(report.verified ? "ok" : "bad", report.verified ? text(lang, "verified") : text(lang, "notVerified"), detailParts.join(" · ")));
      if (firstFailure?.failedStep) container.setAttribute("data-failed-step", firstFailure.failedStep);
    },
    fail(message) {
      container.setAttribute("data-state", "error");
      head.replaceChildren(verdict("bad", text(lang, "notVerified"), message));
    },
  };
}
