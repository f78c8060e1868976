// Runs the local Hardhat node as a child and stops it when the server goes away, even when
// the server is killed with SIGKILL: the server holds our stdin open, and its end (the
// server's death) is our signal. Plain JavaScript so it starts without ts-node.
"use strict";
const { spawn } = require("node:child_process");

const [cli, ...args] = process.argv.slice(2);
const node = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "inherit", "inherit"] });
const stop = () => {
  if (node.exitCode === null) node.kill("SIGTERM");
};
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
node.on("exit", (code) => process.exit(code ?? 0));
