// `npx prompttrace`, from the installed tarball: `view` serves the viewer
// the package ships and follows the files an app writes (headless
// Chromium sees new traces and late ends appear, pause and resume, a
// truncated file reloaded whole), refuses other hosts and paths; the other
// commands print what the Rust CLI prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const project = new URL(".", import.meta.url).pathname;
const fixtures = process.env.PROMPTTRACE_FIXTURES;
const screenshots = join(fixtures, "../../test-output/screenshots");

/** The page in light, then dark, as test-output/screenshots/NAME(-dark).png. */
async function shoot(page, name) {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
  await page.click("button.theme");
  await page.waitForSelector("html[data-theme=dark]");
  await page.screenshot({ path: join(screenshots, `${name}-dark.png`) });
  await page.click("button.theme");
  await page.waitForSelector("html[data-theme=light]");
}

/** A port free now (the bin is told it, as a user would with --port). */
async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  return port;
}

/** Lines a child prints, awaited one at a time. */
function lines(child) {
  const seen = [];
  const waiting = [];
  let buffer = "";
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const at = waiting.findIndex((w) => w.match(line));
      if (at >= 0) waiting.splice(at, 1)[0].resolve(line);
      else seen.push(line);
    }
  });
  return (match) => {
    const found = seen.findIndex(match);
    if (found >= 0) return Promise.resolve(seen.splice(found, 1)[0]);
    return new Promise((resolve, reject) => {
      waiting.push({ match, resolve });
      child.once("exit", (code) => reject(new Error(`the process exited (${code}) before printing the line awaited`)));
    });
  };
}

/** The app of live-writer.mjs: `await app.say("start a")` returns once "a" is in the file. */
function app(file) {
  const child = spawn(process.execPath, [join(project, "live-writer.mjs"), file], { cwd: project, stdio: ["pipe", "pipe", "inherit"] });
  const next = lines(child);
  return {
    say: async (command) => {
      const [verb, name] = command.split(" ");
      child.stdin.write(`${command}\n`);
      await next((line) => line === `${verb === "start" ? "started" : "ended"} ${name}`);
    },
    quit: async () => {
      child.stdin.end("quit\n");
      await once(child, "exit");
    },
  };
}

/** `npx prompttrace view ARGS --no-open --port P`, once it printed its address. */
async function viewer(args) {
  const port = await freePort();
  const child = spawn("npx", ["--no-install", "prompttrace", "view", ...args, "--no-open", "--port", String(port)], {
    cwd: project,
    stdio: ["ignore", "pipe", "inherit"],
    // Its own process group, which Ctrl-C (SIGINT to the group) stops.
    detached: true,
  });
  const line = await lines(child)((l) => l.startsWith("prompttrace viewer: "));
  const url = line.slice("prompttrace viewer: ".length);
  assert.equal(url, `http://127.0.0.1:${port}/`);
  return {
    url,
    port,
    stop: async () => {
      const exited = once(child, "exit");
      process.kill(-child.pid, "SIGINT");
      await exited;
    },
  };
}

