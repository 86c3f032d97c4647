// The files `npx prompttrace view` shows, followed as they grow. Each file
// is polled (a stat every POLL_MS: portable, and cheap for a few files).
// A native JSON Lines file — what the Node file storage appends to — is
// sent as it grows, whole lines only (a line still being written waits for
// its newline), each part with the number of its first line so the viewer
// names lines as in the file. Any other format the core reads (OTLP/JSON,
// a native JSON document, Langfuse) is converted by the core to native JSON
// Lines, whole, once it stopped changing for a poll, and again whenever it
// changes. A file truncated, replaced (a new inode, or its first bytes
// changed), removed or re-converted makes every viewer start again
// (`reset`), and everything is sent again: the files are the source, the
// viewer holds a copy. A large file is read and sent in parts.

import { Core } from "./wasm-full/prompttrace_full.js"; // Node only: the full core

/** What a viewer is sent. */
export type LiveEvent =
  | { kind: "reset"; files: string[] }
  | { kind: "files"; files: string[] }
  | { kind: "append"; file: string; line: number; text: string }
  | { kind: "problem"; file: string; message: string };

type Viewer = (event: LiveEvent) => void;

/** The few `node:fs` functions used. */
export interface LiveFileSystem {
  statSync(path: string): { isFile(): boolean; isDirectory(): boolean; size: number; mtimeMs: number; ino: number; dev: number };
  readdirSync(path: string): string[];
  openSync(path: string, flags: string): number;
  closeSync(fd: number): void;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
}

