/**
 * The browser verifier: the /verify page (also opened as a static file from disk) and the live
 * panel on a credential page. Runs the core pipeline here, against the RPC URL the page was
 * given, so the answer does not depend on trusting the server that served the page.
 */
import { verifyCredentials, type VerifyOptions } from "../../core/verify/pipeline";
import { isApplicationInput, showApplication } from "./applicationView";
import { flattenBundle } from "../../core/verify/bundle";
import { createLiveReport, domainNotFetchedReason, type CredentialLabel } from "./reportView";
import { checkIssuerDomains } from "../../core/identity/checkIssuerDomains";
import { credentialsFromFile, credentialsFromJson, credentialsFromText, InputError } from "./inputs";
import { detectLang, rememberLang, text, type UiKey, type UiLang } from "./stepText";
import { startQrScanner, type QrScanner } from "./qrScanner";
import { accreditorText, renderAccreditorSettings, requireRecognitionSetting, trustedAccreditorsOption, type AccreditorSettingsConfig } from "./accreditors";
import { checkRecognitionRecords } from "../../core/identity/checkRecognitionRecords";
import { challengeOutcome, isPresentation } from "./challengeOutcome";
import { readKeptChallenge, renderChallengeCard, showChallengeOutcome } from "./challengeView";

interface PageConfig extends AccreditorSettingsConfig {
  rpcUrl?: string;
  registry?: string;
  chainId?: number;
  confirmations?: number;
}

function readConfig(): PageConfig {
  const node = document.getElementById("credanchor-config");
  try {
    return node?.textContent ? (JSON.parse(node.textContent) as PageConfig) : {};
  } catch {
    return {};
  }
}

/** A string worth showing (labels come from untrusted input: only short strings, never objects). */
function shown(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.slice(0, 200) : undefined;
}

function labelOf(credential: unknown): CredentialLabel {
  const c = (credential && typeof credential === "object" ? credential : {}) as Record<string, any>;
  const subject = Array.isArray(c.credentialSubject) ? c.credentialSubject[0] : c.credentialSubject;
  const name = shown(subject?.achievement?.name) ?? shown(c.name) ?? shown(c.id) ?? "Credential";
  const lead = typeof c.issuer === "string" ? shown(c.issuer) : (shown(c.issuer?.name) ?? shown(c.issuer?.id));
  // Co-issued badges name every co-issuer (their Profiles in @included) beside the issuer.
  const coIssuers = (Array.isArray(c["@included"]) ? c["@included"] : [])
    .filter((p: any) => p && typeof p === "object" && Array.isArray(p.type) && p.type.includes("Profile"))
    .map((p: any) => shown(p.name) ?? shown(p.id))
    .filter((name: string | undefined): name is string => name !== undefined)
    .slice(0, 33);
  const issuer = lead && coIssuers.length > 0 ? [lead, ...coIssuers].join(" & ") : lead;
  // A recipient's name when the badge carries one in the clear (an unhashed "name" identity), else its DID.
  const identities: unknown[] = Array.isArray(subject?.identifier) ? subject.identifier : subject?.identifier ? [subject.identifier] : [];
  const named = identities.find((i): i is Record<string, unknown> => !!i && typeof i === "object" && (i as any).identityType === "name" && (i as any).hashed !== true);
  const recipient = shown(subject?.name) ?? shown(named?.identityHash) ?? shown(subject?.id);
  const label: CredentialLabel = { name };
  if (issuer) label.issuer = issuer;
  if (recipient) label.recipient = recipient;
  const date = shown(c.validFrom) ?? shown(c.issuanceDate);
  if (date) label.date = date;
  return label;
}

async function runVerification(container: HTMLElement, credentials: unknown[], options: VerifyOptions, lang: UiLang, where: "page" | "panel", afterChallenge?: () => void): Promise<void> {
  const labels = flattenBundle(credentials).map((entry) => labelOf(entry.credential));
  const live = createLiveReport(container, labels, { lang, rpcUrl: options.rpcUrls?.[0] ?? "", focusVerdict: where === "page", panel: where === "panel" });
  try {
    const report = await verifyCredentials(credentials, { ...options, onStep: (event) => live.onStep(event) });
    // The page does not fetch issuers' domains (no size or address limits in a browser): it says so.
    await checkIssuerDomains(report, credentials, { notCheckedReason: domainNotFetchedReason(lang) });
    // Accreditors' records: only those the page's own server serves (same origin); their hash is checked here.
    await checkRecognitionRecords(report, { fetchRecord: sameOriginRecord, notFetchedReason: accreditorText(lang, "recordNotFetched") });
    live.finish(report);
    // The employer's challenge is the verify page's only (read before assessment, spent at most once after it).
    const { kept, now } = where === "page" ? readKeptChallenge() : { kept: { state: "none" as const }, now: 0 };
    const asked = kept.state === "active" ? { challenge: kept.challenge.challenge, domain: kept.challenge.domain } : undefined;
    const single = isApplicationInput(credentials);
    const application = single ? await showApplication(container, credentials[0], report, lang, asked) : undefined;
    if (where === "page" && (kept.state !== "none" || (single && isPresentation(credentials[0])))) {
      showChallengeOutcome(container, await challengeOutcome(single ? credentials[0] : credentials, application, kept, now), lang);
      afterChallenge?.();
    }
  } catch (error) {
    live.fail((error as Error).message);
  }
}

