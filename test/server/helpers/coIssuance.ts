/** What the co-issuance tests share: the second instance's operator, an issuer as the API answers it, a joint badge. */
import { localOperatorKey } from "../../../server/cluster/operatorKeys";

/** The local node's second funded account: the second instance's operator (its own nonces). */
export const SECOND_OPERATOR_KEY = localOperatorKey(1);

/** An issuer as POST /api/v1/issuers answers it. */
export interface CreatedIssuer {
  id: string;
  did: string;
  address: `0x${string}`;
  apiKey: string;
}

/** A co-issued achievement of the AI-for-health-care programme. */
export const jointBadge = (name: string) => ({
  name,
  description: `${name}: AI for health care, taught jointly`,
  criteria: { narrative: "Passed both the machine learning module and the clinical data module." },
  achievementType: "Badge",
});
