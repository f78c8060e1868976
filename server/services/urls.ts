/** Public URLs the server writes into credentials: PUBLIC_URL-based, so they resolve from outside. */
export const achievementUrl = (publicUrl: string, achievementId: string) => `${publicUrl}/api/v1/achievements/${achievementId}`;
export const statusListPrefix = (publicUrl: string, issuerId: string) => `${publicUrl}/api/v1/status-lists/${issuerId}/`;
export const statusListUrl = (publicUrl: string, issuerId: string, listId: number) => `${statusListPrefix(publicUrl, issuerId)}${listId}`;
export const credentialUrl = (publicUrl: string, credentialId: string) => `${publicUrl}/api/v1/credentials/${credentialId}`;
