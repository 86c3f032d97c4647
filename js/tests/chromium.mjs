// Headless Chromium on a Vite build: a static server for one dist folder
// (which also takes POSTs, as an OTLP endpoint would, and keeps their
// bodies) and a fresh browser profile per run, as the browser tests use
// them.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };

function serve(dist, posts) {
  const server = createServer((request, response) => {
    if (request.method === "POST") {
      const chunks = [];
      request.on("data", (chunk) => chunks.push(chunk));
      request.on("end", () => {
        posts.push({ path: new URL(request.url, "http://x").pathname, body: Buffer.concat(chunks).toString("utf8") });
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
      return;
    }
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    const file = join(dist, path.endsWith("/") ? "index.html" : path);
    try {
      const body = readFileSync(file);
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/**
 * Runs `fn(page, base, errors, posts)` in headless Chromium with a fresh
 * profile, serving the built page in `dist`; `posts` holds what the page
 * POSTed (`{ path, body }`).
 */
export async function inChromium(dist, fn) {
  const posts = [];
  const server = await serve(dist, posts);
  const profile = mkdtempSync(join(tmpdir(), "prompttrace-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await fn(page, `http://127.0.0.1:${server.address().port}/`, errors, posts);
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Loads `?query` and returns what the page found (`window.result`), failing on its errors. */
export async function phase(page, base, query) {
  await page.goto(`${base}?${query}`);
  await page.waitForFunction(() => window.result, null, { timeout: 20_000 });
  const result = await page.evaluate(() => window.result);
  assert.equal(result.error, undefined, result.error);
  return result;
}
