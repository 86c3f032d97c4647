// A stand-in for an LLM provider: answers after a short delay, with token
// counts from the text lengths. No network.
export async function fakeLlm(prompt, answer = `Echo: ${prompt.slice(0, 40)}`, ms = 20) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { text: answer, usage: { input: Math.ceil(prompt.length / 4), output: Math.ceil(answer.length / 4) } };
}

/**
 * Writes the tracer's file as `<dir>/<name>.json` (dir: argv[2] or
 * ./traces). In a browser (the package tests run the framework examples in
 * headless Chromium too) the file goes to `globalThis.prompttraceFiles`.
 */
export async function save(tracer, name) {
  if (typeof process === "undefined" || !process.versions?.node) {
    // In browsers OpenTelemetry spans wait for the part of the core that
    // reads them, loaded on first use: flush() waits for it.
    await tracer.flush();
    globalThis.prompttraceFiles = { ...globalThis.prompttraceFiles, [name]: tracer.export() };
    return;
  }
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const dir = process.argv[2] ?? "traces";
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/${name}.json`;
  writeFileSync(path, tracer.export());
  console.log(`wrote ${path}`);
}
