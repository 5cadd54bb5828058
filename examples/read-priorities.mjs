#!/usr/bin/env node
// Reads the priorities from a compiled constitution (the JSON `constitution compile` writes, or
// the site's constitution.json) and prints them, highest first. Plain Node (>= 18), no packages.
//
//   node examples/read-priorities.mjs constitution.json
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
const SUPPORTED_MAJOR = 1;
const MODES = {
  holistic: "higher priorities generally dominate, but all are weighed in an overall judgment",
  strict: "a higher priority always wins; lower ones only break ties",
};

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
  if (Number(match[1]) !== SUPPORTED_MAJOR) {
    fail(`${path} follows schema ${match[1]}.${match[2]}.${match[3]}; this script reads ${SUPPORTED_MAJOR}.x`);
  }
}

function describe(document) {
  const lines = [];
  const head = document.document;
  const title = head.title ?? "Untitled constitution";
  lines.push(head.version ? `${title} ${head.version}` : title);
  const byId = new Map(document.properties.map((p) => [p.id, p]));
  for (const priority of document.priorities) {
    lines.push("", `Priority ${priority.id} (${priority.mode}: ${MODES[priority.mode] ?? "see its text"})`);
    priority.order.forEach((id, index) => {
      const property = byId.get(id);
      lines.push(`  ${index + 1}. ${id}: ${property ? property.title : "(not a property)"}`);
    });
  }
  const ranked = [...document.properties].sort((a, b) => a.rank - b.rank);
  const unordered = ranked.filter((p) => !document.priorities.some((q) => q.order.includes(p.id)));
  if (document.priorities.length === 0 || unordered.length > 0) {
    lines.push("", "Properties by rank, in no priority:");
    for (const p of document.priorities.length === 0 ? ranked : unordered) {
      lines.push(`  rank ${p.rank}. ${p.id}: ${p.title}`);
    }
  }
  const hard = document.constraints.filter((c) => c.kind === "hard");
  if (hard.length > 0) {
    lines.push("", "Hard constraints (not weighed against the priorities):");
    for (const c of hard) {
      lines.push(`  ${c.id} (concerns ${c.concerns.join(", ") || "nothing named"})`);
    }
  }
  return lines.join("\n") + "\n";
}

const args = process.argv.slice(2);
if (args.length !== 1 || args[0] === "-h" || args[0] === "--help") {
  process.stderr.write("usage: node read-priorities.mjs FILE.json   (or - for standard input)\n");
  process.exit(args.length === 1 ? 0 : 2);
}
const document = readDocument(args[0]);
checkVersion(document, args[0]);
process.stdout.write(describe(document));
