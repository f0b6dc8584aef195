// bad: node: prefix import
import { createHash } from "node:crypto";
// bad: bare builtin name
import path from "path";
// bad: require
const { Buffer } = require("buffer");
// bad: dynamic import
export async function load() { return import("node:fs/promises"); }
// bad: re-export
export { EventEmitter } from "events";
export { createHash, path, Buffer };
