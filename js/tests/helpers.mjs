// Shared by the package tests: a tracer whose problems are collected.
import { Tracer } from "prompttrace";

export function tracer(options = {}) {
  const problems = [];
  const t = new Tracer({ onError: (error) => problems.push(error.message), ...options });
  return { tracer: t, problems };
}

/** Every node of a summary tree, depth first. */
export function nodes(tree) {
  return tree.flatMap((node) => [node, ...nodes(node.children)]);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
