// The full wasm core for browsers, inlined in a module of its own:
// the browser entry imports this module dynamically, on first use of what
// the record-only core lacks, so bundlers emit it as a separate chunk that
// is not fetched at start.

import { Core, initSync } from "./wasm-full/prompttrace_full.js";
import bytes from "./wasm-full/inline.mjs";

initSync({ module: bytes() });

export { Core };
