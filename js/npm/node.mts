// Node entry: loads the full wasm core synchronously from the package
// folder (every API is synchronous here; size does not matter), makes
// `observe` follow async calls through AsyncLocalStorage; file storage and
// `fromFile` paths use node:fs.

import * as fs from "node:fs";
import { readFile } from "node:fs/promises";
import { AsyncLocalStorage } from "node:async_hooks";
import { Core, initSync } from "./wasm-full/prompttrace_full.js";
import { useCores } from "./cores.mjs";
import { useContext } from "./context.mjs";
import type { Scope } from "./context.mjs";
import { useFileReader } from "./files.mjs";
import { useFileSystem } from "./storage-file.mjs";

initSync({ module: fs.readFileSync(new URL("./wasm-full/prompttrace_full_bg.wasm", import.meta.url)) });
useCores(Core, Core);

const storage = new AsyncLocalStorage<Scope>();
useContext({ current: () => storage.getStore(), run: (value, fn) => storage.run(value, fn) });
useFileReader((path) => readFile(path)); // bytes: no UTF-8 decode and re-encode
useFileSystem(fs); // storage: { file }

export * from "./index.mjs";
