// Ids and times for recording calls: random OpenTelemetry-sized ids
// (16-byte traces, 8-byte observations) and epoch milliseconds.

/** Milliseconds since the epoch, sub-millisecond where the platform allows. */
// The origin is read once: it never changes, and reading it showed in the recording profile.
const origin = performance.timeOrigin;
export const now = (): number => origin + performance.now();

// Random ids are made from a buffer of random hex digits, refilled from
// crypto.getRandomValues 2 KB at a time: unique across runs. Each id is
// one flat string (one fromCharCode): ids wait in the queue until it is
// applied, and each string they are made of is copied by every
// young-generation GC meanwhile (a slice of a longer string would keep all
// of it alive).
const DIGITS = new Uint8Array(512);
for (let byte = 0; byte < 256; byte++) {
  const hex = byte.toString(16).padStart(2, "0");
  DIGITS[2 * byte] = hex.charCodeAt(0);
  DIGITS[2 * byte + 1] = hex.charCodeAt(1);
}
const random = new Uint8Array(2048);
const digits = new Uint8Array(2 * random.length);
let randomAt = random.length;

/** `bytes` random bytes as lowercase hex (16 for a trace id, 8 for an observation id). */
export function randomHex(bytes: number): string {
  if (randomAt + bytes > random.length) {
    crypto.getRandomValues(random);
    for (let i = 0; i < random.length; i++) {
      digits[2 * i] = DIGITS[2 * random[i]!]!;
      digits[2 * i + 1] = DIGITS[2 * random[i]! + 1]!;
    }
    randomAt = 0;
  }
  const d = digits;
  const at = 2 * randomAt;
  randomAt += bytes;
  if (bytes !== 8) return String.fromCharCode.apply(null, d.subarray(at, at + 2 * bytes) as unknown as number[]);
  // prettier-ignore
  return String.fromCharCode(d[at]!, d[at + 1]!, d[at + 2]!, d[at + 3]!, d[at + 4]!, d[at + 5]!, d[at + 6]!, d[at + 7]!,
    d[at + 8]!, d[at + 9]!, d[at + 10]!, d[at + 11]!, d[at + 12]!, d[at + 13]!, d[at + 14]!, d[at + 15]!);
}
