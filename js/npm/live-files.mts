// The files `npx prompttrace view` shows, followed as they grow. Each file
// is polled (a stat every POLL_MS: portable, and cheap for a few files).
// A native JSON Lines file — what the Node file storage appends to — is
// sent as it grows, whole lines only (a line still being written waits for
// its newline), each part with the number of its first line so the viewer
// names lines as in the file. Any other format the core reads (OTLP/JSON,
// a native JSON document, Langfuse) is converted by the core to native JSON
// Lines, whole, and again whenever it changes. A file truncated, replaced
// (a new inode, or its first bytes changed), removed or re-converted makes
// every viewer start again (`reset`), and everything is sent again: the
// files are the source, the viewer holds a copy.

import { Core } from "./wasm/prompttrace_js.js";

/** What a viewer is sent. */
export type LiveEvent =
  | { kind: "reset"; files: string[] }
  | { kind: "append"; file: string; line: number; text: string }
  | { kind: "problem"; file: string; message: string };

/** The few `node:fs` functions used. */
export interface LiveFileSystem {
  statSync(path: string): { isFile(): boolean; isDirectory(): boolean; size: number; mtimeMs: number; ino: number; dev: number };
  readdirSync(path: string): string[];
  openSync(path: string, flags: string): number;
  closeSync(fd: number): void;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
}

export const POLL_MS = 150;
/** A viewer is sent a large file in parts of about this many bytes (whole lines). */
const PART_BYTES = 4 << 20;
/** Bytes compared to tell a file rewritten in place from one appended to (the header and the first record). */
const HEAD_BYTES = 512;
/** The extensions a folder's trace files have. */
const TRACE_FILE = /\.(jsonl|ndjson|json)$/i;

const decoder = new TextDecoder();

/** One followed file. */
class Source {
  /** The file's identity (`dev:ino`), once seen. */
  identity: string | undefined;
  /** Native JSON Lines (followed) or another format (converted); unknown until its first line is whole. */
  native: boolean | undefined;
  /** Native: bytes up to the last newline sent; lines in them. */
  complete = 0;
  lines = 0;
  head = new Uint8Array(0);
  /** Converted: the native JSON Lines of the whole file, and what it was made from. */
  converted = "";
  convertedFrom = "";

  constructor(readonly path: string) {}

  get sent(): boolean {
    return this.complete > 0 || this.converted !== "";
  }
}

export class LiveFiles {
  readonly #fs: LiveFileSystem;
  /** Folders whose trace files are followed, new ones included. */
  readonly #folders: string[];
  readonly #sources: Source[] = [];
  readonly #viewers = new Set<(event: LiveEvent) => void>();
  readonly #log: (line: string) => void;
  /** Problems said once per file and message. */
  readonly #said = new Set<string>();

  constructor(fs: LiveFileSystem, files: string[], folders: string[], log: (line: string) => void) {
    this.#fs = fs;
    this.#folders = folders;
    this.#log = log;
    for (const file of files) this.#sources.push(new Source(file));
    this.#scanFolders();
  }

  /** The files followed now. */
  get files(): string[] {
    return this.#sources.map((source) => source.path);
  }

  /** Sends everything to `viewer`, then each change, until the returned function is called. */
  follow(viewer: (event: LiveEvent) => void): () => void {
    this.#viewers.add(viewer);
    this.#sendAll(viewer);
    return () => this.#viewers.delete(viewer);
  }

