// Browser and bundler entry: the wasm core is inlined (base64), so the
// package works with any bundler or none, with no asset to serve and a
// synchronous `new Tracer()`. `observe` nests along the call stack here.

import { initSync } from "./wasm/prompttrace_js.js";
import wasm from "./wasm/inline.mjs";

const bytes = Uint8Array.from(atob(wasm), (c) => c.charCodeAt(0));
initSync({ module: bytes });

export * from "./index.mjs";
