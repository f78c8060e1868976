import fs from "node:fs";
import { expect } from "chai";
import { ABI_FILE, renderAbiModule } from "../../scripts/export-abi";

describe("registry ABI for the core", () => {
  // `hardhat test` compiles first, so the artifact is the contract as it is now.
  it("keeps core/chain/registryAbi.ts equal to what scripts/export-abi.ts renders from the compiled contract", () => {
    expect(fs.readFileSync(ABI_FILE, "utf8")).to.equal(
      renderAbiModule(),
      "core/chain/registryAbi.ts is stale: run `npx hardhat compile && npx ts-node scripts/export-abi.ts`"
    );
  });
});
