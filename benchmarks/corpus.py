"""Synthetic benchmark corpora: many chapters made from the real spec (and the OpenAI model spec,
when present), with every id made unique, so a spec of any size compiles without errors.

`generate` writes a spec directory of about `target_bytes`; `edit_version` writes a second
version of it with realistic edits (reworded sentences, a moved section, renamed ids, a removed
paragraph and a new section) for the diff benchmark. Both are deterministic.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parent.parent
SPEC_DIR = REPO / "spec"
#: The spec's declarations (its kinds and fields), copied beside every generated spec.
DECLARATIONS = SPEC_DIR / "constitution.yaml"
CORPUS_DIR = Path("/work/shared/corpus/openai-model-spec")

#: `{#id` in a heading or fence, `(#id)` in a link.
_ID_SITE = re.compile(r"(?<=[{(]#)([\w-]+)")
#: Attributes whose values are lists of ids.
_ID_LIST = re.compile(r'\b(order|concerns|justifies|adjustable_by)=(?:"([^"]*)"|([\w-]+))')
_RANK = re.compile(r"\brank=(\d+)")
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)


@dataclass(frozen=True)
class Source:
    """One source document, split into chapters (file stem, text)."""

    name: str
    chapters: tuple[tuple[str, str], ...]
    ids: frozenset[str]
    """Explicit ids the document defines."""
    properties: int
    """How many properties it defines (their ranks are 1..properties)."""

    @property
    def size(self) -> int:
        return sum(len(text.encode("utf-8")) for _, text in self.chapters)


def _explicit_ids(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\{#([\w-]+)", text))


def _split_chapters(text: str, stem: str) -> tuple[tuple[str, str], ...]:
    """Split a single-file document at its level-1 headings (found by a parser, not a regex,
    so that `# ` lines inside code blocks stay where they are)."""
    tokens = MarkdownIt("commonmark").parse(text)
    starts = [t.map[0] for t in tokens if t.type == "heading_open" and t.tag == "h1" and t.map]
    lines = text.split("\n")
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    bounds = [*starts, len(lines)]
    parts = []
    for number, (start, end) in enumerate(pairwise(bounds), start=1):
        chunk = "\n".join(lines[start:end]).strip("\n") + "\n"
        if chunk.strip():
            parts.append((f"{stem}-{number}", chunk))
    return tuple(parts)


def load_sources() -> list[Source]:
    """The real spec, then each version of the model spec that is present."""
    texts = [(p.stem, p.read_text("utf-8")) for p in sorted(SPEC_DIR.glob("*.md"))]
    whole = "\n".join(text for _, text in texts)
    sources = [
        Source(
            "spec",
            tuple(texts),
            _explicit_ids(whole),
            len(re.findall(r"^:+ property\b", whole, re.MULTILINE)),
        )
    ]
    for version_dir in sorted(CORPUS_DIR.glob("*/")) if CORPUS_DIR.is_dir() else []:
        model_spec = version_dir / "model_spec.md"
        if model_spec.is_file():
            text = model_spec.read_text("utf-8")
            sources.append(
                Source(
                    f"model-spec-{version_dir.name}",
                    _split_chapters(text, "model-spec"),
                    _explicit_ids(text),
                    0,
                )
            )
    return sources


def _rename(text: str, mapping: dict[str, str]) -> str:
    """Rename ids where they are defined and wherever they are named (links, id lists)."""

    def one(ident: str) -> str:
        return mapping.get(ident, ident)

    text = _ID_SITE.sub(lambda m: one(m[1]), text)

    def id_list(match: re.Match[str]) -> str:
        key, quoted, bare = match[1], match[2], match[3]
        if bare is not None:
            return f"{key}={one(bare)}"
        return f'{key}="{" ".join(one(i) for i in quoted.split())}"'

    return _ID_LIST.sub(id_list, text)


def _rewrite(text: str, ids: frozenset[str], suffix: str, rank_offset: int) -> str:
    """Give every id of the document the copy's suffix, and its property ranks an offset."""
    if suffix:
        text = _rename(text, {ident: f"{ident}{suffix}" for ident in ids})
    if rank_offset:
        text = _RANK.sub(lambda m: f"rank={int(m[1]) + rank_offset}", text)
    return text


def _front_matter(text: str, chapter: int, first: bool) -> str:
    """Keep the document's title and version in the first file only; number every chapter."""
    match = _FRONT_MATTER.match(text)
    body = text[match.end() :] if match else text
    kept = []
    if match:
        for line in match[1].splitlines():
            key = line.split(":", 1)[0].strip()
            if key == "chapter" or (key in ("title", "version") and not first):
                continue
            kept.append(line)
    head = "\n".join([*kept, f"chapter: {chapter}"])
    return f"---\n{head}\n---\n\n{body.lstrip()}"


