/**
 * The console store over the server store's SQLite database (migrations 050 and 051). Built by
 * SqliteStore, which keeps the database handle to itself.
 */
import crypto from "node:crypto";
import type { SqlDatabase } from "../sql/types";
import { unixSeconds, type Clock } from "../../clock";
import {
  StaffEmailTakenError,
  type AchievementDetails,
  type AwardJob,
  type AwardRow,
  type ClaimView,
  type ConsoleCredentialRow,
  type ConsoleStore,
  type InvitationRecord,
  type IssuerProfileFields,
  type MediaRecord,
  type StaffRecord,
  type StaffRole,
} from "../ConsoleStore";
import { PreparedStatements } from "../sqlite/preparedStatements";
import { hashToken, newToken } from "../learner/passphrase";
import { isUniqueViolation } from "../sql/errors";

type Row = Record<string, unknown>;

function staffFrom(row: Row | undefined): StaffRecord | undefined {
  if (!row) return undefined;
  return {
    id: row.id as string,
    issuerId: row.issuer_id as string,
    email: row.email as string,
    name: row.name as string,
    role: row.role as StaffRole,
    passwordHash: row.password_hash as string,
    createdAt: row.created_at as number,
    disabledAt: (row.disabled_at as number | null) ?? null,
  };
}

function jobFrom(row: Row | undefined): AwardJob | undefined {
  if (!row) return undefined;
  return {
    id: row.id as string,
    issuerId: row.issuer_id as string,
    achievementId: row.achievement_id as string,
    createdBy: row.created_by as string,
    state: row.state as AwardJob["state"],
    fileName: row.file_name as string,
    encoding: row.encoding as string,
    error: (row.error as string | null) ?? null,
    createdAt: row.created_at as number,
    finishedAt: (row.finished_at as number | null) ?? null,
    total: (row.total as number) ?? 0,
    bad: (row.bad as number) ?? 0,
    awarded: (row.awarded as number) ?? 0,
    failed: (row.failed as number) ?? 0,
  };
}

const JOB_SELECT = `SELECT j.*,
  (SELECT COUNT(*) FROM console_award_rows r WHERE r.job_id = j.id) AS total,
  (SELECT COUNT(*) FROM console_award_rows r WHERE r.job_id = j.id AND r.problems <> '[]') AS bad,
  (SELECT COUNT(*) FROM console_award_rows r WHERE r.job_id = j.id AND r.credential_id IS NOT NULL) AS awarded,
  (SELECT COUNT(*) FROM console_award_rows r WHERE r.job_id = j.id AND r.error IS NOT NULL) AS failed
  FROM console_award_jobs j`;

/**
 * A console reminder of credential c: ref "<c.id>#<n>", i.e. every ref from "<c.id>#" up to
 * "<c.id>$" ('$' follows '#') in byte order (COLLATE BINARY; "C" on PostgreSQL). A range the
 * (purpose, ref) index answers: `LIKE c.id || '#%'` read every claim reminder of every credential
 * for each row listed (a million with a million-credential semester), and took '_' in an id as
 * a wildcard.
 */
const CONSOLE_REMINDER_OF_C = "m.ref COLLATE BINARY >= c.id || '#' AND m.ref COLLATE BINARY < c.id || '$'";

/**
 * The claim state of one credential, from the learner's decision first, then the link's first
 * opening, then the delivery of the latest claim mail (the first one, or a console reminder:
 * ref "<credential id>#n"; the automatic reminder, still due later, is not a delivery yet).
 * Its id: the latest of each kind through its index, then the later of the two; the row is
 * joined once for both of its columns the page shows.
 */
const LATEST_CLAIM_MAIL_ID =
  "(SELECT m.id FROM mail_outbox m WHERE m.id IN (" +
  "(SELECT MAX(m.id) FROM mail_outbox m WHERE m.purpose = 'claim' AND m.ref = c.id), " +
  `(SELECT MAX(m.id) FROM mail_outbox m WHERE m.purpose = 'claim-reminder' AND ${CONSOLE_REMINDER_OF_C})) ORDER BY m.id DESC LIMIT 1)`;
