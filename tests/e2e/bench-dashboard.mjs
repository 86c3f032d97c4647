// `cargo xtask bench` for the dashboard: 100,000 stored traces (index rows
// copied from the rows the viewer wrote for a real SDK file, with fresh ids
// and times spread over 30 days), then the time from opening the dashboard
// to its totals shown, and from typing a filter to the totals changed, in
// headless Chromium. The dashboard reads rows only, so records are not
// written. Figures, not a test.
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

const ROWS = Number(process.env.PROMPTTRACE_DASHBOARD_ROWS ?? 100_000);
const count = (n) => n.toLocaleString("en-US");

const viewer = await Viewer.open();
const page = viewer.page;
try {
  await viewer.goto("?page=storage");
  await viewer.loadFiles([join(repo, "tests/fixtures/interop/otel-js-genai.json")]);
  // The stored rows, copied until there are ROWS of them.
  const written = await page.evaluate((rows) => new Promise((resolve, reject) => {
    const open = indexedDB.open("prompttrace");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const read = db.transaction("index").objectStore("index").getAll();
      read.onsuccess = () => {
        const models = read.result;
        const tx = db.transaction("index", "readwrite");
        const index = tx.objectStore("index");
        const start = Date.parse("2024-05-01T00:00:00Z");
        const month = 30 * 86_400_000;
        for (let i = 0; i < rows; i++) {
          const row = structuredClone(models[i % models.length]);
          const shift = start + Math.floor((i / rows) * month) - row.started_at;
          row.id = `bench-${i}`;
          row.name = `${row.name} ${i % 40}`;
          for (const key of ["started_at", "ended_at", "first_start", "last_end"]) if (row[key] !== null) row[key] += shift;
          index.put(row, row.id);
        }
        tx.oncomplete = () => { db.close(); resolve(rows); };
        tx.onerror = () => reject(tx.error);
      };
    };
  }), ROWS);
  console.log(`dashboard: ${count(written)} index rows (plus the fixture's), headless Chromium, this machine`);
  await viewer.goto("?page=sessions");
  const started = Date.now();
  await page.click("nav >> text=Dashboard");
  await page.waitForFunction(() => Number(document.querySelector("[data-testid=total-traces]")?.textContent.replace(/,/g, "")) > 1000,
    null, { timeout: 300_000 });
  console.log(`  open → totals shown: ${Date.now() - started} ms (${await page.textContent("[data-testid=total-traces]")} traces)`);
  const before = await page.textContent("[data-testid=total-traces]");
  const filtered = Date.now();
  await page.fill("[data-testid=dashboard-filters] input[aria-label=Name]", " 7");
  await page.waitForFunction((before) => document.querySelector("[data-testid=total-traces]")?.textContent !== before, before,
    { timeout: 300_000 });
  console.log(`  filter typed → totals changed: ${Date.now() - filtered} ms (${await page.textContent("[data-testid=total-traces]")} traces)`);
} finally {
  await viewer.close();
}
