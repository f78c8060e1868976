/**
 * LinkedIn's "Add to profile" link for a certification: the member lands on the profile's
 * "Add license or certification" form, filled in. Parameters as LinkedIn documents them for
 * Add to Profile (https://addtoprofile.linkedin.com): startTask=CERTIFICATION_NAME, name,
 * organizationId (LinkedIn's numeric company id) or organizationName, issueYear, issueMonth
 * (1–12), expirationYear, expirationMonth, certUrl, certId.
 */
export interface LinkedInCertification {
  name: string;
  organizationName: string;
  /** LinkedIn's numeric company id, when the issuer has one (it then replaces the name). */
  organizationId?: string;
  /** ISO date of issue (validFrom). */
  issued?: string;
  /** ISO date of expiry (validUntil). */
  expires?: string;
  /** Where LinkedIn links the certification: the credential page others can open. */
  certUrl: string;
  /** The credential's id. */
  certId?: string;
}

export const LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add";

function yearMonth(iso: string | undefined): { year: string; month: string } | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  return { year: String(date.getUTCFullYear()), month: String(date.getUTCMonth() + 1) };
}

export function linkedInAddToProfileUrl(cert: LinkedInCertification): string {
  const params = new URLSearchParams({ startTask: "CERTIFICATION_NAME", name: cert.name });
  if (cert.organizationId && /^\d+$/.test(cert.organizationId)) params.set("organizationId", cert.organizationId);
  else params.set("organizationName", cert.organizationName);
  const issued = yearMonth(cert.issued);
  if (issued) {
    params.set("issueYear", issued.year);
    params.set("issueMonth", issued.month);
  }
  const expires = yearMonth(cert.expires);
  if (expires) {
    params.set("expirationYear", expires.year);
    params.set("expirationMonth", expires.month);
  }
  params.set("certUrl", cert.certUrl);
  if (cert.certId) params.set("certId", cert.certId);
  return `${LINKEDIN_ADD_TO_PROFILE}?${params.toString()}`;
}
