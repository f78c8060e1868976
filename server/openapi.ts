/**
 * The OpenAPI 3.1 description of the HTTP API, served at /docs. Written out by hand next to
 * the routes: a test walks the app's routes and fails when one is missing here.
 */

type Schema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema, description = "OK") => ({ description, content: { "application/json": { schema } } });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/Error` }]));
const body = (schema: Schema) => ({ required: true, content: { "application/json": { schema } } });
const idParam = (name: string, description: string) => ({ name, in: "path", required: true, schema: { type: "string" }, description });
const secured = [{ bearer: [] }];

export function openApiDocument(publicUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "credanchor anchoring server",
      version: "1.0.0",
      description:
        "Issue Open Badges 3.0 credentials in bulk, anchor them in Merkle batches on an EVM chain, and publish their status. " +
        "Keys go in `Authorization: Bearer <key>`. Errors answer `{ error, message, issues? }`.",
    },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "admin key or issuer API key" } },
      responses: { Error: json(ref("Error"), "Error") },
      schemas: {
        Error: {
          type: "object",
          required: ["error", "message"],
          properties: {
            error: { type: "string" },
            message: { type: "string" },
            issues: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } } },
            rejections: { type: "array", items: { type: "object", properties: { index: { type: "integer" }, reason: { type: "string" } } } },
          },
        },
        IssuerInput: {
          type: "object",
          required: ["name", "url"],
          additionalProperties: false,
          properties: {
            name: { type: "string" },
            url: { type: "string", format: "uri" },
            email: { type: "string", format: "email" },
            image: { type: "string", format: "uri" },
            domain: { type: "string", description: "Web domain linked to the issuer's DID (snu.ac.kr); verifiers check the host of `url`, so make it that host" },
          },
        },
        AchievementInput: {
          type: "object",
          required: ["name", "description", "criteria"],
          additionalProperties: false,
          properties: {
            name: { type: "string" },
            description: { type: "string" },
            criteria: { type: "object", required: ["narrative"], properties: { narrative: { type: "string" } } },
            image: { type: "string", format: "uri" },
            achievementType: { type: "string", examples: ["Badge", "Certificate", "ext:Workshop"] },
            kind: { enum: ["learning", "course", "completion", "award", "seminar", "special-program", "micro-degree", "stacked"], description: "the program's badge kind, written as its OB 3.0 achievementType" },
            creditsAvailable: { type: "number", minimum: 0, description: "OB 3.0 creditsAvailable: what stacking rules count" },
          },
        },
        Achievement: {
          type: "object",
          properties: {
            id: { type: "string" }, url: { type: "string" }, issuerId: { type: "string" }, name: { type: "string" }, description: { type: "string" },
            criteria: { type: "object", properties: { narrative: { type: "string" } } }, image: { type: "string" }, achievementType: { type: "string" }, createdAt: { type: "string", format: "date-time" },
          },
        },
        AwardInput: {
          type: "object",
          required: ["achievementId", "recipients"],
          additionalProperties: false,
          properties: {
            achievementId: { type: "string" },
            recipients: {
              type: "array",
              minItems: 1,
              maxItems: 10000,
              items: { type: "object", additionalProperties: false, properties: { name: { type: "string" }, email: { type: "string", format: "email" }, id: { type: "string", description: "a DID or another identifier" } } },
            },
          },
        },
        PresignedInput: {
          type: "object",
          required: ["credentials"],
          additionalProperties: false,
          properties: {
            credentials: {
              type: "array",
              minItems: 1,
              maxItems: 10000,
              items: { type: "object", description: "OpenBadgeCredential signed by the issuer (eddsa-rdfc-2022) with a key registered on chain; its id a URL (RFC 3986 characters, at most 2000); credentialStatus names this server's status list URL" },
            },
          },
        },
        Awarded: {
          type: "object",
          required: ["credentials"],
          properties: { credentials: { type: "array", items: { type: "object", required: ["id", "state"], properties: { id: { type: "string" }, state: { const: "signed" } } } } },
        },
        CredentialStatus: {
          type: "object",
          required: ["state", "batch", "txHash", "blockNumber"],
          properties: {
            state: { enum: ["signed", "batched", "anchored", "revoked", "suspended"] },
            batch: { type: "string" },
            txHash: { type: ["string", "null"] },
            blockNumber: { type: ["integer", "null"] },
            anchored: { type: "boolean" },
            revoked: { type: "boolean" },
            suspended: { type: "boolean" },
            statusList: { type: "object", properties: { listId: { type: "integer" }, statusListIndex: { type: "integer" } } },
          },
        },
        Batch: {
          type: "object",
          required: ["state", "root", "leafCount", "txHash", "blockNumber", "confirmations"],
          properties: {
            id: { type: "string" },
            state: { enum: ["open", "sealed", "submitted", "confirmed"], description: "confirmed: every credential of the batch carries its anchor proof" },
            root: { type: ["string", "null"] },
            leafCount: { type: "integer" },
            txHash: { type: ["string", "null"] },
            blockNumber: { type: ["integer", "null"] },
            confirmations: { type: "integer" },
            requiredConfirmations: { type: "integer" },
            lastError: { type: ["string", "null"] },
          },
        },
        StatusChange: {
          type: "object",
          properties: {
            id: { type: "integer" },
            credentialId: { type: "string" },
            action: { enum: ["revoke", "suspend", "unsuspend"] },
            reason: { type: ["string", "null"] },
            state: { enum: ["queued", "submitted", "confirmed", "failed"] },
            final: { type: "boolean" },
            finalWhen: { type: "string" },
            txHash: { type: ["string", "null"] },
            blockNumber: { type: ["integer", "null"] },
          },
        },
        VerificationReport: {
          type: "object",
          description:
            "verified: every check ran against trusted sources and passed; unconfirmed: nothing failed, but something the verdict needs could not be checked (reason and fix say what); failed: some check failed. `verified` is true iff `verdict` is verified.",
          required: ["verdict", "verified", "counts", "results"],
          properties: {
            verdict: { enum: ["verified", "unconfirmed", "failed"], description: "failed if any credential failed, else unconfirmed if any is unconfirmed, else verified" },
            verified: { type: "boolean", description: "true iff verdict is verified" },
            counts: { type: "object", required: ["verified", "unconfirmed", "failed"], properties: { verified: { type: "integer" }, unconfirmed: { type: "integer" }, failed: { type: "integer" } } },
            chainError: { type: "string", description: "why the chain could not be read (then nothing is verified)" },
            results: {
              type: "array",
              items: {
                type: "object",
                required: ["verdict", "verified", "path", "steps"],
                properties: {
                  verdict: { enum: ["verified", "unconfirmed", "failed"] },
                  verified: { type: "boolean", description: "true iff verdict is verified" },
                  reason: { type: "string", description: "why the verdict is not verified: the first failed step, else the first unconfirmed one" },
                  failedStep: { type: "string" },
                  unconfirmedSteps: { type: "array", items: { type: "string" } },
                  credentialId: { type: "string" },
                  path: { type: "string", description: "where the credential sits in the input, e.g. [0].verifiableCredential[1]" },
                  type: { type: "string" },
                  issuer: { type: "object", properties: { id: { type: "string" }, name: { type: "string" } } },
                  steps: {
                    type: "array",
                    items: {
                      type: "object",
                      required: ["name", "status", "message"],
                      properties: {
                        name: { enum: ["schema", "issuer-signature", "key-registered", "inclusion", "anchored", "co-issuers", "status", "validity"] },
                        status: { enum: ["ok", "failed", "unconfirmed", "skipped"], description: "skipped: not applicable; unconfirmed: needed but could not be checked (see fix)" },
                        message: { type: "string" },
                        fix: { type: "string", description: "for an unconfirmed step: how to make it checkable" },
                        data: { type: "object" },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    paths: {
      "/healthz": {
        get: {
          summary: "Health: chain reachable, registry, head block",
          responses: {
            "200": json({ type: "object", required: ["ok", "chainId", "registry", "blockNumber"], properties: { ok: { type: "boolean" }, chainId: { type: "integer" }, registry: { type: "string" }, blockNumber: { type: "integer" } } }),
            ...errors(503),
          },
        },
      },
      "/metrics": {
        get: { summary: "Prometheus metrics: credentials and batches by state, anchor latency, RPC errors", responses: { "200": { description: "text/plain exposition format", content: { "text/plain": { schema: { type: "string" } } } } } },
      },
      "/docs": { get: { summary: "This document", responses: { "200": json({ type: "object" }) } } },
      "/api/v1/issuers": {
        post: {
          summary: "Create an issuer (admin): keys, chain address, on-chain key registration and operator authorisation; the API key is shown once",
          security: secured,
          requestBody: body(ref("IssuerInput")),
          responses: {
            "201": json({ type: "object", required: ["id", "did", "address", "apiKey"], properties: { id: { type: "string" }, did: { type: "string" }, address: { type: "string" }, apiKey: { type: "string" }, onchain: { enum: ["registered", "pending"] } } }, "Created"),
            ...errors(400, 401, 403, 413),
          },
        },
      },
      "/api/v1/issuers/{id}": {
        get: { summary: "Public issuer profile and signing key", parameters: [idParam("id", "issuer id or address")], responses: { "200": json({ type: "object" }), ...errors(404) } },
      },
      "/api/v1/issuers/{id}/domain": {
        put: {
          summary: "Set (or clear with null) the web domain linked to the issuer's DID",
          description: "With the issuer's own key or the admin key. The domain is a DNS name with an optional port, no scheme or path. `profileUrlOnDomain` is false when the issuer's profile url is on another host: verifiers check the did-configuration.json of the profile url's host.",
          security: secured,
          parameters: [idParam("id", "issuer id")],
          requestBody: body({ type: "object", required: ["domain"], additionalProperties: false, properties: { domain: { type: ["string", "null"] } } }),
          responses: {
            "200": json({ type: "object", properties: { domain: { type: ["string", "null"] }, hostAt: { type: "string", format: "uri" }, profileUrlOnDomain: { type: "boolean" } } }),
            ...errors(400, 401, 403, 404),
          },
        },
      },
      "/api/v1/console/invitations": {
        post: {
          summary: "A one-time link that makes an issuer console account (how the first admin is made)",
          description: "With the issuer's own API key. Whoever opens inviteUrl within 7 days sets a name and a password and is signed in to /console with the given role (admin by default: admin, issuer or viewer). The link works once.",
          security: secured,
          requestBody: body({ type: "object", required: ["email"], additionalProperties: false, properties: { email: { type: "string", format: "email" }, role: { type: "string", enum: ["admin", "issuer", "viewer"] } } }),
          responses: {
            "201": json({ type: "object", properties: { inviteUrl: { type: "string", format: "uri" }, email: { type: "string" }, role: { type: "string" }, expiresAt: { type: "string", format: "date-time" } } }),
            ...errors(400, 401, 403, 422),
          },
        },
      },
      "/api/v1/issuers/{id}/did-configuration.json": {
        get: {
          summary: "The DIF Well-Known DID Configuration for the issuer's domain, to host at https://<domain>/.well-known/did-configuration.json",
          description: "One Domain Linkage Credential (VC 1.1 JSON-LD form, eddsa-rdfc-2022, signed with the issuer's registered Ed25519 key) naming the issuer DID and https://<domain>, valid for one year from now. With the issuer's own key or the admin key; 409 until a domain is set.",
          security: secured,
          parameters: [idParam("id", "issuer id")],
          responses: {
            "200": json({ type: "object", required: ["@context", "linked_dids"], properties: { "@context": { type: "string" }, linked_dids: { type: "array", items: { type: "object" } } } }),
            ...errors(401, 403, 404, 409),
          },
        },
      },
      "/api/v1/issuers/{id}/api-keys": {
        post: {
          summary: "Rotate the issuer's API key: a new key (shown once) replaces every earlier one, which then answers 401",
          description: "With the issuer's own key or the admin key.",
          security: secured,
          parameters: [idParam("id", "issuer id")],
          responses: { "201": json({ type: "object", properties: { apiKey: { type: "string" }, revokedKeys: { type: "integer" } } }, "Created"), ...errors(401, 403, 404) },
        },
      },
      "/api/v1/achievements": {
        post: { summary: "Create an achievement (badge class)", security: secured, requestBody: body(ref("AchievementInput")), responses: { "201": json({ type: "object", properties: { id: { type: "string" }, url: { type: "string" } } }, "Created"), ...errors(400, 401, 403) } },
        get: { summary: "The calling issuer's achievements", security: secured, responses: { "200": json({ type: "object", properties: { achievements: { type: "array", items: ref("Achievement") } } }), ...errors(401, 403) } },
      },
      "/api/v1/achievements/{id}": {
        get: { summary: "One achievement (public; credentials name this URL)", parameters: [idParam("id", "achievement id")], responses: { "200": json(ref("Achievement")), ...errors(404) } },
      },
      "/api/v1/credentials": {
        post: {
          summary: "Award an achievement to 1…10,000 recipients, or submit credentials the issuer signed itself",
          security: secured,
          requestBody: { required: true, content: { "application/json": { schema: { oneOf: [ref("AwardInput"), ref("PresignedInput")] } } } },
          responses: { "201": json(ref("Awarded"), "Created"), ...errors(400, 401, 403, 409, 413, 422) },
        },
      },
      "/api/v1/credentials/{id}": {
        get: { summary: "The credential exactly as stored, with its anchor proof once anchored", parameters: [idParam("id", "urn:uuid:… or the bare uuid")], responses: { "200": json({ type: "object" }), ...errors(404) } },
      },
      "/api/v1/credentials/{id}/proof": {
        get: { summary: "The anchor proof alone", parameters: [idParam("id", "credential id")], responses: { "200": json({ type: "object" }), ...errors(404) } },
      },
      "/api/v1/credentials/{id}/status": {
        get: { summary: "Lifecycle state of a credential", parameters: [idParam("id", "credential id")], responses: { "200": json(ref("CredentialStatus")), ...errors(404) } },
      },
      ...Object.fromEntries(
        (["revoke", "suspend", "unsuspend"] as const).map((action) => [
          `/api/v1/credentials/{id}/${action}`,
          {
            post: {
              summary: `Queue a ${action} of the credential; written on chain in as few transactions as the masks allow`,
              security: secured,
              parameters: [idParam("id", "credential id")],
              requestBody: body({ type: "object", additionalProperties: false, properties: { reason: { type: "string", maxLength: 500 } } }),
              responses: { "202": json(ref("StatusChange"), "Accepted; `finalWhen` says when it is final"), ...errors(400, 401, 403, 404, 409) },
            },
          },
        ]),
      ),
      "/api/v1/status-changes": {
        post: {
          summary:
            "Queue one status change for many credentials at once (all or none); neighbours in one 256-bit word become one storage write. Refused ids come back in `issues`, each as `credentialIds.<position>` with its id, kind (not_found, forbidden, conflict) and reason: 409 when every refusal is a conflict with the credential's state, 422 otherwise",
          security: secured,
          requestBody: body({
            type: "object",
            required: ["action", "credentialIds"],
            additionalProperties: false,
            properties: { action: { enum: ["revoke", "suspend", "unsuspend"] }, credentialIds: { type: "array", minItems: 1, maxItems: 10000, items: { type: "string" } }, reason: { type: "string", maxLength: 500 } },
          }),
          responses: { "202": json({ type: "object", properties: { changes: { type: "array", items: ref("StatusChange") } } }, "Accepted"), ...errors(400, 401, 409, 422) },
        },
      },
      "/api/v1/status-changes/{id}": {
        get: { summary: "Progress of a queued status change", security: secured, parameters: [idParam("id", "status change id")], responses: { "200": json(ref("StatusChange")), ...errors(401, 403, 404) } },
      },
      "/api/v1/batches/close": {
        post: {
          summary: "Seal the issuer's open batch now (close the semester). 409 with reason \"no_open_batch\" when the issuer has no open batch with credentials (a batch that filled has sealed itself)",
          security: secured,
          responses: { "200": json({ type: "object", required: ["batchId", "root", "leafCount"], properties: { batchId: { type: "string" }, root: { type: "string" }, leafCount: { type: "integer" } } }), ...errors(401, 403, 409) },
        },
      },
      "/api/v1/batches/{id}": {
        get: { summary: "A batch and its anchor", parameters: [idParam("id", "batch id")], responses: { "200": json(ref("Batch")), ...errors(404) } },
      },
      "/api/v1/status-lists/{issuer}/{list}": {
        get: {
          summary: "Signed BitstringStatusListCredential derived from chain state (what credentials name as statusListCredential)",
          parameters: [
            idParam("issuer", "issuer id or address"),
            idParam("list", "list number"),
            { name: "purpose", in: "query", required: false, schema: { enum: ["revocation", "suspension"], default: "revocation" } },
          ],
          responses: { "200": json({ type: "object" }), ...errors(400, 404) },
        },
      },
      "/api/v1/co-issuance/achievements": {
        post: {
          summary: "Create a co-issued achievement naming partner issuers (this instance: { issuerId }; another: { baseUrl, did }) and M of N; remote partners receive a proposal signed with the lead's key. A baseUrl must be a public https host (422 naming a private, loopback or link-local address, a redirect or an oversized answer; 504 when the partner is too slow) unless the operator set COISSUE_ALLOW_PRIVATE_PARTNERS=true",
          security: secured,
          requestBody: body({ type: "object", required: ["name", "description", "criteria", "threshold", "partners"], properties: { name: { type: "string" }, description: { type: "string" }, criteria: { type: "object" }, image: { type: "string" }, achievementType: { type: "string" }, threshold: { type: "integer", minimum: 2 }, partners: { type: "array", minItems: 1, maxItems: 32 } } }),
          responses: { "201": json({ type: "object" }, "Created"), ...errors(400, 401, 403, 422, 502, 504) },
        },
      },
      "/api/v1/co-issuance/achievements/{id}": {
        get: { summary: "A co-issued achievement of the caller and each partner's decision", security: secured, parameters: [idParam("id", "achievement id")], responses: { "200": json({ type: "object" }), ...errors(401, 403, 404) } },
      },
      "/api/v1/co-issuance/proposals": {
        get: { summary: "Proposals naming the caller as a partner (same instance and remote), with the achievement and criteria to review", security: secured, responses: { "200": json({ type: "object" }), ...errors(401, 403) } },
      },
      "/api/v1/co-issuance/proposals/{id}/agree": {
        post: { summary: "Agree to co-issue (a remote lead is told first)", security: secured, parameters: [idParam("id", "proposal id")], responses: { "200": json({ type: "object" }), ...errors(401, 403, 404, 409, 502) } },
      },
      "/api/v1/co-issuance/proposals/{id}/decline": {
        post: { summary: "Decline to co-issue, with a reason", security: secured, parameters: [idParam("id", "proposal id")], requestBody: body({ type: "object", required: ["reason"], properties: { reason: { type: "string", maxLength: 500 } } }), responses: { "200": json({ type: "object" }), ...errors(400, 401, 403, 404, 409, 502) } },
      },
      "/api/v1/co-issuance/awards/{id}": {
        get: { summary: "A co-issued award: issued, or awaiting which partners' signatures", security: secured, parameters: [idParam("id", "award id")], responses: { "200": json({ type: "object" }), ...errors(401, 403, 404) } },
      },
      "/api/v1/co-issuance/batches/{id}": {
        get: { summary: "A co-issued batch's endorsements on chain: which are pending, and whether M of N stand", security: secured, parameters: [idParam("id", "batch id")], responses: { "200": json({ type: "object" }), ...errors(401, 403, 404) } },
      },
      "/api/v1/co-issuance/endorsements/withdraw": {
        post: { summary: "Withdraw the caller's endorsement of a lead's root (final on chain)", security: secured, requestBody: body({ type: "object", required: ["issuer", "root"], properties: { issuer: { type: "string" }, root: { type: "string" }, reason: { type: "integer" } } }), responses: { "202": json({ type: "object" }, "Accepted"), ...errors(400, 401, 403, 422) } },
      },
      "/api/v1/co-issuance/s2s/proposals": {
        post: { summary: "Server to server: a lead's proposal, signed with its on-chain Ed25519 key", responses: { "201": json({ type: "object" }, "Created"), ...errors(400, 401, 404, 409, 422) } },
      },
      "/api/v1/co-issuance/s2s/decisions": {
        post: { summary: "Server to server (HMAC of the partnership): a remote partner's decision", responses: { "200": json({ type: "object" }), ...errors(400, 401, 403, 404, 409) } },
      },
      "/api/v1/co-issuance/s2s/sign": {
        post: { summary: "Server to server (HMAC of the partnership): the lead's credentials for the partner to sign; answers one proof per credential", responses: { "200": json({ type: "object" }), ...errors(400, 401, 403, 404, 409, 422) } },
      },
      "/api/v1/co-issuance/s2s/anchored": {
        post: { summary: "Server to server (HMAC of the partnership): the anchored root and its documents, for the partner to endorse", responses: { "202": json({ type: "object" }, "Accepted"), ...errors(400, 401, 403, 404, 409, 422) } },
      },
      // Stacked badges (issue 14 part 2): rules, flags, webhooks, deep verification.
      "/api/v1/stacking-rules": {
        post: {
          summary: "Create a stacking rule: lists of counted achievements, tiers (threshold, optional per-list minimums, stacked achievement), optional window",
          security: secured,
          requestBody: body({
            type: "object",
            required: ["name", "lists", "tiers"],
            properties: {
              name: { type: "string" },
              lists: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
              tiers: { type: "array", items: { type: "object", required: ["name", "threshold", "achievementId"], properties: { name: { type: "string" }, threshold: { type: "number" }, minimums: { type: "object", additionalProperties: { type: "number" } }, achievementId: { type: "string" } } } },
              window: { type: "object", properties: { from: { type: "string", format: "date-time" }, until: { type: "string", format: "date-time" } } },
            },
          }),
          responses: { "201": json({ type: "object" }, "Created"), ...errors(400, 401, 403, 422) },
        },
        get: { summary: "The calling issuer's stacking rules", security: secured, responses: { "200": json({ type: "object", properties: { rules: { type: "array" } } }), ...errors(401, 403) } },
      },
      "/api/v1/stacking-rules/{id}": {
        get: { summary: "One stacking rule", security: secured, parameters: [idParam("id", "rule id")], responses: { "200": json({ type: "object" }), ...errors(401, 403, 404) } },
        patch: {
          summary:
            "Edit or disable a stacking rule at the version you read (409 with the current version when someone edited it meanwhile). Applies to awards after it; badges already issued keep the rule they were earned under. Tiers keep their stacked achievement; tiers may be added.",
          security: secured,
          parameters: [idParam("id", "rule id")],
          requestBody: body({
            type: "object",
            required: ["version"],
            properties: {
              version: { type: "integer" },
              name: { type: "string" },
              lists: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
              tiers: { type: "array", items: { type: "object" } },
              window: { type: ["object", "null"] },
              disabled: { type: "boolean" },
            },
          }),
          responses: { "200": json({ type: "object" }), ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      "/api/v1/stacking-flags": {
        get: {
          summary: "Stacked badges whose learner fell below the tier after a component's revocation",
          security: secured,
          parameters: [{ name: "state", in: "query", required: false, schema: { enum: ["open", "kept", "revoked"] } }],
          responses: { "200": json({ type: "object", properties: { flags: { type: "array" } } }), ...errors(401, 403, 422) },
        },
      },
      "/api/v1/stacking-flags/{id}": {
        get: { summary: "One flag", security: secured, parameters: [idParam("id", "flag id")], responses: { "200": json({ type: "object" }), ...errors(401, 403, 404) } },
      },
      "/api/v1/stacking-flags/{id}/decision": {
        post: {
          summary: "The issuer's decision on a flag: keep the stacked badge, or revoke it (queued like any revocation); a reason is required",
          security: secured,
          parameters: [idParam("id", "flag id")],
          requestBody: body({ type: "object", required: ["decision", "reason"], properties: { decision: { enum: ["keep", "revoke"] }, reason: { type: "string" } } }),
          responses: { "200": json({ type: "object" }), ...errors(400, 401, 403, 404, 409) },
        },
      },
      "/api/v1/webhooks": {
        put: {
          summary: "Set the issuer's webhook endpoint; answers the signing secret once. Events carry Credanchor-Event-Id and Credanchor-Signature: t=<unix>,v1=<HMAC-SHA256(secret, t.body)>. The URL is checked here and again at every delivery (no redirects; loopback only on a local chain, private networks only with WEBHOOK_ALLOW_PRIVATE=true, link-local never); a refused delivery shows its reason in the events",
          security: secured,
          requestBody: body({ type: "object", required: ["url"], properties: { url: { type: "string", format: "uri" } } }),
          responses: { "200": json({ type: "object", properties: { url: { type: "string" }, secret: { type: "string" } } }), ...errors(400, 401, 403, 422) },
        },
      },
      "/api/v1/webhooks/events": {
        get: { summary: "The issuer's webhook events and their delivery state", security: secured, responses: { "200": json({ type: "object", properties: { events: { type: "array" } } }), ...errors(401, 403) } },
      },
      "/api/v1/verify/stacked": {
        post: {
          summary: "Deep verification of a stacked badge: the badge and every component it lists (given in `components`, held here, or fetched safely by URL), each compared with the digest the badge lists",
          requestBody: body({ type: "object", required: ["credential"], properties: { credential: { type: "object" }, components: { type: "array", items: { type: "object" } } } }),
          responses: { "200": json({ type: "object", properties: { verdict: { enum: ["verified", "unconfirmed", "failed"] }, components: { type: "array" } } }), ...errors(400, 413, 422) },
        },
      },
      "/api/v1/verify": {
        post: {
          summary: "Verify credentials with the core pipeline (schema, signatures, key on chain, inclusion, anchor, status, validity): a verdict per credential and for the whole input",
          description:
            "Trusts only genuine registry code, narrowed to TRUSTED_REGISTRIES (default: this instance's own registry). Bounded before any work: the body is at most VERIFY_BODY_LIMIT (2 MB by default; larger answers 413 body_too_large), at most VERIFY_MAX_CREDENTIALS credentials (100 by default) counting those inside presentations and CLRs (more answers 413 too_many_credentials), at most 200,000 JSON values and 32 levels of nesting; verification taking longer than VERIFY_TIMEOUT_MS (15 s by default) answers 503 verification_timeout.",
          requestBody: body({ oneOf: [{ type: "object", required: ["credential"], properties: { credential: { type: "object" }, email: { type: "string" }, challenge: { type: "string" } } }, { type: "object", required: ["credentials"], properties: { credentials: { type: "array", minItems: 1 }, email: { type: "string" }, challenge: { type: "string" } } }] }),
          responses: { "200": json(ref("VerificationReport")), ...errors(400, 413, 503) },
        },
      },
      "/api/v1/challenges": {
        post: {
          summary: "A single-use challenge for a job application: the applicant's wallet signs a presentation for it and this host as domain",
          description:
            "Answers { challenge, domain, expiresAt } (30 minutes). Send the presentation to POST /api/v1/verify with `challenge`: the answer's `application.challenge.bound` says whether it answers it. A challenge is spent by its first use, so a replay is never bound. When the input is one CLR or presentation, or `email` or `challenge` is given, the verify answer also carries `application`: the envelope check, rows grouped by issuer with holder binding by `email` (the credential's signed IdentityObject hash), and one summary.",
          responses: { "201": json({ type: "object", properties: { challenge: { type: "string" }, domain: { type: "string" }, expiresAt: { type: "integer" } } }), ...errors(429) },
        },
      },
      ...accreditorPaths(),
    },
  };
}

/**
 * The accreditor API (issue 12 item 5): an agency runs its trust list on this instance, each
 * change written by its own chain key. Also: POST /api/v1/verify reads the recognitions of
 * TRUSTED_ACCREDITORS (`identity.recognition` of each result); REQUIRE_RECOGNITION answers an
 * unrecognised issuer's verified credential unconfirmed (with `fix`).
 */
function accreditorPaths() {
  const accreditor = idParam("id", "accreditor id or chain address");
  const issuer = idParam("issuer", "the recognised issuer's chain address");
  const recognition = {
    type: "object",
    properties: {
      accreditor: { type: "string" },
      issuer: { type: "string" },
      validFrom: { type: "integer", description: "Unix seconds (the registry never lets a recognition start before it was published)" },
      validUntil: { type: ["integer", "null"], description: "Unix seconds; null: no planned end" },
      withdrawn: { type: ["object", "null"], properties: { at: { type: "integer" }, code: { type: "integer" }, reason: { type: "string" } } },
      record: { type: "object", description: "credanchor-recognition-record/1: chainId, accreditor, issuer, legalName, domain, country" },
      recordHash: { type: "string", description: "keccak256 of the record's JCS (RFC 8785) text; on chain with the recognition" },
      recordUri: { type: "string", format: "uri" },
      onchain: { enum: ["submitted", "confirmed", "failed", "unknown"] },
      transactions: { type: "array", items: { type: "object" } },
    },
  };
  const written = { "200": json(recognition), "202": json(recognition, "Stored and sent; not mined yet (the writer resumes it)") };
  const refusals = "A change the registry would refuse answers 409 (or 422) naming the contract's custom error in the message and `details.contractError` (RecognitionCannotWiden, RecognitionWithdrawn, AlreadyRecognised…); nothing is stored or sent.";
  return {
    "/api/v1/accreditors": {
      post: {
        summary: "Create an accreditor (admin): its own chain address (key sealed at rest; funded on the local chain) and an API key shown once",
        security: secured,
        requestBody: body({ type: "object", required: ["name"], additionalProperties: false, properties: { name: { type: "string" } } }),
        responses: {
          "201": json({ type: "object", properties: { id: { type: "string" }, name: { type: "string" }, address: { type: "string" }, chainId: { type: "integer" }, apiKey: { type: "string" }, funded: { type: "boolean" } } }, "Created"),
          ...errors(400, 401, 403),
        },
      },
      get: { summary: "The accreditors of this instance (public)", responses: { "200": json({ type: "object", properties: { accreditors: { type: "array", items: { type: "object" } } } }) } },
    },
    "/api/v1/accreditors/{id}": { get: { summary: "One accreditor (public)", parameters: [accreditor], responses: { "200": json({ type: "object" }), ...errors(404) } } },
    "/api/v1/accreditors/{id}/recognitions": {
      post: {
        summary: "Recognise an issuer (the accreditor's own key, or the admin key): the record is stored and served at a stable URL, its hash and URI go on chain through the accreditor's key",
        description: `Stored signed before it is broadcast; 201 when mined, 202 while pending. ${refusals}`,
        security: secured,
        parameters: [accreditor],
        requestBody: body({
          type: "object",
          required: ["issuer", "legalName"],
          additionalProperties: false,
          properties: {
            issuer: { type: "string", description: "0x address (EIP-55 checksum when mixed case)" },
            validFrom: { type: ["integer", "string"], description: "Unix seconds or ISO 8601; default now" },
            validUntil: { type: ["integer", "string"], description: "Unix seconds or ISO 8601; default no planned end" },
            legalName: { type: "string" },
            domain: { type: "string" },
            country: { type: "string", description: "ISO 3166-1 alpha-2 (KR)" },
          },
        }),
        responses: { "201": json(recognition, "Recognised"), "202": written["202"], ...errors(400, 401, 403, 404, 409, 422, 503) },
      },
      get: { summary: "The accreditor's recognitions with their on-chain state (public)", parameters: [accreditor], responses: { "200": json({ type: "object" }), ...errors(404) } },
    },
    "/api/v1/accreditors/{id}/recognitions/{issuer}": { get: { summary: "One recognition (public)", parameters: [accreditor, issuer], responses: { "200": json(recognition), ...errors(404) } } },
    "/api/v1/accreditors/{id}/recognitions/{issuer}/record": {
      get: { summary: "The accreditor's record about the issuer, exactly as hashed (JCS text; CORS open)", parameters: [accreditor, issuer], responses: { "200": json({ type: "object" }), ...errors(404) } },
    },
    "/api/v1/accreditors/{id}/recognitions/{issuer}/shorten": {
      post: {
        summary: "Move the end of the recognition earlier (windows only shrink)",
        description: refusals,
        security: secured,
        parameters: [accreditor, issuer],
        requestBody: body({ type: "object", required: ["validUntil"], additionalProperties: false, properties: { validUntil: { type: ["integer", "string"] } } }),
        responses: { ...written, ...errors(400, 401, 403, 404, 409, 422, 503) },
      },
    },
    "/api/v1/accreditors/{id}/recognitions/{issuer}/withdraw": {
      post: {
        summary: "Withdraw the recognition now (final), with a reason (kept here) and a code (on chain, default 1)",
        description: refusals,
        security: secured,
        parameters: [accreditor, issuer],
        requestBody: body({ type: "object", required: ["reason"], additionalProperties: false, properties: { reason: { type: "string" }, code: { type: "integer", minimum: 0, maximum: 65535 } } }),
        responses: { ...written, ...errors(400, 401, 403, 404, 409, 503) },
      },
    },
  };
}
