/**
 * The program's badge kinds as OB 3.0 AchievementType values: the spec's enumeration where it
 * has the kind, its `ext:` extension form where it does not (OB 3.0 §B.2.1 AchievementType
 * allows "ext:" followed by a term).
 */
export const PROGRAM_KINDS = {
  learning: "LearningProgram",
  course: "Course",
  completion: "CertificateOfCompletion",
  award: "Award",
  seminar: "ext:Seminar",
  "special-program": "ext:SpecialProgram",
  "micro-degree": "MicroCredential",
  stacked: "ext:StackedBadge",
} as const;

export type ProgramKind = keyof typeof PROGRAM_KINDS;
export const PROGRAM_KIND_NAMES = Object.keys(PROGRAM_KINDS) as ProgramKind[];
