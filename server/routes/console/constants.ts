/** How long a console invitation link stays usable. */
export const INVITATION_SECONDS = 7 * 86_400;
/** The shortest console password (NIST SP 800-63B asks for at least 8; staff accounts can revoke credentials). */
export const MIN_PASSWORD = 12;
