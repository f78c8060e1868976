/**
 * Plain-language titles for the pipeline's steps, in Korean and English. The sentence under
 * each title is the pipeline's own (it carries the names, blocks and dates it checked).
 * Titles name what is checked, never the good outcome: a step that did not run or failed must
 * not read as a claim ("Not revoked"), so the claim lives only in the sentence of an ok step.
 */
export type UiLang = "ko" | "en";

const titles: Record<string, { en: string; ko: string }> = {
  schema: { en: "Open Badge format", ko: "오픈 배지 형식" },
  "issuer-signature": { en: "Issuer's signature", ko: "발급 기관의 서명" },
  "key-registered": { en: "Issuer's key at the time", ko: "발급 당시의 발급 키" },
  inclusion: { en: "Place in the anchored batch", ko: "기록된 배치 포함 여부" },
  anchored: { en: "Blockchain record", ko: "블록체인 기록" },
  "co-issuers": { en: "Co-issuer endorsements", ko: "공동 발급 기관의 승인" },
  status: { en: "Revocation and suspension", ko: "취소·정지 여부" },
  validity: { en: "Validity dates", ko: "유효 기간" },
};

const ui = {
  en: {
    title: "Verify a badge",
    lede: "Check an Open Badge yourself. Everything runs in this browser and reads the blockchain directly; no server is asked whether the badge is real.",
    tabFile: "File (JSON or PDF)",
    tabPaste: "Paste JSON or link",
    tabScan: "Scan QR code",
    drop: "Drop a badge JSON file or a PDF certificate here",
    choose: "or choose a file",
    skip: "Skip to content",
    rawTechnical: "Raw technical value (as the software reported it, untranslated)",
    fixInDetails: "see the raw technical value of the step below",
    pasteLabel: "Credential JSON, or a link to a badge page (/c/…)",
    verify: "Verify",
    scanStart: "Start camera",
    scanStop: "Stop camera",
    scanUnsupported: "This browser cannot read QR codes from the camera (no BarcodeDetector). Open the link under the QR code with your phone's camera app, or paste it in the other tab.",
    scanning: "Point the camera at the QR code…",
    settings: "Chain settings",
    rpcUrl: "RPC URL of the chain",
    rpcHint: "The JSON-RPC endpoint this page talks to directly, e.g. http://127.0.0.1:8545. Without one, nothing can be confirmed.",
    registry: "Registry contract address",
    registryHint: "Optional: only anchors in these registries (comma-separated) are trusted. Registries with other code are never trusted.",
    confirmations: "Confirmations required",
    running: "Verifying…",
    verified: "Verified",
    unconfirmed: "Not confirmed",
    failed: "Failed",
    notVerified: "Not verified",
    failedAt: "Failed at: {step}",
    bundle: "{ok} of {total} credentials verified",
    countVerified: "{n} verified",
    countUnconfirmed: "{n} not confirmed",
    countFailed: "{n} failed",
    credential: "Credential",
    noRpc: "No RPC URL: the blockchain cannot be read, so no badge can be confirmed. Enter the chain's RPC URL under Chain settings.",
    noRpcReason: "The blockchain was not read: no RPC URL was given",
    noRpcFix: "Enter the RPC URL of the badge's chain under Chain settings, then verify again.",
    noRpcFixPanel: "Open the verify page, enter the RPC URL of the badge's chain under Chain settings, and verify this badge there.",
    chainNotRead: "The blockchain could not be read: {reason}",
    chainNotReadFix: "Check the RPC URL under Chain settings (is it reachable, and is it the badge's chain?), then verify again.",
    chainNotReadFixPanel: "Reload this page to try again, or verify the badge on the verify page with another RPC URL of its chain.",
    whatToDo: "What to do: {fix}",
    notChecked: "Not checked",
    notApplicable: "Does not apply",
    usingRpc: "Checking against the blockchain at {url}",
    usingNoRpc: "No blockchain RPC URL set: results cannot be confirmed",
    aboutBadge: "Badge",
    aboutRecipient: "Recipient",
    aboutIssuer: "Issuer",
    aboutDate: "Issued",
    issuedBy: "Issued by {issuer}",
    unknownIssuer: "Issuer not named",
    readError: "Could not read the input: {reason}",
    noAttachment: "This PDF has no embedded credential (credential.json).",
    chain: "Checked against chain {chainId} at block {block}.",
    language: "Language",
    wallet: "My wallet",
    verifyNav: "Verify",
  },
  ko: {
    title: "배지 검증",
    lede: "오픈 배지를 직접 확인하세요. 모든 검증은 이 브라우저에서 실행되고 블록체인을 직접 읽습니다. 어떤 서버에도 진위를 묻지 않습니다.",
    tabFile: "파일 (JSON 또는 PDF)",
    tabPaste: "JSON 또는 링크 붙여넣기",
    tabScan: "QR 코드 스캔",
    drop: "배지 JSON 파일이나 PDF 증명서를 여기에 끌어다 놓으세요",
    choose: "또는 파일 선택",
    skip: "본문으로 건너뛰기",
    rawTechnical: "원시 기술 값 (소프트웨어가 보고한 그대로, 번역하지 않음)",
    fixInDetails: "아래 단계의 ‘원시 기술 값’을 확인하세요",
    pasteLabel: "배지 JSON 또는 배지 페이지 링크 (/c/…)",
    verify: "검증하기",
    scanStart: "카메라 켜기",
    scanStop: "카메라 끄기",
    scanUnsupported: "이 브라우저는 카메라로 QR 코드를 읽을 수 없습니다 (BarcodeDetector 없음). 휴대폰 카메라 앱으로 QR 아래 링크를 열거나, 다른 탭에 붙여 넣으세요.",
    scanning: "QR 코드에 카메라를 비춰 주세요…",
    settings: "블록체인 설정",
    rpcUrl: "블록체인 RPC URL",
    rpcHint: "이 페이지가 직접 접속하는 JSON-RPC 주소 (예: http://127.0.0.1:8545). 없으면 아무것도 확인할 수 없습니다.",
    registry: "레지스트리 컨트랙트 주소",
    registryHint: "선택 사항: 여기 적은 레지스트리(쉼표로 구분)의 기록만 신뢰합니다. 다른 코드의 레지스트리는 절대 신뢰하지 않습니다.",
    confirmations: "필요한 확인 블록 수",
    running: "검증 중…",
    verified: "검증됨",
    unconfirmed: "확인되지 않음",
    failed: "검증 실패",
    notVerified: "검증되지 않음",
    failedAt: "실패한 단계: {step}",
    bundle: "{total}개 중 {ok}개 검증됨",
    countVerified: "{n}개 검증됨",
    countUnconfirmed: "{n}개 확인되지 않음",
    countFailed: "{n}개 실패",
    credential: "배지",
    noRpc: "RPC URL이 없어 블록체인을 읽을 수 없으므로 어떤 배지도 확인할 수 없습니다. 블록체인 설정에 RPC URL을 입력하세요.",
    noRpcReason: "블록체인을 읽지 않았습니다: RPC URL이 없습니다",
    noRpcFix: "블록체인 설정에 배지가 기록된 체인의 RPC URL을 입력한 뒤 다시 검증하세요.",
    noRpcFixPanel: "검증 페이지를 열고 블록체인 설정에 배지가 기록된 체인의 RPC URL을 입력한 뒤 이 배지를 검증하세요.",
    chainNotRead: "블록체인을 읽을 수 없습니다: {reason}",
    chainNotReadFix: "블록체인 설정의 RPC URL을 확인하세요 (접속할 수 있는지, 배지의 체인이 맞는지) 그리고 다시 검증하세요.",
    chainNotReadFixPanel: "이 페이지를 새로 고쳐 다시 시도하거나, 검증 페이지에서 해당 체인의 다른 RPC URL로 검증하세요.",
    whatToDo: "해결 방법: {fix}",
    notChecked: "확인하지 못함",
    notApplicable: "해당 없음",
    usingRpc: "{url} 의 블록체인을 기준으로 확인합니다",
    usingNoRpc: "블록체인 RPC URL이 없습니다: 결과를 확인할 수 없습니다",
    aboutBadge: "배지",
    aboutRecipient: "받는 사람",
    aboutIssuer: "발급 기관",
    aboutDate: "발급일",
    issuedBy: "발급: {issuer}",
    unknownIssuer: "발급 기관 이름 없음",
    readError: "입력을 읽을 수 없습니다: {reason}",
    noAttachment: "이 PDF에는 배지(credential.json)가 들어 있지 않습니다.",
    chain: "체인 {chainId}의 {block}번 블록 기준으로 확인했습니다.",
    language: "언어",
    wallet: "내 지갑",
    verifyNav: "검증하기",
  },
} as const;

