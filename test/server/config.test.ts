import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { loadConfig } from "../../server/config";
import { browserVerifyConfig } from "../../server/routes/learner/deps";

describe("server configuration", () => {
  let dataDir: string;
  beforeEach(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-config-"))));

  it("defaults to the local setup: port 3000, chain port 8545, one confirmation, PUBLIC_URL from the port", () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).to.include({ port: 3000, chainPort: 8545, rpcUrl: undefined, network: "localhost", confirmations: 1, publicUrl: "http://127.0.0.1:3000" });
  });

  it("generates the admin key and the key encryption secret once, 0600, and finds them again", () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(first.adminApiKeyGenerated).to.equal(true);
    expect(first.warnings.join(" ")).to.match(/KEY_ENCRYPTION_SECRET is not set/);
    for (const file of ["admin-api-key", "key-encryption-secret"]) {
      expect(fs.statSync(path.join(dataDir, file)).mode & 0o777).to.equal(0o600);
    }
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.adminApiKeyGenerated).to.equal(false);
    expect(second.adminApiKey).to.equal(first.adminApiKey);
    expect(second.keyEncryptionSecret).to.equal(first.keyEncryptionSecret);
  });

  it("takes secrets from the environment without writing them anywhere", () => {
    const config = loadConfig({ DATA_DIR: dataDir, ADMIN_API_KEY: "admin-from-env", KEY_ENCRYPTION_SECRET: "secret-from-env" });
    expect(config.adminApiKey).to.equal("admin-from-env");
    expect(config.warnings).to.deep.equal([]);
    expect(fs.readdirSync(dataDir)).to.deep.equal([]);
  });

  it("gives browsers PUBLIC_RPC_URL, the embedded chain's URL without it, and never a configured RPC_URL", () => {
    const chain = { registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", chainId: 31337, isLocal: false } as never;
    const remote = { DATA_DIR: dataDir, RPC_URL: "https://rpc.example/v2/secret-api-key", OPERATOR_PRIVATE_KEY: `0x${"11".repeat(32)}` };
    const pages = (env: Record<string, string>) => browserVerifyConfig({ config: loadConfig(env), chain } as never).rpcUrl;
    expect(pages(remote)).to.equal(undefined);
    expect(pages({ ...remote, PUBLIC_RPC_URL: "https://public-rpc.example" })).to.equal("https://public-rpc.example");
    expect(pages({ DATA_DIR: dataDir, CHAIN_PORT: "9545" })).to.equal("http://127.0.0.1:9545");
    expect(() => loadConfig({ DATA_DIR: dataDir, PUBLIC_RPC_URL: "ws://rpc.example" })).to.throw(/PUBLIC_RPC_URL must be an http\(s\) URL/);
  });

  it("names the variable and the rule when a value is wrong", () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, PORT: "http" })).to.throw(/PORT must be an integer from 0 to 65535/);
    expect(() => loadConfig({ DATA_DIR: dataDir, CONFIRMATIONS: "0" })).to.throw(/CONFIRMATIONS must be an integer from 1/);
    expect(() => loadConfig({ DATA_DIR: dataDir, RPC_URL: "http://rpc.example" })).to.throw(/OPERATOR_PRIVATE_KEY/);
    expect(() => loadConfig({ DATA_DIR: dataDir, OPERATOR_PRIVATE_KEY: "0x1234" })).to.throw(/OPERATOR_PRIVATE_KEY must be 0x followed by 64 hex digits/);
  });

  it("calls co-issuance partners on public hosts only unless COISSUE_ALLOW_PRIVATE_PARTNERS opts in, also on the embedded chain", () => {
    expect(loadConfig({ DATA_DIR: dataDir }).coissuePartners).to.deep.equal({ allowPrivate: false, timeoutMs: 15_000, maxBytes: 16 * 1024 * 1024 });
    const remote = { DATA_DIR: dataDir, RPC_URL: "https://rpc.example", OPERATOR_PRIVATE_KEY: `0x${"11".repeat(32)}` };
    expect(loadConfig(remote).coissuePartners.allowPrivate).to.equal(false);
    expect(loadConfig({ DATA_DIR: dataDir, COISSUE_ALLOW_PRIVATE_PARTNERS: "true", COISSUE_PARTNER_TIMEOUT_MS: "2000", COISSUE_PARTNER_MAX_BYTES: "65536" }).coissuePartners)
      .to.deep.equal({ allowPrivate: true, timeoutMs: 2000, maxBytes: 65536 });
    expect(loadConfig({ DATA_DIR: dataDir, COISSUE_ALLOW_PRIVATE_PARTNERS: "1" }).coissuePartners.allowPrivate).to.equal(true);
    expect(() => loadConfig({ DATA_DIR: dataDir, COISSUE_ALLOW_PRIVATE_PARTNERS: "yes" })).to.throw(/COISSUE_ALLOW_PRIVATE_PARTNERS must be 1 or 0 \(true or false\)/);
    expect(() => loadConfig({ DATA_DIR: dataDir, COISSUE_PARTNER_TIMEOUT_MS: "0" })).to.throw(/COISSUE_PARTNER_TIMEOUT_MS must be an integer from 100/);
    expect(() => loadConfig({ DATA_DIR: dataDir, COISSUE_PARTNER_MAX_BYTES: "10" })).to.throw(/COISSUE_PARTNER_MAX_BYTES must be an integer from 1024/);
  });

  it("lets two instances run side by side with their own port, data and chain port", () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "credanchor-config-"));
    const a = loadConfig({ DATA_DIR: dataDir, PORT: "3001", CHAIN_PORT: "8601" });
    const b = loadConfig({ DATA_DIR: other, PORT: "3002", CHAIN_PORT: "8602" });
    expect([a.port, a.chainPort, a.publicUrl]).to.deep.equal([3001, 8601, "http://127.0.0.1:3001"]);
    expect([b.port, b.chainPort, b.publicUrl]).to.deep.equal([3002, 8602, "http://127.0.0.1:3002"]);
    expect(a.adminApiKey).to.not.equal(b.adminApiKey);
  });
});
