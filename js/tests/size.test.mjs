// What a browser app ships to record: the Vite production build of
// record-only/ (a trace with spans and generations, persisted to IndexedDB),
// weighed as a server sends it (gzip). Start-up is what the page loads
// before any code runs: its entry chunk and the chunks that imports,
// statically. What loads on first use (dynamic imports) is weighed apart.
// Expects `vite build record-only --manifest` to have written
// record-only/dist (cargo xtask test does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

/** Issue 15's budget for start-up JS and wasm, gzipped: not met yet; the gap is printed with the weights. */
const BUDGET = 150 * 1024;
/**
 * What start-up weighs now (~150 KB gzipped: the record-only wasm is ~302
 * KB; reading stored records, the OpenAI client's calls, the summary and
 * file storage are the full core's, and the OTLP sender and localStorage's
 * saves load apart), with a little room: a change that makes it heavier
 * fails here. Lower it as it shrinks.
 */
const CEILING = 153 * 1024;

const dist = new URL("./record-only/dist/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL(".vite/manifest.json", dist), "utf8"));

/** The chunks `keys` reach through `field` ("imports": at start; "dynamicImports": on first use), each once. */
function reach(keys, field, seen = new Set()) {
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    reach(manifest[key][field] ?? [], "imports", seen);
  }
  return seen;
}

function gz(key) {
  const file = manifest[key].file;
  const bytes = readFileSync(new URL(file, dist));
  return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function report(title, chunks) {
  const total = chunks.reduce((sum, c) => sum + c.gzip, 0);
  console.log(`${title}: ${kb(total)} gzipped`);
  for (const c of chunks) console.log(`  ${c.file}: ${kb(c.bytes)}, ${kb(c.gzip)} gzipped`);
  return total;
}

const entries = Object.keys(manifest).filter((key) => manifest[key].isEntry);
const start = reach(entries, "imports");
const lazy = [...reach([...start].flatMap((key) => manifest[key].dynamicImports ?? []), "imports")].filter((key) => !start.has(key));
const startTotal = report("start-up", [...start].map(gz));
report("loaded on first use", lazy.map(gz));
/** Where start-up stands against issue 15's budget, one line. */
const budgetGap =
  startTotal <= BUDGET
    ? `budget (issue 15): start-up ${kb(startTotal)} gzipped is within ${kb(BUDGET)} (${kb(BUDGET - startTotal)} to spare)`
    : `budget (issue 15): start-up ${kb(startTotal)} gzipped is ${kb(startTotal - BUDGET)} OVER the ${kb(BUDGET)} budget (ceiling ${kb(CEILING)})`;
console.log(budgetGap);

test("a record-only page loads the record-only core at start and the full core only as a chunk of its own, no heavier than it was", () => {
  assert.equal(entries.length, 1, `one entry, not ${entries}`);
  assert.ok(lazy.length > 0, "the full core is a chunk of its own, loaded on first use");
  assert.ok(startTotal <= CEILING, `start-up is ${kb(startTotal)} gzipped, heavier than the ${kb(CEILING)} it was`);
});