export type UiKey = keyof (typeof ui)["en"];

export function text(lang: UiLang, key: UiKey, vars: Record<string, string | number> = {}): string {
  let out: string = ui[lang][key];
  for (const [name, value] of Object.entries(vars)) out = out.split(`{${name}}`).join(String(value));
  return out;
}

export function stepTitle(name: string, lang: UiLang): string {
  return titles[name]?.[lang] ?? name;
}

export function detectLang(): UiLang {
  // ?lang= wins, then the choice made on this page, then the server pages' `lang` cookie,
  // then the browser's preference (Korean first: the first users are Korean universities).
  const query = new URLSearchParams(location.search).get("lang");
  if (query === "ko" || query === "en") return query;
  const stored = safeStorage()?.getItem("credanchor.lang");
  if (stored === "ko" || stored === "en") return stored;
  const cookie = /(?:^|;\s*)lang=(ko|en)\b/.exec(document.cookie)?.[1];
  if (cookie === "ko" || cookie === "en") return cookie;
  const preferred = (navigator.languages?.length ? navigator.languages : [navigator.language || "ko"]).map((l) => l.toLowerCase());
  const ko = preferred.findIndex((l) => l.startsWith("ko"));
  const en = preferred.findIndex((l) => l.startsWith("en"));
  return en !== -1 && (ko === -1 || en < ko) ? "en" : "ko";
}

export function rememberLang(lang: UiLang): void {
  safeStorage()?.setItem("credanchor.lang", lang);
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // file:// pages and private modes may refuse storage
  }
}
