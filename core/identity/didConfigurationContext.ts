/**
 * The JSON-LD context of the DIF Well-Known DID Configuration, pinned here because no npm
 * package in our lists ships it. Source: the document served at
 * https://identity.foundation/.well-known/did-configuration/v1 (DIF, "Well Known DID
 * Configuration", v1.0 — https://identity.foundation/.well-known/resources/did-configuration/).
 * It is handed to our offline document loader as an extra context: nothing is fetched.
 */
export const DID_CONFIGURATION_CONTEXT = "https://identity.foundation/.well-known/did-configuration/v1";

const TERMS = "https://identity.foundation/.well-known/resources/did-configuration/#";

export const DID_CONFIGURATION_CONTEXT_DOCUMENT = Object.freeze({
  "@context": [
    {
      "@version": 1.1,
      "@protected": true,
      LinkedDomains: `${TERMS}LinkedDomains`,
      DomainLinkageCredential: `${TERMS}DomainLinkageCredential`,
      origin: `${TERMS}origin`,
      linked_dids: `${TERMS}linked_dids`,
    },
  ],
});

export const DID_CONFIGURATION_CONTEXTS: ReadonlyMap<string, unknown> = new Map([[DID_CONFIGURATION_CONTEXT, DID_CONFIGURATION_CONTEXT_DOCUMENT]]);