export const POLL_MS = 150;
/** A file is read, and sent, in parts of about this many bytes (whole lines). */
const PART_BYTES = 4 << 20;
/** Bytes compared to tell a file rewritten in place from one appended to (the header and the first records). */
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
  /** Native: bytes up to the last newline taken; lines in them; their first HEAD_BYTES. */
  complete = 0;
  lines = 0;
  head: Uint8Array = new Uint8Array(0);
  /** Converted: the native JSON Lines of the whole file, the version it was made from, the version seen last. */
  converted = "";
  convertedFrom = "";
  seen = "";
  /** What is wrong with it, said once (and again to a page that connects) until it reads well. */
  problem = "";

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
  readonly #viewers = new Set<Viewer>();
  readonly #log: (line: string) => void;
  /** While a reset reads the files again: nothing is sent until everything is. */
  #quiet = false;

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
  follow(viewer: Viewer): () => void {
    this.#viewers.add(viewer);
    this.#sendAll(viewer);
    return () => this.#viewers.delete(viewer);
  }

  /**
   * One poll: new files in the folders, then what each file gained. A file
   * truncated, replaced or removed is read again from its start, and from
   * then on nothing is sent until every page is sent everything again.
   */
  poll(): void {
    if (this.#scanFolders()) this.#emit({ kind: "files", files: this.files });
    let reset = false;
    try {
      for (const source of this.#sources) {
        if (!this.#pollOne(source)) continue;
        reset = true;
        this.#quiet = true;
        this.#pollOne(source);
      }
    } finally {
      this.#quiet = false;
    }
    if (reset) for (const viewer of this.#viewers) this.#sendAll(viewer);
  }

  /** A file to read again from its start; what is wrong with it stays said. */
  #forget(source: Source): true {
    Object.assign(source, new Source(source.path), { problem: source.problem });
    return true;
  }

  #emit(event: LiveEvent): void {
    if (this.#quiet) return;
    for (const viewer of this.#viewers) viewer(event);
  }

  /** Whether every viewer must start again; sends what `source` gained otherwise. */
  #pollOne(source: Source): boolean {
    try {
      return this.#gained(source);
    } catch (error) {
      this.#problem(source, `could not be read (${(error as Error).message})`);
      return false;
    }
  }

  #gained(source: Source): boolean {
    let stat;
    try {
      stat = this.#fs.statSync(source.path);
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ENOENT") throw error;
      // Not written yet, or removed: a removed file's traces go.
      return source.sent && this.#forget(source);
    }
    if (!stat.isFile()) {
      this.#problem(source, "is not a file");
      return false;
    }
    const identity = `${stat.dev}:${stat.ino}`;
    if (source.identity !== undefined && source.identity !== identity) return this.#forget(source);
    source.identity = identity;
    const version = `${identity}:${stat.size}:${stat.mtimeMs}`;
    if (source.native === undefined) source.native = this.#isNative(source, stat.size, version);
    if (source.native === undefined) return false;
    if (!source.native) return this.#convert(source, version);
    if (stat.size < source.complete) return this.#forget(source);
    if (stat.size === source.complete) return false;
    const fd = this.#fs.openSync(source.path, "r");
    try {
      if (source.complete > 0 && !sameBytes(this.#read(fd, 0, source.head.length), source.head)) return this.#forget(source);
      this.#take(source, fd, stat.size);
      source.problem = "";
      return false;
    } finally {
      this.#fs.closeSync(fd);
    }
  }

  /** Whether the file is native JSON Lines, once its first line is whole (or it stopped changing). */
  #isNative(source: Source, size: number, version: string): boolean | undefined {
    if (size === 0) return undefined;
    const fd = this.#fs.openSync(source.path, "r");
    try {
      const text = decoder.decode(this.#read(fd, 0, Math.min(size, 4096))).trimStart();
      if (!text.startsWith("{")) return false;
      const newline = text.indexOf("\n");
      const first = newline < 0 ? text : text.slice(0, newline);
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(first) as Record<string, unknown>;
      } catch {
        // A first line longer than what was read is no native header; a short
        // one may still be being written: it is judged once it stops changing.
        if (newline >= 0 || size > 4096 || source.seen === version) return false;
        source.seen = version;
        return undefined;
      }
      const native = header["format"] === "prompttrace" && !("traces" in header) && !("observations" in header);
      // A native header not ended yet waits for its newline; a whole document on one line is converted.
      return native ? (newline < 0 ? undefined : true) : false;
    } finally {
      this.#fs.closeSync(fd);
    }
  }

  /**
   * Another format: converted whole once it stopped changing for a poll (a
   * file being written is read once it is whole; at once when read again
   * for a reset); a change after it was sent resets the viewers.
   */
  #convert(source: Source, version: string): boolean {
    if (version === source.convertedFrom) return false;
    if (version !== source.seen && !this.#quiet) {
      source.seen = version;
      return false;
    }
    source.convertedFrom = version;
    const core = new Core();
    try {
      core.importBytes(source.path, this.#readAll(source.path));
      const hadSent = source.sent;
      source.converted = core.exportLines();
      source.problem = "";
      // A change to what pages have: they start again. A first reading: sent.
      if (hadSent) return true;
      this.#emit({ kind: "append", file: source.path, line: 1, text: source.converted });
      return false;
    } catch (error) {
      // Not a trace file, or one written in several steps: tried again when it changes.
      this.#problem(source, (error as Error).message);
      return false;
    } finally {
      core.free();
    }
  }

  /** What a native file gained: whole-line parts of about PART_BYTES, each sent (to whoever listens) and noted. */
  #take(source: Source, fd: number, size: number): void {
    while (source.complete < size) {
      const part = this.#wholeLines(fd, source.complete, size);
      if (part.length === 0) return; // the last line is still being written, or the file shrank
      const end = part.length;
      if (source.head.length < HEAD_BYTES) source.head = concat(source.head, part.subarray(0, HEAD_BYTES - source.head.length));
      const line = source.lines + 1;
      source.complete += end;
      source.lines += newlines(part);
      if (!this.#quiet && this.#viewers.size > 0) this.#emit({ kind: "append", file: source.path, line, text: decoder.decode(part) });
    }
  }

  /** Everything, to one viewer: a reset, then every file from its start and what is wrong. Never throws. */
  #sendAll(viewer: Viewer): void {
    viewer({ kind: "reset", files: this.files });
    for (const source of this.#sources) {
      if (source.problem !== "") viewer({ kind: "problem", file: source.path, message: source.problem });
      try {
        if (source.converted !== "") viewer({ kind: "append", file: source.path, line: 1, text: source.converted });
        else if (source.native && source.complete > 0) this.#sendNative(source, viewer);
      } catch (error) {
        // Removed or replaced meanwhile: the next poll resets every viewer.
        this.#log(`${source.path}: could not be read (${(error as Error).message})`);
      }
    }
  }

  /** What was taken of a native file so far, again, in parts of whole lines. */
  #sendNative(source: Source, viewer: Viewer): void {
    const fd = this.#fs.openSync(source.path, "r");
    try {
      let at = 0;
      let line = 1;
      while (at < source.complete) {
        const part = this.#wholeLines(fd, at, source.complete);
        if (part.length === 0) return; // shorter meanwhile: the next poll resets
        viewer({ kind: "append", file: source.path, line, text: decoder.decode(part) });
        line += newlines(part);
        at += part.length;
      }
    } finally {
      this.#fs.closeSync(fd);
    }
  }

  /** Adds the folders' trace files not followed yet; whether there were any. */
  #scanFolders(): boolean {
    let added = false;
    for (const folder of this.#folders) {
      let names: string[];
      try {
        names = this.#fs.readdirSync(folder).filter((name) => TRACE_FILE.test(name)).sort();
      } catch {
        continue; // not made yet: the app has not recorded
      }
      for (const name of names) {
        const path = folder.endsWith("/") ? folder + name : `${folder}/${name}`;
        if (this.#sources.some((source) => source.path === path)) continue;
        this.#sources.push(new Source(path));
        added = true;
      }
    }
    return added;
  }

  /** Said once until the file reads well again: in the terminal and to the viewers (as one line naming the file). */
  #problem(source: Source, message: string): void {
    if (source.problem !== "") return;
    source.problem = message.startsWith(`${source.path}:`) ? message : `${source.path}: ${message}`;
    this.#log(source.problem);
    this.#emit({ kind: "problem", file: source.path, message: source.problem });
  }

  /**
   * The whole lines from `from`, in a part of about PART_BYTES (or up to
   * the end of a line longer than that), never past `limit`; empty when no
   * line ends there yet.
   */
  #wholeLines(fd: number, from: number, limit: number): Uint8Array {
    const part = this.#read(fd, from, Math.min(PART_BYTES, limit - from));
    const end = part.lastIndexOf(0x0a) + 1;
    if (end > 0) return part.subarray(0, end);
    // A long line: read on, a part at a time, to its newline.
    for (let at = from + part.length; at < limit; ) {
      const more = this.#read(fd, at, Math.min(PART_BYTES, limit - at));
      if (more.length === 0) break;
      const newline = more.indexOf(0x0a);
      if (newline >= 0) return this.#read(fd, from, at + newline + 1 - from);
      at += more.length;
    }
    return new Uint8Array(0);
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

function sameBytes(now: Uint8Array, then: Uint8Array): boolean {
  return now.length === then.length && now.every((byte, i) => byte === then[i]);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function newlines(bytes: Uint8Array): number {
  let count = 0;
  for (const byte of bytes) if (byte === 0x0a) count++;
  return count;
}