const CREDENTIAL_SELECT = `SELECT c.id, c.achievement_id, a.name AS achievement_name, c.recipient_name, c.recipient_email, c.state,
  c.revoked, c.suspended, c.batch_id, c.created_at,
  (SELECT group_concat(state) FROM learner_claims lc WHERE lc.credential_id = c.id) AS claim_states,
  (SELECT MIN(lc.opened_at) FROM learner_claims lc WHERE lc.credential_id = c.id) AS opened_at,
  lm.state AS mail_state,
  lm.bounced AS mail_bounced,
  (SELECT COUNT(*) FROM mail_outbox m WHERE m.purpose = 'claim-reminder' AND ${CONSOLE_REMINDER_OF_C}) AS reminders
  FROM credentials c LEFT JOIN achievements a ON a.id = c.achievement_id
  LEFT JOIN mail_outbox lm ON lm.id = ${LATEST_CLAIM_MAIL_ID}`;

function claimView(row: Row): ClaimView {
  const states = String(row.claim_states ?? "").split(",");
  if (states.includes("accepted")) return "accepted";
  if (states.includes("declined")) return "declined";
  const mail = row.mail_state as string | null;
  if (!row.recipient_email || mail === null || mail === undefined) return "none";
  if (row.opened_at !== null && row.opened_at !== undefined) return "opened";
  if (mail === "failed") return row.mail_bounced === 1 ? "bounced" : "failed";
  if (mail === "sent") return "sent";
  return "queued";
}

function credentialFrom(row: Row): ConsoleCredentialRow {
  return {
    id: row.id as string,
    achievementId: (row.achievement_id as string | null) ?? null,
    achievementName: (row.achievement_name as string | null) ?? null,
    recipientName: (row.recipient_name as string | null) ?? null,
    recipientEmail: (row.recipient_email as string | null) ?? null,
    state: row.state as ConsoleCredentialRow["state"],
    revoked: row.revoked === 1,
    suspended: row.suspended === 1,
    batchId: row.batch_id as string,
    createdAt: row.created_at as number,
    claim: claimView(row),
    openedAt: (row.opened_at as number | null) ?? null,
    reminders: row.reminders as number,
  };
}