def generate(target_bytes: int, out_dir: Path) -> Path:
    """Write a spec of about `target_bytes` into `out_dir` (replaced); return `out_dir`.

    Copies of each source are added in turn, the real spec weighted so that it makes about a
    third of the bytes (it carries the annotations). Every copy's ids get a unique suffix and its
    property ranks an offset, so the whole spec compiles without errors.
    """
    sources = load_sources()
    spec = sources[0]
    shares = {s.name: (1 / 3 if len(sources) > 1 else 1.0) for s in sources}
    for other in sources[1:]:
        shares[other.name] = (2 / 3) / (len(sources) - 1)
    written = dict.fromkeys(shares, 0)
    copies = dict.fromkeys(shares, 0)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    total = 0
    chapter = 0
    rank_offset = 0
    while total < target_bytes:
        # The source furthest below its share goes next; the real spec goes first.
        source = (
            spec if chapter == 0 else min(sources, key=lambda s: written[s.name] / shares[s.name])
        )
        copy = copies[source.name]
        copies[source.name] += 1
        suffix = f"-{sources.index(source)}c{copy}" if chapter else ""
        offset = rank_offset if source.properties else 0
        rank_offset += source.properties
        for stem, text in source.chapters:
            chapter += 1
            body = _front_matter(_rewrite(text, source.ids, suffix, offset), chapter, chapter == 1)
            data = body.encode("utf-8")
            (out_dir / f"{chapter:04d}-{stem}.md").write_bytes(data)
            total += len(data)
            written[source.name] += len(data)
    if DECLARATIONS.is_file():
        shutil.copy(DECLARATIONS, out_dir / DECLARATIONS.name)
    return out_dir


# --- a second version ----------------------------------------------------------------------

_REWORDINGS = [
    ("should", "must"),
    ("generally", "usually"),
    ("important", "essential"),
    ("However,", "Even so,"),
    ("the user", "the person"),
    ("we want", "we would like"),
    ("can", "may"),
]


def _prose_lines(lines: list[str]) -> list[int]:
    """Indexes of ordinary paragraph lines, outside code fences and annotation fences."""
    found = []
    fenced = False
    for index, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line[:1].isalpha() and len(line) > 80:
            found.append(index)
    return found


def edit_version(src_dir: Path, out_dir: Path, seed: int = 6) -> Path:
    """Copy `src_dir` to `out_dir` with realistic edits, the same ones every time."""
    rng = random.Random(seed)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(src_dir, out_dir)
    files = sorted(out_dir.glob("*.md"))
    texts = {path: path.read_text("utf-8") for path in files}

    # Reword about one paragraph in fifty, and drop one in five hundred.
    for path in files:
        lines = texts[path].split("\n")
        for index in _prose_lines(lines):
            roll = rng.random()
            alone = 0 < index < len(lines) - 1 and not lines[index - 1] and not lines[index + 1]
            if roll < 0.002 and alone:
                lines[index] = ""
            elif roll < 0.02:
                old, new = rng.choice(_REWORDINGS)
                if old in lines[index]:
                    lines[index] = lines[index].replace(old, new, 1)
                else:
                    lines[index] += " This applies in every context."
        texts[path] = "\n".join(lines)

    # Rename a few heading ids, with every link to them.
    all_ids = sorted(
        {i for text in texts.values() for i in re.findall(r"^#+ .*\{#([\w-]+)", text, re.M)}
    )
    renamed = {i: f"{i}-renamed" for i in rng.sample(all_ids, min(5, len(all_ids)))}
    for path in files:
        texts[path] = _rename(texts[path], renamed)

    # Move a level-2 section (with its subsections) to the end of another chapter.
    candidates = [p for p in files if re.search(r"^## .*\{#", texts[p], re.M)]
    if len(candidates) >= 2:
        origin, target = rng.sample(candidates, 2)
        lines = texts[origin].split("\n")
        tokens = MarkdownIt("commonmark").parse(texts[origin])
        heads = [(t.map[0], int(t.tag[1])) for t in tokens if t.type == "heading_open" and t.map]
        level2 = [i for i, (_, level) in enumerate(heads) if level == 2]
        pick = rng.choice(level2)
        start = heads[pick][0]
        end = next((line for line, level in heads[pick + 1 :] if level <= 2), len(lines))
        moved = lines[start:end]
        texts[origin] = "\n".join(lines[:start] + lines[end:])
        texts[target] = texts[target].rstrip("\n") + "\n\n" + "\n".join(moved).strip("\n") + "\n"

    # Add a new section to the last chapter.
    last = files[-1]
    texts[last] = (
        texts[last].rstrip("\n")
        + "\n\n## A new section {#a-new-section}\n\nThis section is new in the second version; "
        + "it links back to [the overview](#overview).\n"
    )
    for path in files:
        path.write_text(texts[path], "utf-8")
    return out_dir