/** Records served by the server the page came from; anything else is not fetched from a browser. */
async function sameOriginRecord(url: string): Promise<unknown> {
  if (location.protocol === "file:" || !url.startsWith(`${location.origin}/api/v1/accreditors/`)) throw new Error("not fetched by this page");
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > 16 * 1024) throw new Error("the record is too large");
  return JSON.parse(text) as unknown;
}

function optionsFrom(rpcUrl: string, registry: string, confirmations: number, config: AccreditorSettingsConfig = {}): VerifyOptions {
  // Whom the visitor trusts to say who an issuer is (its own list, plus the server's suggestions it kept).
  const options: VerifyOptions = { confirmations, accreditors: trustedAccreditorsOption(config), requireRecognition: requireRecognitionSetting(config) };
  if (rpcUrl) options.rpcUrls = [rpcUrl];
  // Comma-separated addresses narrow trust to those registries.
  if (registry) options.registry = registry.split(",").map((r) => r.trim()).filter((r) => r !== "");
  return options;
}

// ---- the /verify page ----

function applyLang(lang: UiLang): void {
  document.documentElement.lang = lang;
  document.querySelectorAll<HTMLElement>("[data-i18n]").forEach((node) => {
    node.textContent = text(lang, node.dataset.i18n as UiKey);
  });
  document.querySelectorAll<HTMLElement>("[data-i18n-attr]").forEach((node) => {
    const [attr, key] = node.dataset.i18nAttr!.split(":");
    node.setAttribute(attr!, text(lang, key as UiKey));
  });
  document.querySelectorAll<HTMLAnchorElement>("[data-set-lang]").forEach((link) => link.setAttribute("aria-current", String(link.dataset.setLang === lang)));
  document.title = `${text(lang, "title")} · credanchor`;
}

function setupTabs(): void {
  const tabs = Array.from(document.querySelectorAll<HTMLButtonElement>('[role="tab"]'));
  const select = (tab: HTMLButtonElement) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")!)!.hidden = !selected;
    }
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(tab));
    // Arrow keys move between tabs, as in the WAI-ARIA tabs pattern.
    tab.addEventListener("keydown", (event) => {
      const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length]!;
      select(next);
      next.focus();
    });
  });
}

