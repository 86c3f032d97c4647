// Page object for the viewer: starts a static server on dist/ and a fresh
// headless Chromium, and names what a user sees and does.
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { bigTrace } from "./sample-traces.mjs";

export const repo = process.env.PROMPTTRACE_REPO ?? new URL("../../", import.meta.url).pathname;
const dist = join(repo, "dist");
export const screenshots = join(repo, "test-output", "screenshots");
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json",
  ".svg": "image/svg+xml" };

/** A static server on `root`; every answer is pushed to `served` as
 * [status, path] (the browser's own requests, such as its icon, never reach
 * the page's "response" events). */
function serve(root, served, worker) {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    const fixtures = join(repo, "tests/fixtures/traces");
    const file = path.startsWith("/demo/") ? join(fixtures, path.slice(6)) : join(root, path.endsWith("/") ? "index.html" : path);
    response.on("finish", () => served.push([response.statusCode, path]));
    if (path === "/blank") {
      // A page of the viewer's origin without the app: to set up its storage.
      response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>blank</title>");
      return;
    }
    try {
      let body = readFileSync(file);
      // A test's script runs in the import worker before the worker's own.
      if (/^\/import-worker-[0-9a-f]+\.js$/.test(path) && worker.prelude) body = `${worker.prelude}\n${body}`;
      if (worker.missing && path.startsWith("/prompttrace-import")) throw new Error("taken away by the test");
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "access-control-allow-origin": "*" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

export class Viewer {
  static async open() {
    const viewer = new Viewer();
    viewer.served = [];
    viewer.worker = { prelude: null };
    viewer.server = await serve(dist, viewer.served, viewer.worker);
    viewer.base = `http://127.0.0.1:${viewer.server.address().port}/`;
    viewer.profile = mkdtempSync(join(tmpdir(), "prompttrace-viewer-"));
    viewer.context = await chromium.launchPersistentContext(viewer.profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    viewer.watch(viewer.context.pages()[0] ?? (await viewer.context.newPage()));
    mkdirSync(screenshots, { recursive: true });
    return viewer;
  }

  /** Runs `script` (a function) in every import worker started from now
   * on, before the worker's own code: to make its IndexedDB refuse
   * writes, or the worker die, as a full disk or a wasm trap would. */
  inWorker(script, ...args) {
    this.worker.prelude = script ? `(${script})(...${JSON.stringify(args)});` : null;
  }

  watch(page) {
    this.page = page;
    this.pageErrors = [];
    page.on("pageerror", (error) => this.pageErrors.push(error.message));
    this.dialogs = [];
    page.on("dialog", async (dialog) => {
      this.dialogs.push(dialog.message());
      await dialog.dismiss();
    });
  }

  /** Another tab of the same browser (same profile, same storage); close
   * it with `closeTab`, the browser with the first viewer's `close`. */
  async newTab() {
    const tab = Object.create(Viewer.prototype);
    Object.assign(tab, { served: this.served, worker: this.worker, server: this.server, base: this.base, profile: this.profile, context: this.context });
    tab.watch(await this.context.newPage());
    return tab;
  }

  async closeTab() {
    await this.page.close();
  }

  async close() {
    await this.context.close();
    this.server.close();
    rmSync(this.profile, { recursive: true, force: true });
  }

  async goto(query = "") {
    // Leaving a page mid-save would lose the save; a user sees "Saving…".
    if (this.page.url().startsWith(this.base)) await this.idle();
    await this.page.goto(`${this.base}${query}`);
    await this.page.waitForSelector("main", { timeout: 30_000 });
    await this.idle();
  }

  /** Waits until no import, fetch or save is under way. */
  async idle() {
    await this.page.waitForFunction(
      () => !document.querySelector("[data-testid=progress], [data-testid=saving]"), null, { timeout: 60_000 });
  }

  async sessionRows() {
    await this.page.waitForSelector("[data-testid=sessions] tbody tr", { timeout: 30_000 });
    return this.page.$$eval("[data-testid=sessions] tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
  }

  async traceRows() {
    return this.page.$$eval("[data-testid=traces] tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
  }

  async loadFiles(paths) {
    await this.page.setInputFiles("[data-testid=file-input]", paths);
    await this.idle();
  }

  /** Drops a file on the page, as a user dragging it from the desktop;
   * waits for the import and save unless `wait` is false. */
  async dropFile(name, text, { wait = true } = {}) {
    await this.page.evaluate(([name, text]) => {
      const data = new DataTransfer();
      data.items.add(new File([text], name, { type: "application/json" }));
      const target = document.querySelector(".app");
      target.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, [name, text]);
    if (!wait) return;
    await this.page.waitForTimeout(100);
    await this.idle();
  }

  /** Drops a generated trace of `count` observations with id `id` (see
   * sample-traces.mjs) and checks that it loaded without errors. */
  async loadSampleTrace(id, count) {
    await this.goto("?page=storage");
    await this.dropFile(`${id}.json`, bigTrace(count, id));
    const errors = await this.errors();
    if (errors) throw new Error(`the sample trace was refused: ${errors}`);
  }

  /** The 60-step sample trace with step 12 selected and the timeline scrolled
   * 200 px, on a page short enough that a page scroll would show. */
  async openDeepTraceScrolled() {
    await this.loadSampleTrace("deep", 60);
    await this.page.setViewportSize({ width: 1400, height: 600 });
    await this.openTrace("deep", "o12");
    await this.waitForDetail("step 12");
    await this.scrollTimeline(200);
  }

  /** Empties the store (the Storage page's "Clear everything"). */
  async clearStorage() {
    await this.goto("?page=storage");
    await this.page.click("[data-testid=clear]");
    await this.page.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "0");
    await this.idle();
  }

  /** How many traces the Storage page counts, after a reload: what a
   * later visit finds. */
  async storedTraces() {
    await this.goto("?page=storage");
    return this.page.textContent("[data-testid=stored-traces]");
  }

  /** A blank page of the viewer's origin, without the app: its storage
   * can be set up before the app first runs. */
  async blank() {
    if (this.page.url().startsWith(this.base)) await this.idle().catch(() => {});
    await this.page.goto(`${this.base}blank`);
  }

  /** Writes the viewer's layout v1 store (database `prompttrace-viewer`,
   * one JSON Lines file under "store"), from a blank page of its origin. */
  async seedOldViewerStore(text) {
    await this.seedV1("prompttrace-viewer", "store", text);
  }

  /** Writes the npm package's layout v1 store (database `prompttrace`
   * version 1, object store `files`, one JSON Lines file per key). */
  async seedNpmV1Store(key, text) {
    await this.seedV1("prompttrace", key, text);
  }

  /** Puts `text` under `key` in the object store `files` of `database` at
   * version 1 (layout v1), before the app first runs. */
  async seedV1(database, key, text) {
    await this.blank();
    await this.page.evaluate(([database, key, text]) => new Promise((resolve, reject) => {
      const request = indexedDB.open(database, 1);
      request.onupgradeneeded = () => request.result.createObjectStore("files");
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const db = request.result;
        const transaction = db.transaction("files", "readwrite");
        transaction.objectStore("files").put(text, key);
        transaction.oncomplete = () => { db.close(); resolve(); };
        transaction.onerror = () => reject(transaction.error);
      };
    }), [database, key, text]);
  }

  /** What an IndexedDB object store holds, as sorted [key, value] pairs:
   * `store` of `database` ("prompttrace": traces, index, meta, files).
   * Empty when the database or the store does not exist. */
  async stored(store, database = "prompttrace") {
    return this.page.evaluate(([name, store]) => new Promise((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onupgradeneeded = () => request.transaction.abort(); // it does not exist: leave it so
      request.onerror = () => resolve([]);
      request.onsuccess = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(store)) { db.close(); resolve([]); return; }
        const objects = db.transaction(store).objectStore(store);
        const keys = objects.getAllKeys();
        const values = objects.getAll();
        values.onsuccess = () => {
          db.close();
          resolve(keys.result.map((key, i) => [key, values.result[i]]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
        };
        values.onerror = () => reject(values.error);
      };
    }), [database, store]);
  }

  /** The keys of an object store of the viewer's database, sorted. */
  async storedKeys(store = "traces") {
    return (await this.stored(store)).map(([key]) => key);
  }

  /** The names of this origin's IndexedDB databases, sorted. */
  async databases() {
    return this.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).sort());
  }

  async errors() {
    const banner = await this.page.$("[data-testid=errors]");
    return banner ? (await banner.textContent()).trim() : "";
  }

  /** Opens a trace page (and an observation) by its deep link. */
  async openTrace(id, obs) {
    await this.goto(`?page=trace&id=${encodeURIComponent(id)}${obs ? `&obs=${encodeURIComponent(obs)}` : ""}`);
    await this.page.waitForSelector("[data-testid=timeline-row]", { timeout: 30_000 });
  }

  /** The name of the observation in the detail panel, once it is `name`. */
  async waitForDetail(name) {
    await this.page.waitForFunction((name) => document.querySelector("[data-testid=detail-name]")?.textContent === name, name);
    return this.page.textContent("[data-testid=detail-name]");
  }

  /** Clicks the timeline row of the observation named `name`. */
  async clickRow(name) {
    await this.page.click(`[data-testid=timeline-row] .obs-name >> text="${name}"`);
  }

  /** Clicks the fold toggle of the row named `name`. */
  async toggleRow(name) {
    const row = this.page.locator("[data-testid=timeline-row]", { has: this.page.locator(`.obs-name >> text="${name}"`) });
    await row.locator(".toggle").click();
  }

  /** Scrolls the timeline's viewport (not the page) to `top` px. */
  async scrollTimeline(top) {
    await this.page.$eval("[data-testid=timeline] .viewport", (v, top) => { v.scrollTop = top; }, top);
    await this.page.waitForTimeout(50);
  }

  /** Tags the timeline element, so a later `timelineState` tells whether
   * it is still the same node. */
  async markTimeline() {
    await this.page.$eval("[data-testid=timeline]", (el) => { el.__marker = 1; });
  }

  /** What a rebuild, a history push or a page scroll would change. */
  async timelineState() {
    return this.page.evaluate(() => {
      const timeline = document.querySelector("[data-testid=timeline]");
      return {
        marker: timeline?.__marker,
        viewportTop: timeline?.querySelector(".viewport").scrollTop,
        history: history.length,
        pageY: window.scrollY,
        selected: document.querySelector("[data-testid=timeline-row].selected .obs-name")?.textContent,
      };
    });
  }

  /** The rows in the DOM as [top in px within the list, name], top first. */
  async rowPositions() {
    return this.page.$$eval("[data-testid=timeline-row]", (rows) => {
      const spacer = document.querySelector("[data-testid=timeline] .spacer").getBoundingClientRect().top;
      return rows.map((r) => [Math.round(r.getBoundingClientRect().top - spacer), r.querySelector(".obs-name").textContent])
        .sort((a, b) => a[0] - b[0]);
    });
  }

  /** Switches the theme with the header's toggle; returns the new one. */
  async toggleTheme() {
    const before = await this.page.evaluate(() => document.documentElement.dataset.theme);
    await this.page.click("header button.theme");
    await this.page.waitForFunction((before) => document.documentElement.dataset.theme !== before, before);
    return this.page.evaluate(() => document.documentElement.dataset.theme);
  }

  async screenshot(name) {
    await this.page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: false });
  }
}
