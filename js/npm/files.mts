// How `Tracer.fromFile` reads its argument: a File or Blob anywhere, a path
// or URL where the Node entry has set a reader.

/** Reads a path: set by the Node entry; browsers pass a File. */
export type PathReader = (path: string | URL) => Promise<Uint8Array>;

let readPath: PathReader = async (path) => {
  throw new Error(`cannot read "${path}" here: pass a File or Blob`);
};

/** @internal Called by the Node entry to read files by path. */
export function useFileReader(read: PathReader): void {
  readPath = read;
}

/** The file's bytes and a name for messages. */
export async function readFile(file: unknown): Promise<[Uint8Array, string]> {
  if (isBlob(file)) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const name = (file as { name?: unknown }).name;
    return [bytes, typeof name === "string" && name ? name : "file"];
  }
  const path = file instanceof URL ? file : String(file);
  return [await readPath(path), String(path instanceof URL ? path.pathname : path)];
}

const isBlob = (file: unknown): file is Pick<Blob, "arrayBuffer"> =>
  !!file && typeof file === "object" && typeof (file as { arrayBuffer?: unknown }).arrayBuffer === "function";