function verifyPage(root: HTMLElement): void {
  const config = readConfig();
  let lang = detectLang();
  applyLang(lang);
  setupTabs();
  // Opened from disk there is no server behind the page: no home page, no wallet.
  if (location.protocol === "file:") {
    document.querySelector("[data-home-link]")?.removeAttribute("href");
    document.querySelectorAll("[data-server-only]").forEach((node) => node.remove());
  }

  const rpcInput = document.getElementById("rpc-url") as HTMLInputElement;
  const registryInput = document.getElementById("registry") as HTMLInputElement;
  const confirmationsInput = document.getElementById("confirmations") as HTMLInputElement;
  rpcInput.value = config.rpcUrl ?? "";
  registryInput.value = config.registry ?? "";
  confirmationsInput.value = String(config.confirmations ?? 1);
  // Served by a server (or built with PUBLIC_RPC_URL), the settings are filled in; otherwise the
  // user must type the RPC URL. Which chain is asked is always shown, outside the settings.
  if (!config.rpcUrl) (document.getElementById("settings") as HTMLDetailsElement).open = true;
  const rpcShown = document.getElementById("rpc-shown")!;
  const showRpc = () => {
    const url = rpcInput.value.trim();
    rpcShown.textContent = url ? text(lang, "usingRpc", { url }) : text(lang, "usingNoRpc");
    rpcShown.className = url ? "small muted" : "notice warn small";
    rpcShown.dataset.rpcUrl = url;
  };
  showRpc();
  rpcInput.addEventListener("input", showRpc);
  const accreditorSettings = document.getElementById("accreditor-settings");
  if (accreditorSettings) renderAccreditorSettings(accreditorSettings, config, lang);
  if (location.hash === "#accreditors") (document.getElementById("settings") as HTMLDetailsElement).open = true;

  // The employer's challenge (issue 14 part 3): made and kept in this tab, checked against presentations.
  const challengeCard = document.getElementById("employer-challenge");
  if (challengeCard) renderChallengeCard(challengeCard, lang);

  const report = document.getElementById("report")!;
  const inputError = document.getElementById("input-error")!;
  const showInputError = (message: string) => {
    const box = document.createElement("div");
    box.className = "notice bad";
    box.setAttribute("role", "alert");
    box.textContent = text(lang, "readError", { reason: message });
    inputError.replaceChildren(box);
  };

  let runs = 0;
  const verify = async (load: () => Promise<unknown[]>) => {
    // Each run is numbered so a reader (or a test) can tell this run's verdict from the last one's.
    report.dataset.run = String(++runs);
    report.dataset.state = "loading";
    inputError.replaceChildren();
    let credentials: unknown[];
    try {
      credentials = await load();
    } catch (error) {
      report.replaceChildren();
      report.dataset.state = "error";
      showInputError(error instanceof InputError ? error.message : (error as Error).message);
      return;
    }
    const rpcUrl = rpcInput.value.trim();
    if (!rpcUrl) {
      const note = document.createElement("div");
      note.className = "notice warn";
      note.textContent = text(lang, "noRpc");
      inputError.replaceChildren(note);
    }
    const confirmations = Number.parseInt(confirmationsInput.value, 10);
    await runVerification(report, credentials, optionsFrom(rpcUrl, registryInput.value.trim(), Number.isFinite(confirmations) && confirmations >= 0 ? confirmations : 1, config), lang, "page", () => {
      if (challengeCard) renderChallengeCard(challengeCard, lang);
    });
  };

  document.querySelectorAll<HTMLAnchorElement>("[data-set-lang]").forEach((link) =>
    link.addEventListener("click", (event) => {
      event.preventDefault();
      lang = link.dataset.setLang as UiLang;
      rememberLang(lang);
      applyLang(lang);
      showRpc();
      if (accreditorSettings) renderAccreditorSettings(accreditorSettings, config, lang);
      if (challengeCard) renderChallengeCard(challengeCard, lang);
    }),
  );

  const fileInput = document.getElementById("file-input") as HTMLInputElement;
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    if (file) void verify(() => credentialsFromFile(file, text(lang, "noAttachment")));
    fileInput.value = "";
  });
  const dropzone = document.getElementById("dropzone")!;
  dropzone.addEventListener("dragover", (event) => {
    event.preventDefault();
    dropzone.classList.add("dragging");
  });
  dropzone.addEventListener("dragleave", () => dropzone.classList.remove("dragging"));
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropzone.classList.remove("dragging");
    const file = event.dataTransfer?.files[0];
    if (file) void verify(() => credentialsFromFile(file, text(lang, "noAttachment")));
  });

  const paste = document.getElementById("paste-input") as HTMLTextAreaElement;
  document.getElementById("paste-verify")!.addEventListener("click", () => void verify(() => credentialsFromText(paste.value)));

  let scanner: QrScanner | undefined;
  const scanStatus = document.getElementById("scan-status")!;
  const scanStart = document.getElementById("scan-start") as HTMLButtonElement;
  const scanStop = document.getElementById("scan-stop") as HTMLButtonElement;
  const video = document.getElementById("scan-video") as HTMLVideoElement;
  const stopScan = () => {
    scanner?.stop();
    scanner = undefined;
    video.hidden = true;
    scanStop.hidden = true;
    scanStart.hidden = false;
  };
  scanStart.addEventListener("click", async () => {
    if (!("BarcodeDetector" in window)) {
      scanStatus.textContent = text(lang, "scanUnsupported");
      return;
    }
    try {
      video.hidden = false;
      scanStart.hidden = true;
      scanStop.hidden = false;
      scanStatus.textContent = text(lang, "scanning");
      scanner = await startQrScanner(video, (value) => {
        stopScan();
        paste.value = value;
        scanStatus.textContent = value;
        void verify(() => credentialsFromText(value));
      });
    } catch (error) {
      stopScan();
      scanStatus.textContent = (error as Error).message;
    }
  });
  scanStop.addEventListener("click", stopScan);

  root.setAttribute("data-ready", "true");
}

// ---- the live panel on /c/:id ----

async function credentialPanel(panel: HTMLElement): Promise<void> {
  const config = readConfig();
  const lang: UiLang = panel.dataset.lang === "en" ? "en" : "ko";
  let credentials: unknown[];
  try {
    const response = await fetch(panel.dataset.verifyUrl!, { headers: { accept: "application/ld+json, application/json" } });
    credentials = credentialsFromJson(await response.text());
  } catch (error) {
    panel.textContent = (error as Error).message;
    return;
  }
  await runVerification(panel, credentials, optionsFrom(config.rpcUrl ?? "", config.registry ?? "", config.confirmations ?? 1, config), lang, "panel");
}

const app = document.getElementById("verify-app");
if (app) verifyPage(app);
const panel = document.getElementById("verify-panel");
if (panel?.dataset.verifyUrl) void credentialPanel(panel);
