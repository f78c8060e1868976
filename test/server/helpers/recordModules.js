// Preloaded with `node -r` into a server process: at exit, writes every module file the process
// loaded (require.cache) to $CREDANCHOR_RECORD_MODULES, one path a line. The runtime import
// graph test reads it to prove the server never loads a devDependency.
"use strict";
const fs = require("node:fs");
const target = process.env.CREDANCHOR_RECORD_MODULES;
if (target) {
  process.on("exit", () => {
    fs.writeFileSync(target, Object.keys(require.cache).join("\n"));
  });
}