  /** One poll: new files in the folders, then what each file gained. */
  poll(): void {
    this.#scanFolders();
    let reset = false;
    for (const source of this.#sources) {
      try {
        reset = this.#pollOne(source) || reset;
      } catch (error) {
        this.#problem(source, `could not be read (${(error as Error).message})`);
      }
    }
    if (reset) {
      for (const source of this.#sources) this.#forget(source);
      for (const source of this.#sources) {
        try {
          this.#pollOne(source);
        } catch {
          // Said above; the next poll tries again.
        }
      }
      for (const viewer of this.#viewers) this.#sendAll(viewer);
    }
  }

  /** Whether every viewer must start again; sends what `source` gained otherwise. */
  #pollOne(source: Source): boolean {
    let stat;
    try {
      stat = this.#fs.statSync(source.path);
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ENOENT") throw error;
      // Not written yet, or removed: a removed file's traces go.
      return source.sent;
    }
    if (!stat.isFile()) {
      this.#problem(source, "is not a file");
      return false;
    }
    const identity = `${stat.dev}:${stat.ino}`;
    if (source.identity !== undefined && source.identity !== identity) return true;
    source.identity = identity;
    if (source.native === undefined) source.native = this.#isNative(source, stat.size);
    if (source.native === undefined) return false;
    if (!source.native) return this.#convert(source, stat.size, stat.mtimeMs);
    if (stat.size < source.complete) return true;
    if (stat.size === source.complete) return false;
    const fd = this.#fs.openSync(source.path, "r");
    try {
      if (source.complete > 0 && !sameHead(this.#read(fd, 0, source.head.length), source.head)) return true;
      const gained = this.#read(fd, source.complete, stat.size - source.complete);
      const end = gained.lastIndexOf(0x0a) + 1;
      if (end === 0) return false; // a line still being written
      if (source.complete === 0) source.head = gained.slice(0, Math.min(HEAD_BYTES, end));
      const event = this.#part(source, gained.subarray(0, end));
      for (const viewer of this.#viewers) viewer(event);
      return false;
    } finally {
      this.#fs.closeSync(fd);
    }
  }

  /** Whether the file is native JSON Lines, once its first line is whole. */
  #isNative(source: Source, size: number): boolean | undefined {
    if (size === 0) return undefined;
    const fd = this.#fs.openSync(source.path, "r");
    try {
      const start = this.#read(fd, 0, Math.min(size, 4096));
      const text = decoder.decode(start).trimStart();
      if (!text.startsWith("{")) return false;
      const newline = text.indexOf("\n");
      if (newline < 0) return size > 4096 ? false : undefined;
      try {
        const header = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
        return header["format"] === "prompttrace" && !("traces" in header) && !("observations" in header);
      } catch {
        return false;
      }
    } finally {
      this.#fs.closeSync(fd);
    }
  }

  /** Another format: converted whole whenever it changed; a change resets the viewers. */
  #convert(source: Source, size: number, mtimeMs: number): boolean {
    const version = `${size}:${mtimeMs}`;
    if (version === source.convertedFrom) return false;
    const bytes = this.#readAll(source.path);
    const core = new Core();
    try {
      core.importBytes(source.path, bytes);
      const hadSent = source.sent;
      source.converted = core.exportLines();
      source.convertedFrom = version;
      this.#said.clear();
      return hadSent;
    } catch (error) {
      // A file half-written, or not a trace file: said, and tried again when it changes.
      source.convertedFrom = version;
      this.#problem(source, (error as Error).message);
      return false;
    } finally {
      core.free();
    }
  }

  /** The native part `bytes` of `source` (whole lines), noted as sent. */
  #part(source: Source, bytes: Uint8Array): LiveEvent {
    const event: LiveEvent = { kind: "append", file: source.path, line: source.lines + 1, text: decoder.decode(bytes) };
    source.complete += bytes.length;
    for (const byte of bytes) if (byte === 0x0a) source.lines++;
    return event;
  }

  /** Everything, to one viewer: a reset, then every file from its start. */
  #sendAll(viewer: (event: LiveEvent) => void): void {
    viewer({ kind: "reset", files: this.files });
    for (const source of this.#sources) {
      if (source.converted !== "") {
        viewer({ kind: "append", file: source.path, line: 1, text: source.converted });
      } else if (source.native && source.complete > 0) {
        this.#sendNative(source, viewer);
      }
    }
  }

  /** What was sent of a native file so far, again, in parts of whole lines. */
  #sendNative(source: Source, viewer: (event: LiveEvent) => void): void {
    const fd = this.#fs.openSync(source.path, "r");
    try {
      let at = 0;
      let line = 1;
      while (at < source.complete) {
        const chunk = this.#read(fd, at, Math.min(PART_BYTES, source.complete - at));
        let end = chunk.lastIndexOf(0x0a) + 1;
        // A line longer than a part goes whole.
        const part = end > 0 ? chunk.subarray(0, end) : this.#read(fd, at, source.complete - at);
        end = part.length;
        viewer({ kind: "append", file: source.path, line, text: decoder.decode(part) });
        for (const byte of part) if (byte === 0x0a) line++;
        at += end;
      }
    } finally {
      this.#fs.closeSync(fd);
    }
  }

  #forget(source: Source): void {
    Object.assign(source, new Source(source.path));
  }

  #scanFolders(): void {
    for (const folder of this.#folders) {
      let names: string[];
      try {
        names = this.#fs.readdirSync(folder).filter((name) => TRACE_FILE.test(name)).sort();
      } catch {
        continue; // not made yet: the app has not recorded
      }
      for (const name of names) {
        const path = folder.endsWith("/") ? folder + name : `${folder}/${name}`;
        if (!this.#sources.some((source) => source.path === path)) this.#sources.push(new Source(path));
      }
    }
  }

  #problem(source: Source, message: string): void {
    const key = `${source.path}\n${message}`;
    if (this.#said.has(key)) return;
    this.#said.add(key);
    this.#log(`${source.path}: ${message}`);
    for (const viewer of this.#viewers) viewer({ kind: "problem", file: source.path, message });
  }

  #read(fd: number, position: number, length: number): Uint8Array {
    const buffer = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const read = this.#fs.readSync(fd, buffer, done, length - done, position + done);
      if (read === 0) break;
      done += read;
    }
    return buffer.subarray(0, done);
  }

  #readAll(path: string): Uint8Array {
    const fd = this.#fs.openSync(path, "r");
    try {
      const { size } = this.#fs.statSync(path);
      return this.#read(fd, 0, size);
    } finally {
      this.#fs.closeSync(fd);
    }
  }
}

function sameHead(now: Uint8Array, then: Uint8Array): boolean {
  return now.length === then.length && now.every((byte, i) => byte === then[i]);
}
