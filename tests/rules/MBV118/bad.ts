// mbv-fixture: compatibility_flags=nodejs_compat
// bad: child_process is a stub even with nodejs_compat
import { execSync } from "node:child_process";
// bad: vm without the node: prefix
import vm from "vm";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function render(name: string) {
  // bad: __dirname is not defined in a Worker
  const template = readFileSync(join(__dirname, "templates", name), "utf8");
  return template + execSync("date") + vm.runInNewContext("1 + 1");
}

export function spawnWorker() {
  // bad: worker_threads through require
  const { Worker } = require("worker_threads");
  // bad: __filename
  return new Worker(__filename);
}
