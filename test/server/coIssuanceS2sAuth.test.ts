/** The server-to-server MAC (server/coissue/s2sAuth.ts): what it binds, and what it refuses. */
import { expect } from "chai";
import { checkS2sRequest, s2sHeaders, S2S_MAX_SKEW_SECONDS } from "../../server/coissue/s2sAuth";

describe("co-issuance server-to-server authentication", () => {
  const secret = new Uint8Array(32).fill(1);
  const now = 1_800_000_000;
  const body = Buffer.from('{"proposalId":"p"}');
  const secretOf = (id: string) => (id === "p" ? secret : undefined);
  const headers = (over: Record<string, string> = {}, at = now) => ({ ...s2sHeaders(secret, "p", "POST", "/api/v1/co-issuance/s2s/sign", body.toString(), at), ...over });

  it("accepts the request it signed, naming the partnership and the nonce", () => {
    const h = headers();
    expect(checkS2sRequest(h, "POST", "/api/v1/co-issuance/s2s/sign", body, now, secretOf)).to.deep.equal({ ok: true, proposalId: "p", nonce: h["x-credanchor-nonce"] });
  });

  it("binds the method, the path and the body", () => {
    expect(checkS2sRequest(headers(), "POST", "/api/v1/co-issuance/s2s/anchored", body, now, secretOf)).to.deep.equal({ ok: false, reason: "the request signature does not verify" });
    expect(checkS2sRequest(headers(), "PUT", "/api/v1/co-issuance/s2s/sign", body, now, secretOf)).to.deep.equal({ ok: false, reason: "the request signature does not verify" });
    expect(checkS2sRequest(headers(), "POST", "/api/v1/co-issuance/s2s/sign", Buffer.from('{"proposalId":"q"}'), now, secretOf)).to.deep.equal({ ok: false, reason: "the request signature does not verify" });
  });

  it("refuses a timestamp outside the window, an unknown partnership and malformed headers", () => {
    const late = checkS2sRequest(headers({}, now - S2S_MAX_SKEW_SECONDS - 1), "POST", "/api/v1/co-issuance/s2s/sign", body, now, secretOf);
    expect(late.ok).to.equal(false);
    expect((late as { reason: string }).reason).to.contain("more than 300 s");
    expect(checkS2sRequest(headers({}, now + S2S_MAX_SKEW_SECONDS), "POST", "/api/v1/co-issuance/s2s/sign", body, now, secretOf).ok).to.equal(true);
    expect(checkS2sRequest(headers({ "x-credanchor-partnership": "q" }), "POST", "/api/v1/co-issuance/s2s/sign", body, now, secretOf)).to.deep.equal({ ok: false, reason: "unknown partnership" });
    expect(checkS2sRequest(headers({ "x-credanchor-nonce": "short" }), "POST", "/api/v1/co-issuance/s2s/sign", body, now, secretOf).ok).to.equal(false);
    expect(checkS2sRequest(headers({ "x-credanchor-signature": "zz" }), "POST", "/api/v1/co-issuance/s2s/sign", body, now, secretOf).ok).to.equal(false);
    expect(checkS2sRequest(headers({ "x-credanchor-timestamp": "1e9" }), "POST", "/api/v1/co-issuance/s2s/sign", body, now, secretOf).ok).to.equal(false);
    const { ["x-credanchor-nonce"]: _dropped, ...missing } = headers();
    expect(checkS2sRequest(missing, "POST", "/api/v1/co-issuance/s2s/sign", body, now, secretOf).ok).to.equal(false);
  });

  it("gives every request a fresh nonce", () => {
    expect(headers()["x-credanchor-nonce"]).not.to.equal(headers()["x-credanchor-nonce"]);
  });
});
