// Node entry: loads the wasm core synchronously from the package folder
// and makes `observe` follow async calls through AsyncLocalStorage; file
// storage and `fromFile` paths use node:fs.

import * as fs from "node:fs";
import { readFile } from "node:fs/promises";
import { AsyncLocalStorage } from "node:async_hooks";
import { initSync } from "./wasm/prompttrace_js.js";
import { useContext } from "./context.mjs";
import type { Scope } from "./context.mjs";
import { useFileReader } from "./files.mjs";
import { useFileSystem } from "./storage-file.mjs";

initSync({ module: fs.readFileSync(new URL("./wasm/prompttrace_js_bg.wasm", import.meta.url)) });

const storage = new AsyncLocalStorage<Scope>();
useContext({ current: () => storage.getStore(), run: (value, fn) => storage.run(value, fn) });
useFileReader((path) => readFile(path)); // bytes: no UTF-8 decode and re-encode
useFileSystem(fs); // storage: { file }

export * from "./index.mjs";
