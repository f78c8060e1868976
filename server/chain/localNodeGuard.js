// Runs the local chain (anvil) as a child and stops it when the server goes away, even when
// the server is killed with SIGKILL: the server holds our stdin open, and its end (the
// server's death) is our signal. anvil writes its state file when it gets SIGTERM, so a killed
// server still leaves the chain's last state on disk. Plain JavaScript so it starts without ts-node.
"use strict";
const { spawn } = require("node:child_process");

const [executable, ...args] = process.argv.slice(2);
const chain = spawn(executable, args, { stdio: ["ignore", "inherit", "inherit"] });
const stop = () => {
  if (chain.exitCode === null && chain.signalCode === null) chain.kill("SIGTERM");
};
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
chain.on("error", (error) => {
  process.stderr.write(`cannot start ${executable}: ${error.message}\n`);
  process.exit(127);
});
chain.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 0)));
