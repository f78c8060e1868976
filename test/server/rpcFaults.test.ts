/**
 * The chain's RPC endpoint fails for a while (a real HTTP proxy in front of the node answers
 * 503): the worker records the error, counts it in /metrics, backs off, and anchors the batch
 * once the endpoint is back — once.
 */
import { expect } from "chai";
import { startTestChain, type TestChain } from "./helpers/chain";
import { eventually } from "../helpers/eventually";
import { startRpcProxy, type RpcProxy } from "../helpers/rpcProxy";
import { call, startTestServer, type TestServer } from "./helpers/server";

describe("anchoring server: RPC failures", function () {
  this.timeout(300_000);
  let chain: TestChain;
  let proxy: RpcProxy;
  let failing = false;
  let server: TestServer;

  before(async () => {
    chain = await startTestChain();
    proxy = await startRpcProxy(chain.rpcUrl, () => (failing ? { status: 503, text: "service unavailable" } : undefined));
    server = await startTestServer({ ...chain, rpcUrl: proxy.url });
  });

  after(async () => {
    await server?.close();
    await proxy?.close();
    await chain?.stop();
  });

  it("retries with backoff while the endpoint fails and anchors once it is back", async () => {
    const issuer = (await call(server.baseUrl, "POST", "/api/v1/issuers", { key: server.adminKey, body: { name: "Flaky Institute", url: "https://flaky.example" } })).body;
    const achievementId = (
      await call(server.baseUrl, "POST", "/api/v1/achievements", { key: issuer.apiKey, body: { name: "Grit", description: "Kept going", criteria: { narrative: "Kept going." } } })
    ).body.id;
    await call(server.baseUrl, "POST", "/api/v1/credentials", { key: issuer.apiKey, body: { achievementId, recipients: [{ email: "a@students.example" }, { email: "b@students.example" }] } });

    failing = true;
    const closed = await call(server.baseUrl, "POST", "/api/v1/batches/close", { key: issuer.apiKey });
    expect(closed.status, closed.text).to.equal(200);
    const failed = await eventually("the worker to record the RPC failure", async () => {
      const b = await call(server.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`);
      return b.body.lastError ? b.body : undefined;
    });
    expect(failed.state).to.equal("sealed");
    const metrics = await call(server.baseUrl, "GET", "/metrics");
    expect(Number(/^credanchor_rpc_errors_total (\d+)$/m.exec(metrics.text)![1])).to.be.greaterThan(0);
    expect((await call(server.baseUrl, "GET", "/readyz")).status).to.equal(503);

    failing = false;
    const confirmed = await eventually("the batch to be anchored once the endpoint is back", async () => {
      const b = await call(server.baseUrl, "GET", `/api/v1/batches/${closed.body.batchId}`);
      return b.body.state === "confirmed" ? b.body : undefined;
    });
    expect(confirmed.lastError).to.equal(null);
    expect(await chain.anchorEventCount(issuer.address, closed.body.root)).to.equal(1);
  });
});
