// `npx prompttrace view`: a static server for the viewer this package ships
// (`viewer/`, the same `dist/` as `cargo xtask serve`, its CSP unchanged),
// and one event stream (`/live`, server-sent events) that follows the named
// trace files (`live-files.mts`). Safe by default:
// - it listens on 127.0.0.1 only;
// - it serves the viewer's own files, found by exact name in a table made
//   at start (no directory listing, no path is ever joined to a folder),
//   and the named trace files only through the event stream;
// - a request whose Host is not 127.0.0.1:PORT or localhost:PORT gets 403
//   (DNS rebinding: another site's page resolving its name to 127.0.0.1);
// - no Access-Control-Allow-Origin: other origins cannot read anything.

import * as fs from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LiveFiles, POLL_MS } from "./live-files.mjs";
import type { LiveEvent } from "./live-files.mjs";

/** What `view` was asked for. */
export interface ViewOptions {
  files: string[];
  folders: string[];
  /** 0: a free port. */
  port: number;
  log: (line: string) => void;
}

export interface Viewing {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Where the viewer's `index.html` tells the page to follow the files. */
const LIVE_PATH = "/live";
/** A comment sent this often keeps idle connections open through proxies and sleep. */
const KEEP_ALIVE_MS = 15_000;
/**
 * A page that stops reading (a hidden tab, a paused debugger) is let go once
 * this much waits for it beyond what it was first sent; its EventSource
 * comes back and is sent everything again.
 */
const MAX_WAITING = 256 << 20;

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  wasm: "application/wasm",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  json: "application/json",
  ico: "image/x-icon",
  png: "image/png",
};

export async function view(options: ViewOptions): Promise<Viewing> {
  const assets = viewerAssets();
  const live = new LiveFiles(fs, options.files, options.folders, options.log);
  const server = createServer((request, response) => {
    try {
      handle(request, response, assets, live, port());
    } catch (error) {
      options.log(`error: ${(error as Error).message}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  function port(): number {
    const address = server.address();
    return typeof address === "object" && address ? address.port : options.port;
  }
  const timer = setInterval(() => live.poll(), POLL_MS);
  live.poll();
  const url = `http://127.0.0.1:${port()}/`;
  return {
    url,
    port: port(),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The viewer's files by URL path, read once; `index.html` names the event stream. */
function viewerAssets(): Map<string, { type: string; body: Uint8Array }> {
  const folder = new URL("./viewer/", import.meta.url);
  const assets = new Map<string, { type: string; body: Uint8Array }>();
  for (const name of fs.readdirSync(folder)) {
    const path = new URL(name, folder);
    if (!fs.statSync(path).isFile()) continue;
    let body: Uint8Array = fs.readFileSync(path);
    if (name === "index.html") {
      const meta = `<meta name="prompttrace-live" content="${LIVE_PATH}">`;
      body = new TextEncoder().encode(new TextDecoder().decode(body).replace("<head>", `<head>\n    ${meta}`));
    }
    const extension = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
    assets.set(`/${name}`, { type: TYPES[extension] ?? "application/octet-stream", body });
  }
  const index = assets.get("/index.html");
  if (!index) throw new Error(`the viewer is missing from this package (${folder.pathname}index.html)`);
  assets.set("/", index);
  return assets;
}

function handle(
  request: IncomingMessage,
  response: ServerResponse,
  assets: Map<string, { type: string; body: Uint8Array }>,
  live: LiveFiles,
  port: number,
): void {
  const host = request.headers.host ?? "";
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return refuse(response, 403, `the Host header must be 127.0.0.1:${port} or localhost:${port}`);
  }
  if (request.method !== "GET" && request.method !== "HEAD") return refuse(response, 405, "only GET and HEAD");
  const target = request.url ?? "/";
  const path = target.split(/[?#]/, 1)[0] ?? "/";
  // The table below has no such names anyway; said plainly for whoever tries.
  if (path.includes("..") || path.includes("\\") || path.includes("%")) return refuse(response, 403, "no such path");
  if (path === LIVE_PATH) return stream(request, response, live);
  const asset = assets.get(path);
  if (!asset) return refuse(response, 404, "not found");
  response.writeHead(200, {
    "Content-Type": asset.type,
    "Content-Length": asset.body.length,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    // What the viewer's meta CSP says but a meta tag cannot: no other site frames it.
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
  });
  response.end(request.method === "HEAD" ? undefined : asset.body);
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
  response.end(`${status}: ${message}\n`);
}

/** The event stream: everything, then each change, until the page goes. */
function stream(request: IncomingMessage, response: ServerResponse, live: LiveFiles): void {
  response.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    Connection: "keep-alive",
  });
  if (request.method === "HEAD") return void response.end();
  let open = true;
  let stop = () => {};
  let alive: ReturnType<typeof setInterval> | undefined;
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(alive);
    stop();
  };
  request.on("close", close);
  let limit = Infinity; // the first sending is as large as the files
  stop = live.follow((event) => {
    if (!open) return;
    if (response.writableLength > limit) {
      close();
      // Its buffer goes with it; EventSource reconnects after a network error too.
      response.destroy();
      return;
    }
    response.write(encode(event));
  });
  if (!open) return stop();
  limit = response.writableLength + MAX_WAITING;
  alive = setInterval(() => response.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
}

/**
 * One server-sent event. `append`'s data is a JSON line naming the file and
 * its first line's number, then the JSON Lines text, one `data:` line per
 * line (EventSource joins them with newlines). JSON text holds no raw
 * newline; a carriage return, which EventSource would read as one, can only
 * be whitespace between tokens, so it becomes a space.
 */
export function encode(event: LiveEvent): string {
  switch (event.kind) {
    case "reset":
    case "files":
      return `event: ${event.kind}\ndata: ${JSON.stringify({ files: event.files })}\n\n`;
    case "problem":
      return `event: problem\ndata: ${JSON.stringify({ file: event.file, message: event.message })}\n\n`;
    case "append": {
      const lines = event.text.replace(/\r/g, " ").split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      const data = lines.map((line) => `data: ${line}\n`).join("");
      return `event: append\ndata: ${JSON.stringify({ file: event.file, line: event.line })}\n${data}\n`;
    }
  }
}
