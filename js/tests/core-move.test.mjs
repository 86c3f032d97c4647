// A browser tracer's move to the full core (on first use of what only it
// has), in headless Chromium on the Vite build of browser/ (its phases in
// browser/move-phases.mjs): the move keeps what storage and the memory
// bound rely on. Expects `vite build browser` to have written browser/dist
// (cargo xtask test does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { inChromium, phase } from "./chromium.mjs";

const dist = new URL("./browser/dist/", import.meta.url).pathname;

test("after the move to the full core, a flush saves only what changed since the last one: another tab's newer record stays", () =>
  inChromium(dist, async (page, base, errors) => {
    const { found, problems } = await phase(page, base, "phase=move-changes");
    assert.deepEqual(problems, []);
    assert.ok(found.moved, "exportOtlp ran on the full core");
    assert.equal(found.aOutput, "newer, from another tab", "trace A, saved before the move and unchanged since, was not saved again over the other tab's");
    assert.equal(found.cName, "c", "a trace recorded before the move and not saved yet is saved after it");
    assert.deepEqual(found.dSteps, ["first", "second"], "a step added before the move and not saved yet is saved after it");
    assert.deepEqual(errors, []);
  }));

test("a tracer that moves to the full core while a flush is under way still saves, without errors", () =>
  inChromium(dist, async (page, base, errors) => {
    const { found, problems } = await phase(page, base, "phase=move-in-flush");
    assert.deepEqual(problems, []);
    assert.equal(found.flushed, "saved");
    assert.equal(found.aOutput, "saved while moving");
    assert.deepEqual(errors, []);
  }));

test("after the move to the full core, a late record for a trace that left memory is still refused, naming maxTracesInMemory", () =>
  inChromium(dist, async (page, base, errors) => {
    const { found } = await phase(page, base, "phase=move-left");
    assert.deepEqual(found.inMemory, ["new"], "the older saved trace left memory");
    // The update and the step's start name the trace (the step's end then names only the step).
    const aboutTrace = found.late.filter((problem) => problem.includes(`trace "${"e".repeat(32)}"`));
    assert.equal(aboutTrace.length, 2, found.late.join("\n"));
    for (const problem of aboutTrace) assert.match(problem, /left memory .*maxTracesInMemory/);
    assert.deepEqual(found.stored, [], "the stored trace is as it was saved");
    assert.deepEqual(errors, []);
  }));
