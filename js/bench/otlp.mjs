// OTLP/JSON import in wasm under Node, in a process of its own (so the
// first import is a fresh process's, as an app meets it): the 50,000-span
// file the core benchmark wrote, against V8's JSON.parse of the same text.
import { readFileSync } from "node:fs";
import { Tracer } from "prompttrace";

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const otlpFile = process.env.PROMPTTRACE_OTLP_FILE;
if (otlpFile) {
  const text = readFileSync(otlpFile, "utf8");
  const mb = Buffer.byteLength(text) / 1e6;
  const time = (fn) => {
    const started = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  const rssBefore = process.memoryUsage().rss;
  // The first import grows the wasm heap from empty (cold); later ones reuse
  // it (warm: clear() keeps the heap).
  const t = new Tracer({ onError: (e) => console.error(e.message) });
  let report;
  const cold = time(() => (report = t.import(text, "otlp-50k.json")));
  const rssAfter = process.memoryUsage().rss;
  const warm = [0, 1, 2].map(() => {
    t.clear();
    return time(() => t.import(text, "otlp-50k.json"));
  });
  const bytes = readFileSync(otlpFile);
  const fromBytes = median(
    [0, 1, 2].map(() => {
      t.clear();
      return time(() => t.import(bytes, "otlp-50k.json"));
    }),
  );
  const parses = [0, 1, 2].map(() => time(() => JSON.parse(text)));
  const seconds = median(warm);
  const peer = median(parses);
  console.log(
    `\nOTLP/JSON import in wasm, ${mb.toFixed(1)} MB, ${report.observations} spans in ${report.traces} traces: ` +
      `${(mb / seconds).toFixed(0)} MB/s warm (${(report.observations / seconds).toFixed(0)} spans/s; target ≥ 150 MB/s), ` +
      `${(mb / cold).toFixed(0)} MB/s cold (first import in a fresh process), ${(mb / fromBytes).toFixed(0)} MB/s warm from bytes (fromFile's path); ` +
      `JSON.parse ${(mb / peer).toFixed(0)} MB/s (ratio ${(peer / seconds).toFixed(2)}x); ` +
      `resident memory ${(rssBefore / 1e6).toFixed(0)} → ${(rssAfter / 1e6).toFixed(0)} MB after the first import`,
  );
}
