// `npx prompttrace view`: the package's size (the tarball, and what it
// ships beside the recording code: the viewer), and the time from an
// append to its row in the open page. An app in this process records into
// `storage: { file }`; headless Chromium shows `view FILE`. The time is
// from the write's return (the record is in the file) to the row drawn;
// it includes the server's poll (every 150 ms), so about half a poll on
// average is waiting for the next stat.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { Tracer } from "prompttrace";

const ROUNDS = 30;
const tarball = process.env.PROMPTTRACE_TARBALL;

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const folderSize = (dir) => readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
const installed = new URL("./node_modules/prompttrace/", import.meta.url).pathname;
console.log(`tarball (gzipped): ${kb(statSync(tarball).size)}`);
console.log(
  `  unpacked: viewer/ ${kb(folderSize(join(installed, "viewer")))}, wasm/ ${kb(folderSize(join(installed, "wasm")))} (the record-only core, inlined), wasm-full/ ${kb(folderSize(join(installed, "wasm-full")))} (the full core, file and inlined), wasm-cli/ ${kb(folderSize(join(installed, "wasm-cli")))} (the bin's commands)`,
);

const server = createServer().listen(0, "127.0.0.1");
await once(server, "listening");
const { port } = server.address();
server.close();

const dir = mkdtempSync(join(tmpdir(), "prompttrace-view-bench-"));
const file = join(dir, "traces.jsonl");
const tracer = new Tracer({ storage: { file }, onError: (error) => console.error(error.message) });
tracer.trace({ name: "warm-up" }).complete();
await tracer.flush();

const view = spawn("npx", ["--no-install", "prompttrace", "view", file, "--no-open", "--port", String(port)], {
  stdio: ["ignore", "pipe", "inherit"],
  detached: true,
});
await new Promise((resolve) => view.stdout.on("data", (chunk) => String(chunk).includes("prompttrace viewer:") && resolve()));
const profile = mkdtempSync(join(tmpdir(), "prompttrace-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${port}/?page=traces`);
  await page.waitForSelector("[data-testid=traces] a:text-is('warm-up')");
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const name = `append-${i}`;
    const shown = page.waitForFunction(
      (name) => [...document.querySelectorAll("[data-testid=traces] tbody a")].some((a) => a.textContent === name),
      name,
      { polling: "raf", timeout: 10_000 },
    );
    tracer.trace({ name }).complete();
    await tracer.flush();
    const written = performance.now();
    await shown;
    times.push(performance.now() - written);
    // Not in step with the server's poll.
    await new Promise((resolve) => setTimeout(resolve, 37 + Math.random() * 100));
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(0);
  console.log(`append → row in the page (${ROUNDS} appends): median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms (goal: within 1 s)`);
} finally {
  await context.close();
  process.kill(-view.pid, "SIGINT");
  rmSync(profile, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
