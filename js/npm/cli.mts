#!/usr/bin/env node
// The package's `prompttrace` bin. `view` serves the viewer this package
// ships and follows trace files live (`view-server.mts`); `validate`,
// `summary`, `show` and `convert` run the core's commands, the Rust CLI's
// own, so both print the same and exit the same way (0, 1 when a file is
// refused, 2 on bad usage). This file reads files, parses arguments and
// prints; nothing else.

import * as fs from "node:fs";
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import "./node.mjs"; // loads the wasm core (view converts files with it)
// The commands' own wasm: the package's main one, which browser apps ship, does not carry them.
import { initSync, runCommand } from "./wasm-cli/prompttrace_cli.js";
import { DEFAULT_FILE } from "./storage.mjs";
import { view } from "./view-server.mjs";

initSync({ module: fs.readFileSync(new URL("./wasm-cli/prompttrace_cli_bg.wasm", import.meta.url)) });

const USAGE = `Usage: prompttrace <command> [options]

  view [FILE|DIR ...]     Open the viewer on these trace files and follow them
                          live (default: ${DEFAULT_FILE.slice(0, DEFAULT_FILE.lastIndexOf("/"))}/, where
                          new Tracer({ storage: "file" }) writes)
      --port N            Port on 127.0.0.1 (default: a free one)
      --no-open           Do not open a browser
  validate FILE...        Check trace files; one line per file
  summary FILE...         Traces, their trees and sessions with their figures
      --json              As one JSON object
      --prices FILE       Model prices (USD per 1M tokens) over the built-in table
  show FILE TRACE_ID      One trace: its tree and each LLM call's messages
      --prices FILE
  diff FILE A B           Two traces compared step by step (--json, --prices FILE)
  convert FILE --to json|jsonl|otlp [-o OUT]
                          The file in another format

FILE may be "-" (standard input). Formats (ours, OTLP/JSON, Langfuse) are told
apart by content.
`;

class Usage extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "view":
      return viewCommand(rest);
    case "validate":
    case "summary":
    case "show":
    case "diff":
    case "convert":
      return coreCommand(command, rest);
    case "--version":
    case "-V":
      process.stdout.write(`prompttrace ${version()}\n`);
      return 0;
    case "--help":
    case "-h":
    case "help":
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new Usage(command === undefined ? "a command is needed" : `unknown command ${command}`);
  }
}

