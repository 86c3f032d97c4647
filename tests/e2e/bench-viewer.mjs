// `cargo xtask bench` for the viewer: time from dropping a generated file to
// the sessions table rendered, and to a trace's detail rendered, for 1k, 10k
// and 50k observations, in headless Chromium; and the .wasm size. Figures,
// not a test.
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

function file(observations, perTrace = 100) {
  const base = Date.parse("2024-05-01T12:00:00Z");
  const iso = (ms) => new Date(base + ms).toISOString();
  const traces = [];
  const obs = [];
  for (let t = 0; t < observations / perTrace; t++) {
    const start = t * 60_000;
    traces.push({ id: `t${t}`, name: `workflow-${t % 7}`, session_id: `s${Math.floor(t / 10)}`, status: "completed",
      started_at: iso(start), ended_at: iso(start + perTrace * 10 + 50), input: "How do I rotate an API key?" });
    for (let o = 0; o < perTrace; o++) {
      const generation = o % 4 === 3;
      obs.push({ id: `t${t}o${o}`, trace_id: `t${t}`, parent_id: o === 0 ? undefined : o % 10 === 0 ? `t${t}o0` : `t${t}o${o - 1}`,
        name: generation ? "llm_call" : "step", type: generation ? "generation" : "span", status: "completed",
        started_at: iso(start + o * 10), ended_at: iso(start + o * 10 + 8), model: generation ? "gpt-4o-mini" : undefined,
        usage: generation ? { input: 400, output: 60 } : undefined, output: generation ? "Open Settings, then API keys." : undefined });
    }
  }
  return JSON.stringify({ format: "prompttrace", version: 1, traces, observations: obs });
}

const viewer = await Viewer.open();
const page = viewer.page;
console.log("viewer: drop → rendered (headless Chromium, this machine)");
for (const n of [1_000, 10_000, 50_000]) {
  const text = file(n);
  await viewer.goto("?page=storage");
  await page.click("[data-testid=clear]");
  await viewer.goto("?page=sessions");
  const started = Date.now();
  await viewer.dropFile(`bench-${n}.json`, text, { wait: false });
  await page.waitForFunction((count) => document.querySelectorAll("[data-testid=sessions] tbody tr").length === count,
    Math.ceil(n / 100 / 10), { timeout: 300_000 });
  const toSessions = Date.now() - started;
  // Again on the page of the first trace, from an empty store: drop → its tree.
  await viewer.idle();
  await viewer.goto("?page=storage");
  await page.click("[data-testid=clear]");
  await viewer.goto("?page=trace&id=t0");
  const detailStarted = Date.now();
  await viewer.dropFile(`bench-${n}.json`, text, { wait: false });
  await page.waitForSelector("[data-testid=timeline-row]", { timeout: 300_000 });
  const toDetail = Date.now() - detailStarted;
  await viewer.idle();
  console.log(`  ${String(n).padStart(6)} observations (${(text.length / 1e6).toFixed(1)} MB): drop → sessions table ${toSessions} ms; drop → trace detail ${toDetail} ms`);
}
await viewer.close();

const dist = join(repo, "dist");
const size = (prefix) => {
  const bytes = readFileSync(join(dist, readdirSync(dist).find((f) => f.startsWith(prefix) && f.endsWith(".wasm"))));
  return `${(bytes.length / 1024).toFixed(0)} KB, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(0)} KB gzipped`;
};
console.log(`viewer .wasm: ${size("prompttrace-web-")} (target ≤ 600 KB); the import worker's, loaded on the first import: ${size("prompttrace-import")}`);
