#!/usr/bin/env node
// Reads the orders from a compiled constitution (the JSON `constitution compile` writes, or the
// site's constitution.json) and prints them, highest level first; with two ids, says how they
// stand (higher, lower, tied or unrelated), from the JSON's explicit ranks with one comparison.
// Plain Node (>= 18), no packages.
//
//   node examples/read-priorities.mjs constitution.json
//   node examples/read-priorities.mjs constitution.json anthropic users
//   constitution compile spec | node examples/read-priorities.mjs -
//
// Exit status: 0 on success, 1 when the file cannot be read or is not a compiled constitution
// of a schema version this script understands, 2 on a usage error.
//
// The JSON follows https://constitution-compiler.dev/schemas/constitution/MAJOR.MINOR.PATCH/...;
// a new MAJOR version may break this script, so it refuses one it does not know. Validate the
// file first for a full check: npx ajv validate --spec=draft2020 -c ajv-formats -s SCHEMA -d FILE

import { readFileSync } from "node:fs";

const SCHEMA = /^https:\/\/constitution-compiler\.dev\/schemas\/constitution\/(\d+)\.(\d+)\.(\d+)\//;
const SUPPORTED_MAJORS = [2, 3]; // 3.0.0 added conversations; orders are as in 2.0.0
function fail(message, status = 1) {
  process.stderr.write(`read-priorities: ${message}\n`);
  process.exit(status);
}

function readDocument(path) {
  let text;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    fail(`cannot read ${path}: ${error.message}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    fail(`${path} is not JSON: ${error.message}`);
  }
}

function checkVersion(document, path) {
  const match = SCHEMA.exec(String(document?.$schema ?? ""));
  if (!match) {
    fail(`${path} is not a compiled constitution (its $schema is ${JSON.stringify(document?.$schema)})`);
  }
  if (!SUPPORTED_MAJORS.includes(Number(match[1]))) {
    fail(`${path} follows schema ${match[1]}.${match[2]}.${match[3]}; this script reads ${SUPPORTED_MAJORS.join(".x, ")}.x`);
  }
}

// Precedence of a over b, from the JSON alone: the orders that hold both ids, and in each one
// comparison of their ranks (ranks are local to an order; equal ranks are tied). A strict order
// that decides makes it strict, as `outranks(a, b, strictly=True)` in Python.
export function precedence(document, a, b) {
  const deciding = document.orders.filter((o) => a in o.ranks && b in o.ranks);
  if (deciding.length === 0) return { relation: "unrelated", mode: null, orders: [] };
  const [first] = deciding;
  const relation = first.ranks[a] < first.ranks[b] ? "higher" : first.ranks[a] > first.ranks[b] ? "lower" : "tied";
  const strict = deciding.some((o) => o.mode === "strict" && o.ranks[a] !== o.ranks[b]);
  return { relation, mode: strict ? "strict" : "holistic", orders: deciding.map((o) => o.id) };
}

function describe(document) {
  const lines = [];
  const head = document.document;
  const title = head.title ?? "Untitled constitution";
  lines.push(head.version ? `${title} ${head.version}` : title);
  const byId = new Map(document.nodes.map((n) => [n.id, n]));
  for (const order of document.orders) {
    const rule = document.modes[order.mode]?.rule ?? MODES[order.mode] ?? "see its text";
    lines.push("", `Order ${order.id} over ${order.kind} (${order.mode}: ${rule})`);
    order.levels.forEach((level, index) => {
      const names = level.map((id) => `${id}: ${byId.get(id)?.title ?? id}`);
      lines.push(`  ${index + 1}. ${names.join("; ")}${level.length > 1 ? " (tied)" : ""}`);
    });
  }
  const hard = document.nodes.filter((n) => n.kind === "constraint" && n.fields.kind === "hard");
  if (hard.length > 0) {
    lines.push("", "Hard constraints (not weighed in any order):");
    for (const c of hard) {
      lines.push(`  ${c.id} (concerns ${(c.fields.concerns ?? []).join(", ") || "nothing named"})`);
    }
  }
  return lines.join("\n") + "\n";
}

const args = process.argv.slice(2);
if (args.length < 1 || args.length === 2 || args.length > 3 || args[0] === "-h" || args[0] === "--help") {
  process.stderr.write("usage: node read-priorities.mjs FILE.json [A B]   (FILE - for standard input)\n");
  process.exit(args.length === 1 ? 0 : 2);
}
const document = readDocument(args[0]);
checkVersion(document, args[0]);
if (args.length === 3) {
  const found = precedence(document, args[1], args[2]);
  const where = found.orders.length ? ` in ${found.orders.join(", ")} (${found.mode})` : "";
  process.stdout.write(`${args[1]} ${found.relation} ${args[2]}${where}\n`);
} else {
  process.stdout.write(describe(document));
}
