// Browser and bundler entry: the record-only wasm core is inlined (a string
// of one character per byte, see xtask/src/inline_wasm.rs), so the package
// works with any bundler or none, with no asset to serve and a synchronous
// `new Tracer()`. The full core (other formats' readers, OTLP, the
// summary) is a second inline module, imported on first use (cores.mts). `observe`
// nests along the call stack here.

import { Core, initSync } from "./wasm/prompttrace_js.js";
import bytes from "./wasm/inline.mjs";
import { useCores } from "./cores.mjs";

initSync({ module: bytes() });
useCores(Core, () => import("./full-core.mjs").then((full) => full.Core));

export * from "./index.mjs";
