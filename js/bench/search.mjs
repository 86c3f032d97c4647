// Content search in wasm under Node: the core's `search::traces_matching`
// through the package's full wasm (`Core.searchTraces`), over the 50,000
// observations the core benchmark wrote, for the same queries it timed
// natively. The package does not expose search yet, so the wasm-bindgen
// glue the package loads is imported directly (the same module instance:
// importing the package first initialises it).
import { readFileSync } from "node:fs";
import "prompttrace";

const { Core } = await import(new URL("./wasm-full/prompttrace_full.js", import.meta.resolve("prompttrace")));

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const file = process.env.PROMPTTRACE_SEARCH_FILE;
if (!file) throw new Error("PROMPTTRACE_SEARCH_FILE names the store the core benchmark wrote");
const core = new Core();
const report = core.importText("search-50k.jsonl", readFileSync(file, "utf8"));
// The core benchmark's QUERIES, in its order.
const queries = [
  ["zeppelin", "in no trace: every byte is read"],
  ["Invoice 4417", "in one tool result of 5 traces"],
  ["東京リージョン", "Japanese, in every Japanese trace"],
  ["смена ключа", "Russian, in escaped and plain text"],
];
console.log(
  `\ncontent search in wasm over ${report.observations} observations in ${report.traces} traces (target < 300 ms):`,
);
for (const [query, what] of queries) {
  let found = [];
  const times = [0, 1, 2, 3, 4].map(() => {
    const started = process.hrtime.bigint();
    found = core.searchTraces(query);
    return Number(process.hrtime.bigint() - started) / 1e6;
  });
  const ms = median(times);
  console.log(
    `  ${JSON.stringify(query)} (${what}): ${ms.toFixed(1)} ms, ${found.length} traces (${ms < 300 ? "meets" : "misses"} the target)`,
  );
}
