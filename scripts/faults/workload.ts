/**
 * What an issuer does, over HTTP: an achievement, awards, batch closes, revocations; and what
 * the suite reads back: each credential as served, its anchor proof, the outbox folder's mail.
 */
import fs from "node:fs";
import path from "node:path";
import { decodeAnchorProof, findAnchorProof, type AnchorProofData } from "../../core/proof/anchor";
import { expectStatus, request, type HttpAnswer } from "./http";

export async function createAchievement(baseUrl: string, key: string, name: string): Promise<string> {
  const created = await expectStatus(baseUrl, { method: "POST", path: "/api/v1/achievements", key, body: { name, description: `${name} (fault suite)`, criteria: { narrative: "Was issued while the fault suite attacked the server." } } }, 201);
  return created.body.id;
}

export function recipients(prefix: string, count: number): Array<{ email: string; name: string }> {
  return Array.from({ length: count }, (_, i) => ({ email: `${prefix}-${i}@faults.example`, name: `Learner ${prefix} ${i}` }));
}

export function award(baseUrl: string, key: string, achievementId: string, to: Array<{ email?: string; name?: string; id?: string }>, timeoutMs = 600_000): Promise<HttpAnswer> {
  return request(baseUrl, { method: "POST", path: "/api/v1/credentials", key, body: { achievementId, recipients: to }, timeoutMs });
}

export function credentialIds(answer: HttpAnswer): string[] {
  return answer.status === 201 && Array.isArray(answer.body?.credentials) ? answer.body.credentials.map((c: { id: string }) => c.id) : [];
}

/** The anchor proof inside a served credential, or undefined when it has none (or a broken one). */
export function anchorOf(credential: unknown): AnchorProofData | undefined {
  try {
    const proof = findAnchorProof(credential as Record<string, unknown>);
    return proof ? decodeAnchorProof(proof) : undefined;
  } catch {
    return undefined;
  }
}

export function credentialPath(id: string): string {
  return `/api/v1/credentials/${encodeURIComponent(id)}`;
}

/** What a mail is for, from the link it carries. */
export function mailPurpose(entry: { links?: string[]; text?: string }): string {
  const links = entry.links ?? [];
  if (links.some((l) => l.includes("/claim/"))) return "claim";
  if (links.some((l) => l.includes("/learner/magic/"))) return "magic-link";
  return "other";
}

export interface OutboxCount {
  /** `${to}|${purpose}` → number of messages written. */
  perRecipientPurpose: Map<string, number>;
  files: number;
}

/**
 * The outbox folder transport's messages (DATA_DIR/outbox/*.json, or *.eml when only those
 * exist), counted per recipient and purpose.
 */
export function countOutbox(dataDir: string): OutboxCount {
  const dir = path.join(dataDir, "outbox");
  const perRecipientPurpose = new Map<string, number>();
  if (!fs.existsSync(dir)) return { perRecipientPurpose, files: 0 };
  const names = fs.readdirSync(dir);
  const jsons = names.filter((n) => n.endsWith(".json"));
  const entries: Array<{ to: string; purpose: string }> = [];
  if (jsons.length > 0) {
    for (const name of jsons) {
      try {
        const entry = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as { to?: string; links?: string[]; text?: string };
        entries.push({ to: String(entry.to ?? "").toLowerCase(), purpose: mailPurpose(entry) });
      } catch {
        entries.push({ to: `unreadable:${name}`, purpose: "other" });
      }
    }
  } else {
    for (const name of names.filter((n) => n.endsWith(".eml"))) {
      const raw = fs.readFileSync(path.join(dir, name), "utf8");
      const to = /^To:\s*(.+)$/im.exec(raw)?.[1]?.trim().toLowerCase() ?? `unreadable:${name}`;
      const links = raw.match(/https?:\/\/[^\s<>"')]+/g) ?? [];
      entries.push({ to, purpose: mailPurpose({ links }) });
    }
  }
  for (const e of entries) {
    const key = `${e.to}|${e.purpose}`;
    perRecipientPurpose.set(key, (perRecipientPurpose.get(key) ?? 0) + 1);
  }
  return { perRecipientPurpose, files: entries.length };
}

/** Runs `work` over `items`, at most `parallel` at a time; the first error stops the rest. */
export async function inParallel<T, R>(items: readonly T[], parallel: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length && !failed) {
        const i = next++;
        try {
          results[i] = await work(items[i], i);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
  return results;
}