async function viewCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    port: { type: "string" },
    "no-open": { type: "boolean" },
  });
  const port = values["port"] === undefined ? 0 : Number(values["port"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Usage(`--port ${String(values["port"])} is not a port number`);
  const named = positionals.length > 0 ? positionals : [DEFAULT_FILE.slice(0, DEFAULT_FILE.lastIndexOf("/"))];
  const files: string[] = [];
  const folders: string[] = [];
  for (const path of named) {
    let folder = false;
    try {
      folder = fs.statSync(path).isDirectory();
    } catch {
      // Not there yet: a file the app will write, or the default folder.
      folder = positionals.length === 0;
    }
    (folder ? folders : files).push(path);
  }
  const log = (line: string) => process.stderr.write(`prompttrace: ${line}\n`);
  const viewing = await view({ files, folders, port, log });
  const following = [...files, ...folders.map((folder) => `${folder}/ (its .jsonl and .json files)`)].join(", ");
  process.stdout.write(`prompttrace viewer: ${viewing.url}\nfollowing ${following}\nCtrl-C stops it.\n`);
  if (!values["no-open"]) openBrowser(viewing.url, log);
  await new Promise<void>((resolve) => {
    const stop = () => void viewing.close().then(resolve);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}

function openBrowser(url: string, log: (line: string) => void): void {
  const [program, args] =
    process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  try {
    const child = spawn(program, args, { stdio: "ignore", detached: true });
    child.on("error", () => log(`could not open a browser; open ${url}`));
    child.unref();
  } catch {
    log(`could not open a browser; open ${url}`);
  }
}

async function coreCommand(command: "validate" | "summary" | "show" | "diff" | "convert", args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    json: { type: "boolean" },
    prices: { type: "string" },
    to: { type: "string" },
    output: { type: "string", short: "o" },
  });
  const options: { json?: boolean; prices?: string; traceId?: string; to?: string; a?: string; b?: string } = {};
  let files = positionals;
  const allowed: Record<typeof command, string[]> = {
    validate: [],
    summary: ["json", "prices"],
    show: ["prices"],
    diff: ["json", "prices"],
    convert: ["to", "output"],
  };
  for (const name of Object.keys(values)) {
    if (!allowed[command].includes(name)) throw new Usage(`${command} takes no --${name}`);
  }
  if (files.length === 0) throw new Usage(`${command} needs a file`);
  if (command === "summary" || command === "diff") options.json = values["json"] === true;
  if (command === "diff") {
    if (files.length !== 3) throw new Usage("diff takes FILE A B");
    options.a = files[1] as string;
    options.b = files[2] as string;
    files = files.slice(0, 1);
  }
  if (command === "show") {
    if (files.length !== 2) throw new Usage("show takes FILE TRACE_ID");
    options.traceId = files[1] as string;
    files = files.slice(0, 1);
  }
  if (command === "convert") {
    if (files.length !== 1) throw new Usage("convert takes one file");
    const to = values["to"];
    if (to !== "json" && to !== "jsonl" && to !== "otlp") throw new Usage("convert needs --to json, jsonl or otlp");
    options.to = to;
  }
  let prices: Uint8Array | string | undefined;
  if (typeof values["prices"] === "string") {
    options.prices = values["prices"];
    prices = read(values["prices"]);
  }
  const reads = files.map(read);
  const output = runCommand(command, JSON.stringify(options), files, reads, prices) as { writes: ["out" | "err", string][]; failed: boolean };
  const target = typeof values["output"] === "string" ? values["output"] : undefined;
  for (const [stream, text] of output.writes) {
    if (stream === "err") process.stderr.write(text);
    else if (target === undefined) await write(process.stdout, text);
    else if (!output.failed) {
      try {
        fs.writeFileSync(target, text);
      } catch (error) {
        process.stderr.write(`error: ${target}: ${reason(error)}\n`);
        return 1;
      }
    }
  }
  return output.failed ? 1 : 0;
}

let stdinRead = false;

/** A file's bytes, or the message saying why it cannot be read, as the Rust CLI words it ("name: reason (os error N)"). */
function read(name: string): Uint8Array | string {
  try {
    if (name !== "-") return fs.readFileSync(name);
    // Read once, as a stream is: "-" given again finds it empty.
    if (stdinRead) return new Uint8Array(0);
    stdinRead = true;
    return fs.readFileSync(0);
  } catch (error) {
    return `${name === "-" ? "standard input" : name}: ${reason(error)}`;
  }
}

/** The C library's words for the errors a file read meets, as Rust prints them; Node's message otherwise. */
const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  EMFILE: "Too many open files",
  ENOSPC: "No space left on device",
  EROFS: "Read-only file system",
  EIO: "Input/output error",
};

function reason(error: unknown): string {
  const { code, errno, message } = error as NodeJS.ErrnoException;
  const words = code === undefined ? undefined : STRERROR[code];
  return words !== undefined && typeof errno === "number" ? `${words} (os error ${-errno})` : String(message);
}

/** Writes to a stream, waiting for it to drain; a closed pipe (`| head`) is the reader's choice. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("error", done);
      stream.off("drain", done);
      resolve();
    };
    stream.on("error", done);
    if (stream.write(text)) done();
    else stream.on("drain", done);
  });
}

class Help extends Error {}

function parse(args: string[], options: NonNullable<ParseArgsConfig["options"]>) {
  if (args.includes("--help") || args.includes("-h")) throw new Help();
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new Usage((error as Error).message);
  }
}

function version(): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version?: string };
    return manifest.version ?? "?";
  } catch {
    return "?";
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof Help) {
      process.stdout.write(USAGE);
    } else if (error instanceof Usage) {
      process.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  },
);
