#!/usr/bin/env node
// Prints a node's paragraphs as HTML with their inline formatting (emphasis, strong, struck-out
// text, inline code, links), rebuilt from the `marks` a compiled constitution records beside
// each paragraph's plain `text` (schema 3.2.0 and later). Plain Node (>= 18), no packages.
//
//   node examples/formatted-text.mjs constitution.json broadly-safe
//   constitution compile spec | node examples/formatted-text.mjs - overview
//
// A mark's `start` and `end` count Unicode code points, not the UTF-16 units JavaScript strings
// index: an emoji before a mark counts 1 there, 2 in `text.length`. So the text is cut as an
// array of code points (`Array.from`), never with `text.slice`.
//
// Exit status: 0 on success, 1 when the file cannot be read, is not a compiled constitution of
// a schema this script understands or has no such node, 2 on a usage error.

import { readFileSync } from "node:fs";

const SCHEMA = /^https:\/\/constitution-compiler\.dev\/schemas\/constitution\/(\d+)\.(\d+)\.(\d+)\//;
const TAGS = { em: "em", strong: "strong", strike: "s", code: "code" };
// The compiler writes only safe hrefs; a consumer checks anyway, as any page showing text does.
const SAFE_HREF = /^(#|https?:\/\/|mailto:|[^:]*$)/i;

function fail(message, status = 1) {
  process.stderr.write(`formatted-text: ${message}\n`);
  process.exit(status);
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The paragraph as HTML: marks nest (ordered by start, the outer first), so a stack of the
// open ones is enough; a mark that would cross the one around it is cut at that one's end.
export function formatParagraph(paragraph) {
  const points = Array.from(paragraph.text);
  const marks = [...(paragraph.marks ?? [])].sort((a, b) => a.start - b.start || b.end - a.end);
  const open = [];
  let html = "";
  let at = 0;
  const textTo = (stop) => {
    if (stop > at) html += escapeHtml(points.slice(at, stop).join(""));
    at = Math.max(at, stop);
  };
  const closeTo = (position) => {
    while (open.length && open[open.length - 1].end <= position) {
      const mark = open.pop();
      textTo(mark.end);
      html += mark.close;
    }
  };
  for (const mark of marks) {
    const start = Math.max(0, mark.start);
    closeTo(start);
    const end = Math.min(mark.end, points.length, open.length ? open[open.length - 1].end : Infinity);
    if (start >= end) continue;
    let tag = TAGS[mark.type];
    let attributes = "";
    if (mark.type === "link") {
      if (typeof mark.href !== "string" || !SAFE_HREF.test(mark.href)) continue;
      tag = "a";
      attributes = ` href="${escapeHtml(mark.href)}"`;
    }
    if (tag === undefined) continue; // a type this script does not know: the text stays plain
    textTo(start);
    html += `<${tag}${attributes}>`;
    open.push({ end, close: `</${tag}>` });
  }
  closeTo(points.length);
  textTo(points.length);
  return html;
}

function* paragraphs(blocks) {
  for (const block of blocks) {
    if (block.type === "paragraph") yield block;
    for (const item of block.items ?? []) yield* paragraphs(item.blocks);
    if (block.type === "quote" || block.type === "admonition") yield* paragraphs(block.blocks);
  }
}

function main(argv) {
  if (argv.length !== 2) fail("usage: formatted-text.mjs FILE|- ID", 2);
  const [path, id] = argv;
  let document;
  try {
    document = JSON.parse(readFileSync(path === "-" ? 0 : path, "utf8").replace(/^\uFEFF/, ""));
  } catch (error) {
    fail(`cannot read ${path}: ${error.message}`);
  }
  const version = SCHEMA.exec(document?.$schema ?? "");
  if (version === null || Number(version[1]) !== 3) {
    fail(`${path} is not a compiled constitution of schema 3.x`);
  }
  if (Number(version[2]) < 2) {
    process.stderr.write(`formatted-text: ${path} records plain text only (schema before 3.2.0)\n`);
  }
  const node = document.nodes.find((n) => n.id === id);
  if (node === undefined) fail(`no node '${id}' in ${path}`);
  for (const paragraph of paragraphs(node.blocks)) {
    process.stdout.write(`<p>${formatParagraph(paragraph)}</p>\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