export class SqliteConsoleStore implements ConsoleStore {
  private readonly statements: PreparedStatements;

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
  ) {
    this.statements = new PreparedStatements(db);
  }

  private now(): number {
    return unixSeconds(this.clock);
  }

  createStaff(staff: Omit<StaffRecord, "id" | "createdAt" | "disabledAt">): StaffRecord {
    const record: StaffRecord = { ...staff, email: staff.email.trim().toLowerCase(), id: crypto.randomUUID(), createdAt: this.now(), disabledAt: null };
    try {
      this.statements
        .get("INSERT INTO console_staff (id, issuer_id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(record.id, record.issuerId, record.email, record.name, record.role, record.passwordHash, record.createdAt);
    } catch (error) {
      if (isUniqueViolation(error)) throw new StaffEmailTakenError(record.email);
      throw error;
    }
    return record;
  }

  getStaff(id: string): StaffRecord | undefined {
    return staffFrom(this.statements.get("SELECT * FROM console_staff WHERE id = ?").get(id) as Row | undefined);
  }

  findStaffByEmail(email: string): StaffRecord | undefined {
    return staffFrom(this.statements.get("SELECT * FROM console_staff WHERE email = ?").get(email.trim().toLowerCase()) as Row | undefined);
  }

  listStaff(issuerId: string): StaffRecord[] {
    return (this.statements.get("SELECT * FROM console_staff WHERE issuer_id = ? ORDER BY created_at, email").all(issuerId) as Row[]).map((r) => staffFrom(r)!);
  }

  setStaffRole(id: string, role: StaffRole): void {
    this.statements.get("UPDATE console_staff SET role = ? WHERE id = ?").run(role, id);
  }

  disableStaff(id: string): void {
    this.db.transaction(() => {
      this.statements.get("UPDATE console_staff SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL").run(this.now(), id);
      this.statements.get("DELETE FROM console_sessions WHERE staff_id = ?").run(id);
    })();
  }

  setStaffPassword(id: string, passwordHash: string): void {
    this.statements.get("UPDATE console_staff SET password_hash = ? WHERE id = ?").run(passwordHash, id);
  }

  countActiveAdmins(issuerId: string): number {
    return (this.statements.get("SELECT COUNT(*) AS n FROM console_staff WHERE issuer_id = ? AND role = 'admin' AND disabled_at IS NULL").get(issuerId) as { n: number }).n;
  }

  createSession(staffId: string, seconds: number): { token: string; csrfToken: string } {
    const { token, hash } = newToken();
    const csrfToken = crypto.randomBytes(24).toString("base64url");
    const now = this.now();
    this.statements.get("INSERT INTO console_sessions (token_hash, staff_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)").run(hash, staffId, csrfToken, now, now + seconds);
    return { token, csrfToken };
  }

  sessionFor(token: string) {
    const row = this.statements
      .get("SELECT s.csrf_token, s.expires_at, st.* FROM console_sessions s JOIN console_staff st ON st.id = s.staff_id WHERE s.token_hash = ?")
      .get(hashToken(token)) as Row | undefined;
    if (!row || (row.expires_at as number) <= this.now() || row.disabled_at !== null) return undefined;
    return { staff: staffFrom(row)!, csrfToken: row.csrf_token as string, expiresAt: row.expires_at as number };
  }

  endSession(token: string): void {
    this.statements.get("DELETE FROM console_sessions WHERE token_hash = ?").run(hashToken(token));
  }

  createInvitation(invitation: Omit<InvitationRecord, "createdAt" | "expiresAt" | "usedAt">, seconds: number): string {
    const { token, hash } = newToken();
    const now = this.now();
    this.statements
      .get("INSERT INTO console_invitations (token_hash, issuer_id, email, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(hash, invitation.issuerId, invitation.email.trim().toLowerCase(), invitation.role, invitation.createdBy, now, now + seconds);
    return token;
  }

  private invitationRow(token: string): InvitationRecord | undefined {
    const row = this.statements.get("SELECT * FROM console_invitations WHERE token_hash = ?").get(hashToken(token)) as Row | undefined;
    if (!row) return undefined;
    return {
      issuerId: row.issuer_id as string,
      email: row.email as string,
      role: row.role as StaffRole,
      createdBy: (row.created_by as string | null) ?? null,
      createdAt: row.created_at as number,
      expiresAt: row.expires_at as number,
      usedAt: (row.used_at as number | null) ?? null,
    };
  }

  findInvitation(token: string): InvitationRecord | undefined {
    const invitation = this.invitationRow(token);
    return invitation && invitation.usedAt === null && invitation.expiresAt > this.now() ? invitation : undefined;
  }

  useInvitation(token: string): InvitationRecord | undefined {
    const now = this.now();
    const changed = this.statements.get("UPDATE console_invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?").run(now, hashToken(token), now).changes;
    return changed === 1 ? this.invitationRow(token) : undefined;
  }

  putMedia(media: Omit<MediaRecord, "id" | "createdAt">): MediaRecord {
    const record: MediaRecord = { ...media, id: crypto.randomUUID(), createdAt: this.now() };
    this.statements.get("INSERT INTO console_media (id, issuer_id, content_type, bytes, created_at) VALUES (?, ?, ?, ?, ?)").run(record.id, record.issuerId, record.contentType, record.bytes, record.createdAt);
    return record;
  }

  getMedia(id: string): MediaRecord | undefined {
    const row = this.statements.get("SELECT * FROM console_media WHERE id = ?").get(id) as Row | undefined;
    if (!row) return undefined;
    return { id: row.id as string, issuerId: row.issuer_id as string, contentType: row.content_type as MediaRecord["contentType"], bytes: row.bytes as Buffer, createdAt: row.created_at as number };
  }

  updateAchievement(id: string, f: { name: string; description: string; criteriaNarrative: string; image: string | null; achievementType: string | null }): void {
    this.statements.get("UPDATE achievements SET name = ?, description = ?, criteria_narrative = ?, image = ?, achievement_type = ? WHERE id = ?").run(f.name, f.description, f.criteriaNarrative, f.image, f.achievementType, id);
  }

  getAchievementDetails(id: string): AchievementDetails | undefined {
    const row = this.statements.get("SELECT * FROM console_achievement_details WHERE achievement_id = ?").get(id) as Row | undefined;
    if (!row) return undefined;
    return {
      achievementId: id,
      creditValue: (row.credit_value as number | null) ?? null,
      tags: JSON.parse(row.tags as string) as string[],
      alignment: JSON.parse(row.alignment as string) as AchievementDetails["alignment"],
      expiryMonths: (row.expiry_months as number | null) ?? null,
      updatedAt: row.updated_at as number,
    };
  }

  setAchievementDetails(d: Omit<AchievementDetails, "updatedAt">): void {
    this.statements
      .get(
        `INSERT INTO console_achievement_details (achievement_id, credit_value, tags, alignment, expiry_months, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (achievement_id) DO UPDATE SET credit_value = excluded.credit_value, tags = excluded.tags, alignment = excluded.alignment,
           expiry_months = excluded.expiry_months, updated_at = excluded.updated_at`,
      )
      .run(d.achievementId, d.creditValue, JSON.stringify(d.tags), JSON.stringify(d.alignment), d.expiryMonths, this.now());
  }

  createAwardJob(job: Pick<AwardJob, "id" | "issuerId" | "achievementId" | "createdBy" | "fileName" | "encoding">, rows: readonly Omit<AwardRow, "credentialId" | "error">[]): void {
    this.db.transaction(() => {
      this.statements
        .get("INSERT INTO console_award_jobs (id, issuer_id, achievement_id, created_by, state, file_name, encoding, created_at) VALUES (?, ?, ?, ?, 'preview', ?, ?, ?)")
        .run(job.id, job.issuerId, job.achievementId, job.createdBy, job.fileName, job.encoding, this.now());
      const insert = this.statements.get("INSERT INTO console_award_rows (job_id, line, student_id, name, email, problems) VALUES (?, ?, ?, ?, ?, ?)");
      for (const row of rows) insert.run(job.id, row.line, row.studentId, row.name, row.email, JSON.stringify(row.problems));
    })();
  }

  getAwardJob(id: string): AwardJob | undefined {
    return jobFrom(this.statements.get(`${JOB_SELECT} WHERE j.id = ?`).get(id) as Row | undefined);
  }

  listAwardJobs(issuerId: string, limit: number): AwardJob[] {
    return (this.statements.get(`${JOB_SELECT} WHERE j.issuer_id = ? ORDER BY j.created_at DESC, j.rowid DESC LIMIT ?`).all(issuerId, limit) as Row[]).map((r) => jobFrom(r)!);
  }

  listAwardRows(jobId: string): AwardRow[] {
    return (this.statements.get("SELECT * FROM console_award_rows WHERE job_id = ? ORDER BY line").all(jobId) as Row[]).map((row) => ({
      line: row.line as number,
      studentId: row.student_id as string,
      name: row.name as string,
      email: row.email as string,
      problems: JSON.parse(row.problems as string) as string[],
      credentialId: (row.credential_id as string | null) ?? null,
      error: (row.error as string | null) ?? null,
    }));
  }

  startAwardJob(id: string): boolean {
    return (
      this.statements
        .get("UPDATE console_award_jobs SET state = 'running' WHERE id = ? AND state = 'preview' AND NOT EXISTS (SELECT 1 FROM console_award_rows r WHERE r.job_id = ? AND r.problems <> '[]')")
        .run(id, id).changes === 1
    );
  }

  recordAwardedRows(jobId: string, awarded: readonly { line: number; credentialId: string }[]): void {
    const update = this.statements.get("UPDATE console_award_rows SET credential_id = ?, error = NULL WHERE job_id = ? AND line = ?");
    this.db.transaction(() => {
      for (const row of awarded) update.run(row.credentialId, jobId, row.line);
    })();
  }

  recordFailedRows(jobId: string, lines: readonly number[], error: string): void {
    const update = this.statements.get("UPDATE console_award_rows SET error = ? WHERE job_id = ? AND line = ? AND credential_id IS NULL");
    this.db.transaction(() => {
      for (const line of lines) update.run(error, jobId, line);
    })();
  }

  finishAwardJob(id: string, state: "done" | "failed", error: string | null): void {
    this.statements.get("UPDATE console_award_jobs SET state = ?, error = ?, finished_at = ? WHERE id = ? AND state = 'running'").run(state, error, this.now(), id);
  }

  listRunningAwardJobs(): AwardJob[] {
    return (this.statements.get(`${JOB_SELECT} WHERE j.state = 'running'`).all() as Row[]).map((r) => jobFrom(r)!);
  }

  listIssuerCredentials(issuerId: string, options: { limit: number; offset: number; query?: string; achievementId?: string }) {
    const where = ["c.issuer_id = ?"];
    const args: unknown[] = [issuerId];
    if (options.achievementId) {
      where.push("c.achievement_id = ?");
      args.push(options.achievementId);
    }
    if (options.query) {
      where.push("(c.recipient_name LIKE ? ESCAPE '\\' OR c.recipient_email LIKE ? ESCAPE '\\')");
      const like = `%${options.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      args.push(like, like);
    }
    const clause = where.join(" AND ");
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM credentials c WHERE ${clause}`).get(...args) as { n: number }).n;
    const rows = (this.db.prepare(`${CREDENTIAL_SELECT} WHERE ${clause} ORDER BY c.seq DESC LIMIT ? OFFSET ?`).all(...args, options.limit, options.offset) as Row[]).map(credentialFrom);
    return { rows, total };
  }

  getIssuerCredential(issuerId: string, id: string): ConsoleCredentialRow | undefined {
    const row = this.statements.get(`${CREDENTIAL_SELECT} WHERE c.issuer_id = ? AND c.id = ?`).get(issuerId, id) as Row | undefined;
    return row ? credentialFrom(row) : undefined;
  }

  listIssuerBatchIds(issuerId: string, limit: number): string[] {
    return (this.statements.get("SELECT id FROM batches WHERE issuer_id = ? ORDER BY seq DESC LIMIT ?").all(issuerId, limit) as { id: string }[]).map((r) => r.id);
  }

  issuerCounts(issuerId: string) {
    const row = this.statements
      .get(
        `SELECT (SELECT COUNT(*) FROM credentials WHERE issuer_id = ?) AS credentials,
                (SELECT COUNT(*) FROM achievements WHERE issuer_id = ?) AS achievements,
                (SELECT COUNT(*) FROM credentials WHERE issuer_id = ? AND state <> 'anchored') AS pending`,
      )
      .get(issuerId, issuerId, issuerId) as { credentials: number; achievements: number; pending: number };
    return row;
  }

  setIssuerProfile(issuerId: string, f: IssuerProfileFields & { name: string; url: string; domain: string | null }): void {
    this.statements
      .get("UPDATE issuers SET name = ?, url = ?, domain = ?, logo_image = ?, seal_image = ?, signatories = ?, contact_email = ? WHERE id = ?")
      .run(f.name, f.url, f.domain, f.logoImage, f.sealImage, JSON.stringify(f.signatories), f.contactEmail, issuerId);
  }

  getIssuerProfile(issuerId: string): IssuerProfileFields | undefined {
    const row = this.statements.get("SELECT logo_image, seal_image, signatories, contact_email FROM issuers WHERE id = ?").get(issuerId) as Row | undefined;
    if (!row) return undefined;
    return {
      logoImage: (row.logo_image as string | null) ?? null,
      sealImage: (row.seal_image as string | null) ?? null,
      signatories: row.signatories ? (JSON.parse(row.signatories as string) as IssuerProfileFields["signatories"]) : [],
      contactEmail: (row.contact_email as string | null) ?? null,
    };
  }
}