async function inChromium(fn) {
  const profile = mkdtempSync(join(tmpdir(), "prompttrace-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await fn(page, errors);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The traces table's rows as "name status". */
const rows = (page) =>
  page.$$eval("[data-testid=traces] tbody tr", (trs) => trs.map((tr) => `${tr.cells[0].textContent} ${tr.cells[1].textContent}`).sort());

async function rowsBecome(page, expected) {
  await page
    .waitForFunction(
      (want) =>
        JSON.stringify([...document.querySelectorAll("[data-testid=traces] tbody tr")].map((tr) => `${tr.cells[0].textContent} ${tr.cells[1].textContent}`).sort()) ===
        JSON.stringify(want),
      [...expected].sort(),
      { timeout: 15_000 },
    )
    .catch(async () => assert.deepEqual(await rows(page), [...expected].sort()));
}

test("npx prompttrace view shows the traces an app writes, live: new traces and late ends, pause, a truncated file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "prompttrace-view-"));
  const file = join(dir, "traces.jsonl");
  const otlp = join(fixtures, "interop/ai-sdk-6.json");
  let writer = app(file);
  await writer.say("start first");
  await writer.say("end first");
  const view = await viewer([file, otlp]);
  try {
    await inChromium(async (page, errors) => {
      await page.goto(`${view.url}?page=traces`);
      // The JSON Lines file, and the OTLP file converted by the core.
      await rowsBecome(page, ["first completed", "POST /api/chat completed", "POST /api/chat/stream error"]);
      await page.waitForSelector("[data-testid=live][data-status=Live]");
      assert.match(await page.getAttribute("[data-testid=live]", "title"), /traces\.jsonl.*ai-sdk-6\.json/);

      await writer.say("start second");
      await rowsBecome(page, ["first completed", "second running", "POST /api/chat completed", "POST /api/chat/stream error"]);
      await shoot(page, "live-traces");
      await writer.say("end second");
      await rowsBecome(page, ["first completed", "second completed", "POST /api/chat completed", "POST /api/chat/stream error"]);
      // The late end reached the trace page too: the call and its answer.
      await page.click("[data-testid=traces] a:text-is('second')");
      await page.getByText("answer", { exact: true }).click();
      await page.getByText("answer second").first().waitFor();
      await shoot(page, "live-trace");

      // Paused: what arrives waits, and is applied on resume.
      await page.goto(`${view.url}?page=traces`);
      await rowsBecome(page, ["first completed", "second completed", "POST /api/chat completed", "POST /api/chat/stream error"]);
      await page.click("[data-testid=live-toggle]");
      await page.waitForSelector("[data-testid=live][data-status='Paused(0)']");
      await writer.say("start third");
      await page.waitForSelector("[data-testid=live][data-status='Paused(1)']");
      assert.ok(!(await rows(page)).includes("third running"), "nothing applied while paused");
      await page.click("[data-testid=live-toggle]");
      await rowsBecome(page, ["first completed", "second completed", "third running", "POST /api/chat completed", "POST /api/chat/stream error"]);

      // A file emptied (a new run) is read again whole: its old traces go.
      await writer.quit();
      truncateSync(file, 0);
      writer = app(file);
      await writer.say("start fourth");
      await rowsBecome(page, ["fourth running", "POST /api/chat completed", "POST /api/chat/stream error"]);
      await writer.quit();

      // Live traces are held by the page, never stored: a reload reads them from the files again.
      await page.reload();
      await rowsBecome(page, ["fourth running", "POST /api/chat completed", "POST /api/chat/stream error"]);

      // A file replaced (a new inode) is read again whole, and its traces stay listed.
      writeFileSync(`${file}.new`, readFileSync(join(fixtures, "traces/chat-session.jsonl")));
      renameSync(`${file}.new`, file);
      const replaced = ["greeting completed", "question_1 completed", "question_2 completed", "POST /api/chat completed", "POST /api/chat/stream error"];
      await rowsBecome(page, replaced);
      await page.waitForTimeout(500);
      assert.deepEqual(await rows(page), [...replaced].sort(), "still listed once storage was asked about them");
      assert.deepEqual(errors, []);
      const banner = await page.$("[data-testid=errors]");
      assert.equal(banner, null, banner && (await banner.textContent()));
    });
  } finally {
    await view.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("npx prompttrace view with no file follows the folder storage: \"file\" writes", async () => {
  const dir = mkdtempSync(join(project, "default-"));
  // The app and the viewer run from the same folder, as a user's would.
  const child = spawn(process.execPath, ["--input-type=module", "-e", `
    import { Tracer } from "prompttrace";
    const tracer = new Tracer({ storage: "file" });
    tracer.trace({ name: "by default" }).complete();
    await tracer.flush();`], { cwd: dir, stdio: "inherit" });
  assert.deepEqual(await once(child, "exit"), [0, null]);
  assert.deepEqual(readdirSync(join(dir, ".prompttrace")), ["traces.jsonl"]);
  const port = await freePort();
  const bin = spawn(join(project, "node_modules/.bin/prompttrace"), ["view", "--no-open", "--port", String(port)], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
  try {
    await lines(bin)((l) => l.startsWith("following .prompttrace/"));
    await inChromium(async (page) => {
      await page.goto(`http://localhost:${port}/?page=traces`);
      await rowsBecome(page, ["by default completed"]);
    });
  } finally {
    const exited = once(bin, "exit");
    bin.kill("SIGINT");
    assert.deepEqual(await exited, [0, null], "Ctrl-C stops the server cleanly");
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A raw request (no URL normalising), with the given Host. */
function get(port, path, host = `127.0.0.1:${port}`, method = "GET") {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers: { host } }, (response) => {
      const chunks = [];
      if (response.headers["content-type"]?.startsWith("text/event-stream")) {
        response.destroy();
        return resolve({ status: response.statusCode, headers: response.headers, body: "" });
      }
      response.on("data", (c) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("the view server refuses other hosts (DNS rebinding) and paths outside the viewer, and lets no other origin read", async () => {
  const dir = mkdtempSync(join(tmpdir(), "prompttrace-view-"));
  const file = join(dir, "traces.jsonl");
  writeFileSync(file, readFileSync(join(fixtures, "traces/chat-session.jsonl")));
  const view = await viewer([file]);
  try {
    const index = await get(view.port, "/");
    assert.equal(index.status, 200);
    assert.match(index.body, /<meta name="prompttrace-live" content="\/live">/);
    assert.match(index.body, /Content-Security-Policy/, "the viewer's CSP is served as built");
    assert.equal(index.headers["access-control-allow-origin"], undefined);
    assert.equal((await get(view.port, "/", `localhost:${view.port}`)).status, 200);
    assert.equal((await get(view.port, "/live")).status, 200);
    for (const host of ["evil.example", `evil.example:${view.port}`, "127.0.0.1", `127.0.0.1:${view.port + 1}`]) {
      const refused = await get(view.port, "/", host);
      assert.equal(refused.status, 403, host);
      assert.doesNotMatch(refused.body, /prompttrace-live/);
      assert.equal((await get(view.port, "/live", host)).status, 403, `${host} /live`);
    }
    for (const path of ["/../package.json", "/..%2fpackage.json", "/%2e%2e/package.json", "/viewer/../cli.mjs", "/..\\package.json"]) {
      assert.equal((await get(view.port, path)).status, 403, path);
    }
    // Not the package's files, not the trace file by path, no listing.
    for (const path of ["/package.json", "/cli.mjs", file, "/traces.jsonl", "/viewer/"]) {
      assert.equal((await get(view.port, path)).status, 404, path);
    }
    assert.equal((await get(view.port, "/", undefined, "POST")).status, 405);
  } finally {
    await view.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs a command with `npx prompttrace` and with the Rust CLI. */
function both(args, input) {
  const run = (command, argv) => {
    const result = spawnSync(command, argv, { cwd: project, input, encoding: "utf8" });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  return [run("npx", ["--no-install", "prompttrace", ...args]), run(process.env.PROMPTTRACE_CLI, args)];
}

test("npx prompttrace validate, summary, show, diff and convert print what the Rust CLI prints", () => {
  const chat = join(fixtures, "traces/chat-session.jsonl");
  const otlp = join(fixtures, "interop/ai-sdk-6.json");
  const dir = mkdtempSync(join(tmpdir(), "prompttrace-cli-"));
  const bad = join(dir, "bad.json");
  writeFileSync(bad, '{"format": "prompttrace", "version": 1, "traces": [{"id": 3}]}');
  const prices = join(dir, "prices.json");
  writeFileSync(prices, '{"gpt-4": {"input": 1, "output": 2}}');
  const traceId = JSON.parse(readFileSync(chat, "utf8").split("\n")[1]).trace.id;
  try {
    for (const args of [
      ["validate", chat, otlp],
      ["validate", chat, bad, join(dir, "missing.json"), dir],
      ["summary", chat, "--prices", chat],
      ["summary", chat, otlp],
      ["summary", "--json", chat],
      ["summary", chat, "--prices", prices],
      ["show", chat, traceId],
      ["show", chat, "no-such-trace"],
      ["diff", otlp, "29b234128478652a96dff4d4ebcb0345", "119f918b0cd4e4fd9e7801bfbc878d87"],
      ["diff", "--json", otlp, "29b234128478652a96dff4d4ebcb0345", "119f918b0cd4e4fd9e7801bfbc878d87"],
      ["convert", otlp, "--to", "jsonl"],
      ["convert", chat, "--to", "otlp"],
      ["summary", bad],
    ]) {
      const [js, rust] = both(args);
      assert.equal(js.stdout, rust.stdout, `stdout of ${args.join(" ")}`);
      assert.equal(js.stderr, rust.stderr, `stderr of ${args.join(" ")}`);
      assert.equal(js.status, rust.status, `exit status of ${args.join(" ")}`);
    }
    const [js, rust] = both(["summary", "-"], readFileSync(chat));
    assert.equal(js.stdout, rust.stdout, "standard input");
    const [jsTwice, rustTwice] = both(["validate", "-", "-"], readFileSync(chat));
    assert.deepEqual(jsTwice, rustTwice, "standard input is read once");
    // Help after a command, as clap's; bad usage: status 2, as clap's.
    assert.equal(both(["summary", "--help"])[0].status, 0);
    assert.equal(both(["convert", chat])[0].status, 2);
    assert.equal(both(["frobnicate"])[0].status, 2);
    const out = join(dir, "out.jsonl");
    const written = spawnSync("npx", ["--no-install", "prompttrace", "convert", otlp, "--to", "jsonl", "-o", out], { cwd: project });
    assert.equal(written.status, 0);
    assert.equal(readFileSync(out, "utf8"), both(["convert", otlp, "--to", "jsonl"])[1].stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
