#!/usr/bin/env node
// @foundry-rs/forge lists optional platform packages (forge-darwin-amd64, forge-linux-arm64)
// that the npm registry does not serve. npm install then leaves them out of package-lock.json
// and `npm ci` refuses the lock as "out of sync". Recording them as optional entries for their
// own os/cpu makes `npm ci` skip them on every other platform, as it does for the ones that exist.
// Run after any `npm install`: node scripts/fix-lockfile.js
const fs = require("node:fs");
const path = require("node:path");

const lockPath = path.join(__dirname, "..", "package-lock.json");
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
const platforms = { "darwin-amd64": ["darwin", "x64"], "linux-arm64": ["linux", "arm64"] };
let added = 0;
const forge = lock.packages["node_modules/@foundry-rs/forge"];
for (const [suffix, [os, cpu]] of Object.entries(platforms)) {
  const key = `node_modules/@foundry-rs/forge-${suffix}`;
  if (!forge || lock.packages[key]) continue;
  lock.packages[key] = { version: forge.version, cpu: [cpu], dev: true, license: "MIT OR Apache-2.0", optional: true, os: [os] };
  added++;
}
if (added) {
  const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
  lock.packages = sorted;
  fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
}
console.log(added ? `package-lock.json: recorded ${added} unpublished optional forge platform package(s)` : "package-lock.json: nothing to fix");
