/**
 * An issuer whose on-chain onboarding failed when it was created (the chain down or busy) is
 * onboarded again by its next award, instead of refusing awards until the server restarts.
 */
import { expect } from "chai";
import { call, serverOnLocalChain } from "./helpers/server";

describe("an issuer left pending by a failed onboarding", function () {
  this.timeout(120_000);
  const local = serverOnLocalChain();

  /** An issuer whose onboarding failed (left pending), with an achievement to award and an award call. */
  async function pendingIssuer(name: string) {
    const { server } = local;
    const created = await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: `${name} U`, url: `https://${name.toLowerCase()}.example` } });
    expect(created.status, created.text).to.equal(201);
    server.store.setIssuerOnchainState(created.body.id, "pending");
    const achievement = await call(server.baseUrl, "POST", "/api/v1/achievements", {
      key: created.body.apiKey,
      body: { name, description: name, criteria: { narrative: `Was ${name.toLowerCase()}.` }, achievementType: "Course" },
    });
    const award = (email: string) => call(server.baseUrl, "POST", "/api/v1/credentials", { key: created.body.apiKey, body: { achievementId: achievement.body.id, recipients: [{ email }] } });
    return { issuerId: created.body.id as string, award };
  }

  it("is onboarded again by its next award, which then succeeds", async () => {
    const { server } = local;
    const { issuerId, award } = await pendingIssuer("Retried");
    const awarded = await award("r@x.example");
    expect(awarded.status, awarded.text).to.equal(201);
    expect(server.store.getIssuer(issuerId)!.onchainState).to.equal("registered");
  });

  it("answers two awards racing to onboard it again with 201 or a clear 409, never a 5xx, and keeps every credential it answered for", async () => {
    const { server } = local;
    const { issuerId, award } = await pendingIssuer("Raced");
    const answers = await Promise.all([award("one@x.example"), award("two@x.example")]);
    for (const answer of answers) {
      expect(answer.status, answer.text).to.be.oneOf([201, 409]);
      if (answer.status === 409) expect(answer.body.message).to.match(/not registered on chain yet/);
      else expect(server.store.getCredential(answer.body.credentials[0].id), "a credential answered 201 is stored").to.not.equal(undefined);
    }
    expect(answers.some((a) => a.status === 201), "at least one award gets through").to.equal(true);
    expect(server.store.getIssuer(issuerId)!.onchainState).to.equal("registered");
  });

  it("shares one onboarding between awards arriving together: all of them get through", async () => {
    const { server } = local;
    const { issuerId, award } = await pendingIssuer("Shared");
    // The chain's onboarding is counted, and slowed so that every award arrives while it runs.
    const chain = server.handle.context.chain;
    const original = chain.onboardIssuer.bind(chain);
    let onboardings = 0;
    chain.onboardIssuer = async (onboarding) => {
      onboardings++;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return original(onboarding);
    };
    try {
      const answers = await Promise.all(["a", "b", "c", "d"].map((n) => award(`${n}@x.example`)));
      expect(answers.map((a) => a.status)).to.deep.equal([201, 201, 201, 201]);
      expect(onboardings, "one onboarding shared by the four awards").to.equal(1);
      expect(server.store.getIssuer(issuerId)!.onchainState).to.equal("registered");
    } finally {
      chain.onboardIssuer = original;
    }
  });
});
