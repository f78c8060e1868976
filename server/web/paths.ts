/**
 * Credential page addresses. Our credential ids are `urn:uuid:<uuid>`; the page address drops
 * the prefix so a share link reads /c/<uuid> (and fits a smaller QR code).
 */
const URN_UUID = "urn:uuid:";

export function credentialSlug(id: string): string {
  return id.startsWith(URN_UUID) ? id.slice(URN_UUID.length) : id;
}

/** The ids a slug may stand for, most likely first. */
export function idsForSlug(slug: string): string[] {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(slug) ? [`${URN_UUID}${slug}`, slug] : [slug];
}

export function credentialPath(id: string): string {
  return `/c/${encodeURIComponent(credentialSlug(id))}`;
}
