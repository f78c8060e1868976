/**
 * What the issuer console keeps (tables of migration 051, issuer profile columns of 050):
 * staff accounts, sessions, invitations, served images, achievement details, award jobs, and
 * the read models its pages list (credentials with their claim state, batches).
 */
export type StaffRole = "admin" | "issuer" | "viewer";
export const STAFF_ROLES: readonly StaffRole[] = ["admin", "issuer", "viewer"];

export interface StaffRecord {
  id: string;
  issuerId: string;
  email: string;
  name: string;
  role: StaffRole;
  passwordHash: string;
  createdAt: number;
  disabledAt: number | null;
}

export interface StaffSession {
  staff: StaffRecord;
  csrfToken: string;
  expiresAt: number;
}

export interface InvitationRecord {
  issuerId: string;
  email: string;
  role: StaffRole;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface MediaRecord {
  id: string;
  issuerId: string;
  contentType: "image/svg+xml" | "image/png";
  bytes: Buffer;
  createdAt: number;
}

export interface AlignmentEntry {
  targetName: string;
  targetUrl: string;
}

export interface AchievementDetails {
  achievementId: string;
  creditValue: number | null;
  tags: string[];
  alignment: AlignmentEntry[];
  expiryMonths: number | null;
  updatedAt: number;
}

export type AwardJobState = "preview" | "running" | "done" | "failed";

export interface AwardJob {
  id: string;
  issuerId: string;
  achievementId: string;
  createdBy: string;
  state: AwardJobState;
  fileName: string;
  encoding: string;
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
  total: number;
  bad: number;
  awarded: number;
  failed: number;
}

export interface AwardRow {
  line: number;
  studentId: string;
  name: string;
  email: string;
  problems: string[];
  credentialId: string | null;
  error: string | null;
}

/**
 * Where a claim stands, from the learner's decision, the link's first opening and the latest
 * claim mail's delivery (issue 15): bounced = refused for good by the recipient's server (no
 * retries); failed = not delivered after its retries.
 */
export type ClaimView = "none" | "queued" | "sent" | "opened" | "accepted" | "declined" | "bounced" | "failed";

export interface ConsoleCredentialRow {
  id: string;
  achievementId: string | null;
  achievementName: string | null;
  recipientName: string | null;
  recipientEmail: string | null;
  state: "signed" | "batched" | "anchored";
  revoked: boolean;
  suspended: boolean;
  batchId: string;
  createdAt: number;
  claim: ClaimView;
  /** When a claim link of this credential was first opened by a person (unix seconds). */
  openedAt: number | null;
  reminders: number;
}

export interface IssuerProfileFields {
  logoImage: string | null;
  sealImage: string | null;
  signatories: { name: string; title: string }[];
  contactEmail: string | null;
}

export class StaffEmailTakenError extends Error {
  override readonly name = "StaffEmailTakenError";
  constructor(readonly email: string) {
    super(`a console account for ${email} exists already`);
  }
}

export interface ConsoleStore {
  createStaff(staff: Omit<StaffRecord, "id" | "createdAt" | "disabledAt">): StaffRecord;
  getStaff(id: string): StaffRecord | undefined;
  findStaffByEmail(email: string): StaffRecord | undefined;
  listStaff(issuerId: string): StaffRecord[];
  setStaffRole(id: string, role: StaffRole): void;
  /** Disables the account and ends its sessions. */
  disableStaff(id: string): void;
  setStaffPassword(id: string, passwordHash: string): void;
  countActiveAdmins(issuerId: string): number;

  createSession(staffId: string, seconds: number): { token: string; csrfToken: string };
  /** The live session of a token: unknown, expired or of a disabled account → undefined. */
  sessionFor(token: string): StaffSession | undefined;
  endSession(token: string): void;

  createInvitation(invitation: Omit<InvitationRecord, "createdAt" | "expiresAt" | "usedAt">, seconds: number): string;
  findInvitation(token: string): InvitationRecord | undefined;
  /** Marks the invitation used if it is still unused and unexpired; the record, or undefined. */
  useInvitation(token: string): InvitationRecord | undefined;

  putMedia(media: Omit<MediaRecord, "id" | "createdAt">): MediaRecord;
  getMedia(id: string): MediaRecord | undefined;

  updateAchievement(id: string, fields: { name: string; description: string; criteriaNarrative: string; image: string | null; achievementType: string | null }): void;
  getAchievementDetails(id: string): AchievementDetails | undefined;
  setAchievementDetails(details: Omit<AchievementDetails, "updatedAt">): void;

  createAwardJob(job: Pick<AwardJob, "id" | "issuerId" | "achievementId" | "createdBy" | "fileName" | "encoding">, rows: readonly Omit<AwardRow, "credentialId" | "error">[]): void;
  getAwardJob(id: string): AwardJob | undefined;
  listAwardJobs(issuerId: string, limit: number): AwardJob[];
  listAwardRows(jobId: string): AwardRow[];
  /** preview → running, only from preview and only without bad rows; false otherwise. */
  startAwardJob(id: string): boolean;
  recordAwardedRows(jobId: string, awarded: readonly { line: number; credentialId: string }[]): void;
  recordFailedRows(jobId: string, lines: readonly number[], error: string): void;
  finishAwardJob(id: string, state: "done" | "failed", error: string | null): void;
  /** Jobs left running by a process that stopped. */
  listRunningAwardJobs(): AwardJob[];

  listIssuerCredentials(issuerId: string, options: { limit: number; offset: number; query?: string; achievementId?: string }): { rows: ConsoleCredentialRow[]; total: number };
  getIssuerCredential(issuerId: string, id: string): ConsoleCredentialRow | undefined;

  /** The issuer's batch ids, newest first (the page reads each with Store.getBatch). */
  listIssuerBatchIds(issuerId: string, limit: number): string[];
  /** Counts for the overview page. */
  issuerCounts(issuerId: string): { credentials: number; achievements: number; pending: number };

  setIssuerProfile(issuerId: string, fields: IssuerProfileFields & { name: string; url: string; domain: string | null }): void;
  getIssuerProfile(issuerId: string): IssuerProfileFields | undefined;
}
