/**
 * The verification steps' sentences in Korean and English, one per stable code
 * (./stepCodes.ts), with `{name}` where a value goes. The pages' dictionaries read these (the
 * verify page and credential panel through verifier/web/stepDetailText.ts, the server's pages
 * through server/web/messages/learnerGaps.ts), so each sentence is written once. A record over
 * every code: a code without both texts does not compile (and test/core/stepCodes.test.ts checks
 * the texts themselves).
 */
import type { StepCode } from "./stepCodes";

export const STEP_DETAIL_TEXT: Record<StepCode, { en: string; ko: string }> = {
  "schema.ok": { en: "Matches the Open Badges 3.0 credential schema.", ko: "오픈 배지 3.0 배지 스키마와 일치합니다." },
  "schema.okProofObject": {
    en: "Matches the Open Badges 3.0 schema, except that the proof is a single object rather than a list (valid under VC 2.0).",
    ko: "오픈 배지 3.0 스키마와 일치합니다. 다만 증명이 목록이 아닌 하나의 객체입니다 (검증 가능한 자격 증명 2.0에서는 올바른 형식).",
  },
  "schema.mismatch": { en: "Does not match the Open Badges 3.0 schema at {path} ({problems} problem(s)).", ko: "{path} 위치에서 오픈 배지 3.0 스키마와 맞지 않습니다 (문제 {problems}개)." },
  "schema.clrOk": { en: "Matches the CLR 2.0 learner record shape.", ko: "CLR 2.0 통합 학습 기록 형식과 일치합니다." },
  "schema.clrMismatch": { en: "Does not match the CLR 2.0 learner record shape at {path} ({problems} problem(s)).", ko: "{path} 위치에서 CLR 2.0 통합 학습 기록 형식과 맞지 않습니다 (문제 {problems}개)." },
  "schema.notCredential": { en: "Not a verifiable credential: its types ({types}) do not include VerifiableCredential.", ko: "검증 가능한 자격 증명이 아닙니다: 유형({types})에 검증 가능한 자격 증명 유형이 없습니다." },
  "schema.notAchievement": {
    en: "A {type} is not an Open Badges achievement credential, so the Open Badges schema does not apply.",
    ko: "{type} 유형은 오픈 배지 성취 배지가 아니므로 오픈 배지 스키마가 적용되지 않습니다.",
  },
  "schema.uncheckable": { en: "The schema could not be checked.", ko: "스키마를 확인할 수 없었습니다." },
  "schema.refused": { en: "Not verified: the input was refused.", ko: "검증하지 않았습니다: 입력이 거부되었습니다." },
  "schema.notObject": { en: "Not a credential: a JSON object was expected.", ko: "배지가 아닙니다: JSON 객체여야 합니다." },

  "signature.ok": { en: "Signed by {issuer} with key {keys}.", ko: "{issuer}이(가) 키 {keys}(으)로 서명했습니다." },
  "signature.okCoSigned": { en: "Signed by {issuer} with key {keys}, and co-signed by {others} other part(ies).", ko: "{issuer}이(가) 키 {keys}(으)로 서명했고, 다른 기관 {others}곳이 함께 서명했습니다." },
  "signature.uncheckable": { en: "The signature could not be checked.", ko: "서명을 확인할 수 없었습니다." },
  "signature.noProof": { en: "The credential carries no issuer signature (eddsa-rdfc-2022 proof).", ko: "배지에 발급 기관의 서명(전자 서명 증명)이 없습니다." },
  "signature.proofInvalid": {
    en: "The signature by key {key} ({controller}) does not match the content: the credential was changed after it was signed, or the signature is forged.",
    ko: "키 {key} ({controller})의 서명이 내용과 맞지 않습니다: 서명 후 배지 내용이 바뀌었거나 서명이 위조되었습니다.",
  },
  "signature.signedUnreadable": {
    en: "The signature verified, but what it signed could not be read, so the credential's facts cannot be trusted.",
    ko: "서명은 맞지만 서명된 내용을 읽을 수 없어, 배지에 적힌 사실을 믿을 수 없습니다.",
  },
  "signature.signedProblem": { en: "The signature verified, but the signed content is not a credential this verifier accepts.", ko: "서명은 맞지만, 서명된 내용이 이 검증기가 받아들이는 배지가 아닙니다." },
  "signature.disagreement": { en: "The signature verified, but the credential's text says something other than what was signed.", ko: "서명은 맞지만, 배지에 적힌 내용이 서명된 내용과 다릅니다." },
  "signature.notByIssuer": { en: "No signature is made by the issuer {issuer}: the signatures are by {controllers}.", ko: "발급 기관 {issuer}의 서명이 없습니다. 서명한 쪽: {controllers}." },

  "key.ok": { en: "Key {keys} is registered for {issuer} and was valid when the credential was recorded on the blockchain ({checkedAt}).", ko: "키 {keys}은(는) {issuer}의 키로 등록되어 있으며, 배지가 블록체인에 기록된 시점({checkedAt})에 유효했습니다." },
  "key.okUnanchored": {
    en: "Key {keys} is registered for {issuer} and is valid at the current block time ({checkedAt}); no blockchain record proves an earlier signing time.",
    ko: "키 {keys}은(는) {issuer}의 키로 등록되어 있으며 현재 블록 시각({checkedAt})에 유효합니다. 더 이른 서명 시점을 증명하는 블록체인 기록은 없습니다.",
  },
  "key.okCompromisedLater": {
    en: "Key {key} of {issuer} was valid at {checkedAt}; it was marked compromised later, from {compromisedAt}, so only credentials recorded before that count.",
    ko: "{issuer}의 키 {key}은(는) {checkedAt}에 유효했습니다. 이 키는 나중에 {compromisedAt}부터 유출된 것으로 표시되었으므로, 그 전에 기록된 배지만 인정됩니다.",
  },
  "key.noProofKey": { en: "No signature by {issuer} carries a key to look up.", ko: "{issuer}의 서명 중 조회할 키가 들어 있는 것이 없습니다." },
  "key.notRegistered": { en: "Key {key} of {issuer} is not registered on the blockchain.", ko: "{issuer}의 키 {key}은(는) 블록체인에 등록되어 있지 않습니다." },
  "key.compromised": { en: "Key {key} of {issuer} was marked compromised from {compromisedAt}, before {checkedAt}.", ko: "{issuer}의 키 {key}은(는) {checkedAt} 이전인 {compromisedAt}부터 유출된 것으로 표시되었습니다." },
  "key.notYetValid": { en: "Key {key} of {issuer} was not yet valid at {checkedAt} (valid from {validFromAt}).", ko: "{issuer}의 키 {key}은(는) {checkedAt}에 아직 유효하지 않았습니다 ({validFromAt}부터 유효)." },
  "key.registeredLate": {
    en: "Key {key} of {issuer} was not yet valid at {checkedAt}: it was registered only at {registeredAt}; its claimed start {validFromAt} is earlier, and a key never counts before its registration.",
    ko: "{issuer}의 키 {key}은(는) {checkedAt}에 아직 유효하지 않았습니다: {registeredAt}에야 등록되었습니다. 주장된 시작 시점 {validFromAt}이 더 이르지만, 키는 등록 전에는 인정되지 않습니다.",
  },
  "key.expired": { en: "Key {key} of {issuer} was no longer valid at {checkedAt} (valid until {validUntilAt}).", ko: "{issuer}의 키 {key}은(는) {checkedAt}에 더 이상 유효하지 않았습니다 ({validUntilAt}까지 유효)." },
  "key.notChecked": { en: "The key registration was not checked.", ko: "키 등록 여부를 확인하지 않았습니다." },
  "key.noBindableKey": { en: "No signature by {issuer} carries a key that could be tied to it.", ko: "{issuer}의 서명 중 발급 기관과 연결할 수 있는 키가 없습니다." },
  "key.notIssuers": { en: "Key {key} is not {issuer}'s.", ko: "키 {key}은(는) {issuer}의 키가 아닙니다." },
  "key.noChainAccount": { en: "Key {key} is not {issuer}'s: the issuer {issuerId} names no blockchain account this key could be registered for.", ko: "키 {key}은(는) {issuer}의 키가 아닙니다: 발급 기관 {issuerId}에는 이 키를 등록할 블록체인 계정이 없습니다." },
  "key.bindingUnresolved": { en: "Whether key {key} is {issuer}'s could not be checked.", ko: "키 {key}이(가) {issuer}의 키인지 확인할 수 없었습니다." },
  "key.bound": { en: "Key {keys} is {issuer}'s, as the issuer's own documents say.", ko: "발급 기관의 문서에 따르면 키 {keys}은(는) {issuer}의 키입니다." },

  "inclusion.ok": { en: "Included in the recorded batch {root} (a path of {depth} hash(es)).", ko: "기록된 배치 {root}에 들어 있습니다 (해시 경로 {depth}단계)." },
  "inclusion.noAnchor": { en: "No blockchain record proof, so there is no batch to check.", ko: "블록체인 기록 증명이 없어 확인할 배치가 없습니다." },
  "inclusion.proofUnreadable": { en: "The blockchain record proof cannot be read.", ko: "블록체인 기록 증명을 읽을 수 없습니다." },
  "inclusion.leafUncomputable": { en: "The credential's fingerprint in the batch cannot be computed.", ko: "배치 안에서 쓰이는 배지의 지문(해시)을 계산할 수 없습니다." },
  "inclusion.uncheckable": { en: "The path in the batch cannot be checked.", ko: "배치 안의 경로를 확인할 수 없습니다." },
  "inclusion.notInRoot": {
    en: "The credential is not in the recorded batch {root}: its fingerprint {leaf} and the path in the record proof do not lead there. The content was changed.",
    ko: "배지가 기록된 배치 {root}에 들어 있지 않습니다: 배지의 지문 {leaf}과(와) 기록 증명의 경로가 그 배치로 이어지지 않습니다. 내용이 바뀌었습니다.",
  },

  "anchor.ok": { en: "Recorded on the blockchain by {issuer} on {anchoredAt}, in block {block} ({seen} confirmation(s)), registry {registry} on chain {chainId}.", ko: "{issuer}이(가) {anchoredAt}에 블록체인에 기록했습니다: 체인 {chainId}의 레지스트리 {registry}, {block}번 블록 (확인 {seen}회)." },
  "anchor.okRemined": {
    en: "Recorded on the blockchain by {issuer} on {anchoredAt}, in block {block} ({seen} confirmation(s)), registry {registry} on chain {chainId}; the proof said block {hintBlock}: the record was mined again after a reorganisation.",
    ko: "{issuer}이(가) {anchoredAt}에 블록체인에 기록했습니다: 체인 {chainId}의 레지스트리 {registry}, {block}번 블록 (확인 {seen}회). 증명에는 {hintBlock}번 블록으로 적혀 있으며, 체인 재구성 뒤 다시 기록되었습니다.",
  },
  "anchor.notChecked": { en: "The blockchain record was not checked.", ko: "블록체인 기록을 확인하지 않았습니다." },
  "anchor.notChainAccount": { en: "The issuer {issuer} is not a blockchain account, so there is no record to check.", ko: "발급 기관 {issuer}은(는) 블록체인 계정이 아니므로 확인할 기록이 없습니다." },
  "anchor.notAnchored": { en: "Not recorded on the blockchain yet: the credential carries no record proof, so its signing time is not proven.", ko: "아직 블록체인에 기록되지 않았습니다: 기록 증명이 없어 서명 시점이 증명되지 않습니다." },
  "anchor.proofUnreadable": { en: "The blockchain record proof cannot be read.", ko: "블록체인 기록 증명을 읽을 수 없습니다." },
  "anchor.neverAnchored": { en: "Batch {root} was never recorded by {issuer} in registry {registry} on chain {chainId}.", ko: "{issuer}은(는) 체인 {chainId}의 레지스트리 {registry}에 배치 {root}을(를) 기록한 적이 없습니다." },
  "anchor.voided": { en: "The issuer voided batch {root} (reason code {voidReason}).", ko: "발급 기관이 배치 {root}을(를) 무효로 했습니다 (사유 코드 {voidReason})." },
  "anchor.awaitingConfirmations": { en: "Recorded in block {block}, but only {seen} of the {required} required confirmations so far.", ko: "{block}번 블록에 기록되었지만, 필요한 확인 {required}회 중 아직 {seen}회입니다." },

  "coIssuers.ok": { en: "{count} of {total} parties endorsed this credential (at least {threshold} required).", ko: "{total}곳 중 {count}곳이 이 배지를 승인했습니다 (최소 {threshold}곳 필요)." },
  "coIssuers.none": { en: "Not co-issued.", ko: "공동 발급 배지가 아닙니다." },
  "coIssuers.notChecked": { en: "Co-issuer endorsements ({count} co-issuer signature(s)) were not checked.", ko: "공동 발급 기관의 승인(공동 발급 서명 {count}개)을 확인하지 않았습니다." },
  "coIssuers.namesNotChecked": { en: "Whether the blockchain record names co-issuers was not checked.", ko: "블록체인 기록에 공동 발급 기관이 있는지 확인하지 않았습니다." },
  "coIssuers.issuerNotOnChain": {
    en: "The credential carries signatures by {controllers}, but co-issuance is recorded only on the blockchain and the issuer {issuer} is not a blockchain account.",
    ko: "배지에 {controllers}의 서명이 있지만, 공동 발급은 블록체인에만 기록되며 발급 기관 {issuer}은(는) 블록체인 계정이 아닙니다.",
  },
  "coIssuers.invalidId": { en: "Co-issuer {id} is not a valid blockchain account id (malformed, or a wrong checksum).", ko: "공동 발급 기관 {id}은(는) 올바른 블록체인 계정 식별자가 아닙니다 (형식 오류 또는 체크섬 오류)." },
  "coIssuers.noUsableAnchor": { en: "The credential carries {count} co-issuer signature(s), but no usable blockchain record holds their endorsements.", ko: "배지에 공동 발급 서명이 {count}개 있지만, 그 승인을 담은 사용 가능한 블록체인 기록이 없습니다." },
  "coIssuers.notAnchoredYet": { en: "Co-issuer endorsements not checked: the credential carries {count} co-issuer signature(s) and is not recorded on the blockchain yet.", ko: "공동 발급 기관의 승인을 확인하지 않았습니다: 공동 발급 서명이 {count}개 있지만 아직 블록체인에 기록되지 않았습니다." },
  "coIssuers.notNamed": { en: "The credential carries signatures by {controllers}, whom the blockchain record does not name as co-issuers.", ko: "배지에 {controllers}의 서명이 있지만, 블록체인 기록은 이들을 공동 발급 기관으로 지정하지 않습니다." },
  "coIssuers.stranger": { en: "The credential carries a signature by {controller}, whom the record on chain {chainId} does not name as a co-issuer.", ko: "배지에 {controller}의 서명이 있지만, 체인 {chainId}의 기록은 이 기관을 공동 발급 기관으로 지정하지 않습니다." },
  "coIssuers.badKey": { en: "Co-issuer {address} signed with a key that was not valid for it when the credential was recorded.", ko: "공동 발급 기관 {address}이(가) 배지 기록 시점에 유효하지 않은 키로 서명했습니다." },
  "coIssuers.tooRecent": {
    en: "{count} of {total} parties' endorsements have the required {required} confirmation(s); {waiting} more are too recent ({parties}); {threshold} are required.",
    ko: "{total}곳 중 {count}곳의 승인이 필요한 확인 {required}회를 받았습니다. {waiting}곳({parties})의 승인은 너무 최근입니다. {threshold}곳이 필요합니다.",
  },
  "coIssuers.tooFew": { en: "Only {count} of {total} parties endorsed this credential; {threshold} are required.", ko: "{total}곳 중 {count}곳만 이 배지를 승인했습니다. {threshold}곳이 필요합니다." },

  "status.ok": { en: "Not revoked or suspended (list and position: {entries}).", ko: "취소되거나 정지되지 않았습니다 (목록과 위치: {entries})." },
  "status.okOnChain": { en: "Not revoked or suspended (list and position: {entries}; read at block {block}).", ko: "취소되거나 정지되지 않았습니다 (목록과 위치: {entries}, {block}번 블록 기준)." },
  "status.none": { en: "The credential has no status entry, so it cannot be revoked or suspended.", ko: "배지에 상태 항목이 없으므로 취소되거나 정지될 수 없습니다." },
  "status.tooMany": { en: "The credential has {count} status entries; at most {max} are accepted, so none was read.", ko: "배지에 상태 항목이 {count}개 있습니다. 최대 {max}개까지만 받으므로 아무것도 읽지 않았습니다." },
  "status.malformed": { en: "The status entry is malformed.", ko: "상태 항목의 형식이 잘못되었습니다." },
  "status.indexOutside": { en: "Status position {index} is outside the list ({size} positions, 0 to {last}).", ko: "상태 위치 {index}이(가) 목록 밖에 있습니다 (위치 {size}개, 0부터 {last}까지)." },
  "status.listUnusable": { en: "Status list {url} cannot be used.", ko: "상태 목록 {url}을(를) 사용할 수 없습니다." },
  "status.revoked": { en: "Revoked by the issuer (list {list}, position {index}).", ko: "발급 기관이 취소했습니다 (목록 {list}, 위치 {index})." },
  "status.suspended": { en: "Suspended by the issuer (list {list}, position {index}); a suspension can be lifted.", ko: "발급 기관이 일시 정지했습니다 (목록 {list}, 위치 {index}). 정지는 풀릴 수 있습니다." },
  "status.notChecked": { en: "Revocation and suspension were not checked.", ko: "취소·정지 여부를 확인하지 않았습니다." },
  "status.unreadableEntry": { en: "Revocation and suspension not checked: the credential has a status entry of a kind this verifier cannot read.", ko: "취소·정지 여부를 확인하지 않았습니다: 이 검증기가 읽을 수 없는 종류의 상태 항목이 있습니다." },
  "status.listUnbound": { en: "Revocation and suspension not checked: whether status list {url} is the issuer's could not be checked.", ko: "취소·정지 여부를 확인하지 않았습니다: 상태 목록 {url}이(가) 발급 기관의 것인지 확인할 수 없었습니다." },
  "status.listNotSupplied": {
    en: "Revocation and suspension not checked: status list {url} was not supplied, and lists are never fetched from the addresses in credentials.",
    ko: "취소·정지 여부를 확인하지 않았습니다: 상태 목록 {url}이(가) 제공되지 않았으며, 배지에 적힌 주소에서 목록을 가져오지 않습니다.",
  },

  "validity.ok": { en: "Valid from {validFromAt} until {validUntilAt}.", ko: "{validFromAt}부터 {validUntilAt}까지 유효합니다." },
  "validity.okNoEnd": { en: "Valid since {validFromAt}, with no end date.", ko: "{validFromAt}부터 유효하며 종료일이 없습니다." },
  "validity.okNoStart": { en: "No start date; valid until {validUntilAt}.", ko: "시작일이 없으며 {validUntilAt}까지 유효합니다." },
  "validity.okOpen": { en: "No start or end date.", ko: "시작일과 종료일이 없습니다." },
  "validity.notDateString": { en: "The date field {field} is not a date (it is of kind {got}).", ko: "날짜 항목 {field}이(가) 날짜가 아닙니다 (값의 종류: {got})." },
  "validity.badFrom": { en: "The start date {value} is not a date.", ko: "시작일 {value}은(는) 날짜가 아닙니다." },
  "validity.badUntil": { en: "The end date {value} is not a date.", ko: "종료일 {value}은(는) 날짜가 아닙니다." },
  "validity.notYet": { en: "Not valid yet: valid from {validFromAt}.", ko: "아직 유효하지 않습니다: {validFromAt}부터 유효합니다." },
  "validity.expired": { en: "Expired on {validUntilAt}.", ko: "{validUntilAt}에 만료되었습니다." },

  "chain.noRpc": { en: "no RPC endpoint was given, so the chain was not read", ko: "블록체인 RPC 주소가 없어 체인을 읽지 않았습니다" },
  "chain.noRegistry": {
    en: "no registry is known for chain {chainId}: the credential has no record proof and no trusted registry was given",
    ko: "체인 {chainId}의 레지스트리를 알 수 없습니다: 배지에 기록 증명이 없고 신뢰할 레지스트리도 주어지지 않았습니다",
  },
  "fix.checkRpc": { en: "Check that the RPC URL for chain {chainId} is reachable, or enter another one.", ko: "체인 {chainId}의 RPC 주소에 접속할 수 있는지 확인하거나 다른 주소를 입력하세요." },
  "fix.giveRegistry": {
    en: "Give the registry address for chain {chainId} (trusted registries), or fetch the copy of the credential that carries its record proof.",
    ko: "체인 {chainId}의 레지스트리 주소(신뢰할 레지스트리)를 입력하거나, 기록 증명이 들어 있는 배지를 다시 받으세요.",
  },
  "fix.enterRpc": { en: "Enter an RPC URL for chain {chainId}.", ko: "체인 {chainId}의 RPC 주소를 입력하세요." },
  "fix.fetchLater": {
    en: "Signed by {issuer}; not yet recorded on the blockchain, which usually takes minutes. Fetch the credential again later to get its record proof.",
    ko: "{issuer}이(가) 서명했으며 아직 블록체인에 기록되지 않았습니다 (보통 몇 분 걸립니다). 나중에 배지를 다시 받아 기록 증명을 받으세요.",
  },
  "fix.tryAfterBlock": { en: "Try again after block {block}.", ko: "{block}번 블록 이후에 다시 시도하세요." },
  "fix.verifyOnline": { en: "Verify online, so the documents of {issuer} can be fetched.", ko: "{issuer}의 문서를 가져올 수 있도록 온라인으로 검증하세요." },
  "fix.askIssuer": { en: "Ask the issuer whether the credential is still valid: only bitstring status lists are checked.", ko: "배지가 아직 유효한지 발급 기관에 문의하세요: 비트열 상태 목록만 확인합니다." },
  "fix.supplyStatusList": { en: "Supply the signed status list {url}.", ko: "서명된 상태 목록 {url}을(를) 제공하세요." },
};
