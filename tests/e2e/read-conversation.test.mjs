// A generation reads as a conversation: roles, tool calls with their
// arguments, results linked to their call, for every SDK's files; the
// Messages | Markdown | JSON choice is remembered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";
import { generations, interopFile, expected, providerShapes } from "./conversation-files.mjs";

const SDK_FILES = ["ai-sdk-6.json", "ai-sdk-7.json", "otel-js-genai.json", "langchain-openinference.json", "openllmetry-openai.json", "openinference-openai.json"];

async function openGeneration(viewer, record) {
  await viewer.openTrace(record.trace_id, record.id);
  await viewer.waitForDetail(record.name);
  await viewer.page.waitForSelector("[data-testid=detail] [data-testid=messages]");
}

/** The detail panel's messages: [role, text of the block] per message. */
async function messages(page, section) {
  return page.$$eval(`[data-testid=detail-${section}] .message`, (nodes) => nodes.map((n) => [n.dataset.role, n.textContent]));
}

test("every SDK's LLM calls read as conversations with tool calls and results", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.loadFiles(SDK_FILES.map(interopFile));
    assert.equal(await viewer.errors(), "");
    for (const file of SDK_FILES) {
      const { calling, answering } = generations(file);
      assert.ok(calling, `${file} has a call that uses a tool`);
      await openGeneration(viewer, calling);
      const input = await messages(page, "input");
      assert.ok(input.some(([role]) => role === "user"), `${file}: the user speaks: ${JSON.stringify(input)}`);
      const calls = await page.$$eval("[data-testid=detail-output] .message[data-role=assistant] .tool-call", (nodes) =>
        nodes.map((n) => [n.querySelector(".tool-name").textContent, JSON.parse(n.querySelector(".arguments").textContent)]));
      assert.ok(calls.length > 0, `${file}: the answer calls a tool`);
      for (const [name, args] of calls) assert.ok(name && typeof args === "object", `${file}: ${name} with JSON arguments`);
      if (file === "ai-sdk-7.json") await viewer.screenshot("messages-tool-call");
      if (!answering) continue;
      await openGeneration(viewer, answering);
      const results = await page.$$eval("[data-testid=detail-input] .message[data-role=tool] .tool-result", (n) => n.length);
      assert.ok(results > 0, `${file}: the tool's result is a tool message`);
    }

    // A result links to its call: following it shows the call.
    const { answering } = generations("ai-sdk-6.json");
    await openGeneration(viewer, answering);
    await page.click("[data-testid=detail-input] .tool-result .result-of");
    await page.waitForSelector("[data-testid=detail-input] .tool-call.flash");
    await viewer.screenshot("messages-result-linked");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("each provider's request and answer read as the same conversation", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.dropFile("shapes.json", providerShapes());
    assert.equal(await viewer.errors(), "");
    for (const shape of ["openai-chat", "openai-responses", "anthropic-messages", "gemini-contents", "ai-sdk-messages", "langchain-messages"]) {
      const caseName = shape === "ai-sdk-messages" ? "v6_final_answer" : shape === "langchain-messages" ? "chat_final_answer" : "final_answer";
      await viewer.openTrace("shapes", `${shape}:${caseName}`);
      await viewer.waitForDetail(`${shape} ${caseName}`);
      await page.waitForSelector("[data-testid=detail-input] [data-testid=messages]");
      const roles = (await messages(page, "input")).map(([role]) => role);
      assert.equal(roles[0], "system", `${shape}: ${roles}`);
      for (const role of ["user", "assistant", "tool"]) assert.ok(roles.includes(role), `${shape}: ${role} in ${roles}`);
      assert.equal(await page.$$eval("[data-testid=detail-input] img.thumb", (n) => n.length), 1, `${shape}: the inline photo shows`);
      const remote = await page.textContent("[data-testid=detail-input] .remote-image");
      assert.match(remote, /https:\/\/example\.com\/receipts\/A-1042\.jpg/, `${shape}: the remote image is named, not loaded`);
      assert.equal(await page.textContent("[data-testid=detail-input] .tool-call .tool-name"), "lookup_order");
      const answer = await messages(page, "output");
      assert.ok(answer.length > 0 && answer.every(([role]) => role === "assistant"), `${shape}: ${JSON.stringify(answer)}`);
    }
    await viewer.openTrace("shapes", "anthropic-messages:tool_call");
    await viewer.waitForDetail("anthropic-messages tool_call");
    const reasoning = page.locator("[data-testid=detail-output] details.reasoning");
    assert.equal(await reasoning.getAttribute("open"), null, "reasoning is folded");
    await reasoning.locator("summary").click();
    assert.match(await reasoning.textContent(), /cracked shade/);
    await viewer.screenshot("messages-reasoning");
  } finally {
    await viewer.close();
  }
});

test("Messages, Markdown or JSON: the choice applies everywhere and is remembered", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.loadFiles([interopFile("otel-js-genai.json")]);
    const { calling } = generations("otel-js-genai.json");
    await openGeneration(viewer, calling);
    assert.equal(await page.getAttribute("[data-testid=view-messages]", "aria-pressed"), "true", "a generation opens on Messages");
    await page.click("[data-testid=view-json]");
    await page.waitForSelector("[data-testid=detail-input] .json");
    assert.equal(await page.$$eval("[data-testid=detail] [data-testid=messages]", (n) => n.length), 0);
    await page.reload();
    await page.waitForSelector("[data-testid=detail-input] .json");
    assert.equal(await page.getAttribute("[data-testid=view-json]", "aria-pressed"), "true", "remembered after a reload");
    await page.click("[data-testid=view-markdown]");
    await page.waitForSelector("[data-testid=detail-input] [data-testid=messages] .markdown");
    await page.click("[data-testid=view-messages]");
    await page.waitForSelector("[data-testid=detail-output] [data-testid=messages]");
  } finally {
    await viewer.close();
  }
});

test("a session reads as a chat, each turn's calls expand in place", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.loadFiles([interopFile("ai-sdk-6.json")]);
    const session = expected("ai-sdk-6.json").traces[0].session_id;
    await viewer.goto(`?page=session&id=${encodeURIComponent(session)}`);
    await page.waitForSelector("[data-testid=turn]");
    const turn = page.locator("[data-testid=turn]").first();
    const roles = await turn.locator(".chat > [data-testid=messages] .message").evaluateAll((n) => n.map((e) => e.dataset.role));
    assert.deepEqual(roles, ["user", "assistant"], "the question, then the answer");
    const steps = turn.locator("[data-testid=turn-steps]");
    assert.match(await steps.locator(":scope > summary").textContent(), /LLM calls? · \d+ tool calls?/);
    await steps.locator(":scope > summary").click();
    assert.ok(await steps.locator(".step[data-type=tool]").count() > 0, "tool calls listed");
    assert.ok(await steps.locator(".step[data-type=generation] .tool-call").count() > 0, "an LLM call's tool call shows");
    await viewer.screenshot("session-chat");
    await viewer.toggleTheme();
    await viewer.screenshot("session-chat-dark");
  } finally {
    await viewer.close();
  }
});
