// `import { openViewer } from "prompttrace/viewer"`: prompttrace's viewer on
// the app's own origin, in a new window or in an element the app gives. It
// reads the IndexedDB the tracer writes (`storage: "indexedDB"`, the
// viewer's layout) and follows each flush (the tracer announces what it
// stored on a BroadcastChannel). Nothing of the viewer loads until this is
// called: its files are referenced by URL only (`viewer/assets.mjs`, which
// bundlers such as Vite turn into copied, renamed assets), and the page it
// opens (`viewer/embed.html`, same origin) gets their addresses and its
// script from here.

import { assets } from "./viewer/assets.mjs";

/** Where `openViewer` shows the viewer. */
export interface ViewerOptions {
  /**
   * An element to show it in (an iframe filling it is added). Default: a new
   * window, which browsers allow only from a user's click or key press.
   */
  element?: HTMLElement;
}

/** The viewer `openViewer` opened. */
export interface OpenedViewer {
  /** The viewer's window (the iframe's, or the new window). */
  window: Window;
  /** Closes the window, or removes the iframe. */
  close(): void;
}

/** How long the viewer's page may take to load before `openViewer` gives up. */
const LOAD_MS = 30_000;

/**
 * Opens prompttrace's viewer on this origin, showing what the tracer stored
 * in IndexedDB and, live, what each `flush()` stores. Resolves once the
 * viewer's page is loaded and the viewer is starting; rejects with an
 * `Error` saying why (a pop-up blocked, no browser) and changes nothing.
 * The app's Content-Security-Policy, if any, must allow `'self'` frames or
 * windows, and `'wasm-unsafe-eval'` scripts.
 */
export async function openViewer(options: ViewerOptions = {}): Promise<OpenedViewer> {
  if (typeof document === "undefined") throw new Error("openViewer needs a browser page; in Node, run `npx prompttrace view`");
  const page = assets.page.href;
  if (options.element) {
    const frame = document.createElement("iframe");
    frame.title = "prompttrace viewer";
    // The element's size, or 480 px high where it has none of its own.
    frame.style.cssText = "width: 100%; height: 100%; min-height: 480px; border: 0; display: block";
    frame.src = page;
    options.element.append(frame);
    const opened = await loaded(() => frame.contentWindow, page).catch((error: unknown) => {
      frame.remove();
      throw error;
    });
    start(opened);
    return { window: opened, close: () => frame.remove() };
  }
  const opened = window.open(page, "_blank");
  if (!opened) throw new Error("the browser blocked the viewer's window; call openViewer from a click, or pass { element }");
  const ready = await loaded(() => opened, page).catch((error: unknown) => {
    opened.close();
    throw error;
  });
  start(ready);
  return { window: opened, close: () => opened.close() };
}

/**
 * The viewer's page once loaded: known by its note (`embed.html`), not by
 * its address, which a host may rewrite (clean URLs); a page without it (a
 * 404, an app's fallback page) is never written to.
 */
function loaded(target: () => Window | null, page: string): Promise<Window> {
  const began = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      let opened: Window | null = null;
      try {
        opened = target();
        const doc = opened?.document;
        if (opened && doc?.readyState === "complete" && doc.getElementById("prompttrace-embed-note")) return resolve(opened);
      } catch {
        // Not readable yet (about:blank of another origin), or gone.
      }
      if (opened?.closed) return reject(new Error("the viewer's window was closed before it loaded"));
      if (Date.now() - began > LOAD_MS) {
        return reject(new Error(`the viewer's page did not load within ${LOAD_MS / 1000} s (${page}): is the package's viewer/ folder served?`));
      }
      setTimeout(check, 20);
    };
    check();
  });
}

/** Names the viewer's files in its page, then starts it there (in that window's realm). */
function start(opened: Window): void {
  const doc = opened.document;
  if (doc.querySelector("meta[name=prompttrace-viewer-wasm]")) return;
  const meta = (name: string, content: string) => {
    const tag = doc.createElement("meta");
    tag.name = name;
    tag.content = content;
    doc.head.append(tag);
  };
  meta("prompttrace-viewer-wasm", assets.wasm.href);
  // The import worker finds its wasm in its own address.
  meta("prompttrace-import-worker", `${assets.worker.href}#${new URLSearchParams({ wasm: assets.workerWasm.href })}`);
  const style = doc.createElement("link");
  style.rel = "stylesheet";
  style.href = assets.style.href;
  doc.head.append(style);
  // The viewer's glue, which starts it (embed/start.js) in that window.
  const script = doc.createElement("script");
  script.type = "module";
  script.src = assets.glue.href;
  doc.head.append(script);
}
