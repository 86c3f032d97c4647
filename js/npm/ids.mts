// Ids and times for recording calls: random OpenTelemetry-sized ids
// (16-byte traces, 8-byte observations) and epoch milliseconds.

/** Milliseconds since the epoch, sub-millisecond where the platform allows. */
// The origin is read once: it never changes, and reading it showed in the recording profile.
const origin = performance.timeOrigin;
export const now = (): number => origin + performance.now();

// Random ids come from a buffer refilled by crypto.getRandomValues: cheap
// per id, unique across runs.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const random = new Uint8Array(4096);
let randomAt = random.length;

/** `bytes` random bytes as lowercase hex (16 for a trace id, 8 for an observation id). */
export function randomHex(bytes: number): string {
  if (randomAt + bytes > random.length) {
    crypto.getRandomValues(random);
    randomAt = 0;
  }
  let out = "";
  for (let i = 0; i < bytes; i++) out += HEX[random[randomAt++]];
  return out;
}
