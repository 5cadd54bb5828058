"""Matching nodes across versions: renamed nodes by their content, retitled sections by their
place and their children. Each step's cost grows with the text, not with the product of the
numbers of removed and added nodes."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import Any

from msgspec import Struct

from .nodes import Node
from .rules import HEADING
from .words import normalise_text, normalise_words

Nodes = Mapping[str, Mapping[str, Node]]
"""kind -> id -> node, as `nodes()` gives them."""


class Pair(Struct):
    """A node in both versions: under the same id, or renamed."""

    old: Node
    new: Node
    renamed: bool


#: Two nodes with this much of their word pairs in common are the same node, renamed.
RENAME_SIMILARITY = 0.6
#: Sections at the same place under the same parent need only this much in common.
ALIGNED_SIMILARITY = 0.5
#: Word pairs found in more nodes than this say nothing about which node is which.
_COMMON_SHINGLE = 200
#: How many of its rarest word pairs a removed node looks up to find its candidates.
_PROBES = 24
#: How many of the most similar-looking added nodes each removed node is compared with.
_CANDIDATES = 8


class Content(Struct):
    """A node's normalised words, as a key for exact matches and word pairs for near ones."""

    key: str
    shingles: frozenset[str]
    title: str


def content_of(node: Node) -> Content:
    words = normalise_words(node.own_text)
    title = normalise_text(node.label)
    extra = str(node.field("kind") or node.field("mode") or "")
    key = hashlib.sha256(f"{extra}\x00{title}\x00{' '.join(words)}".encode()).hexdigest()
    every = title.split() + words
    shingles = {f"{a} {b}" for a, b in pairwise(every)} if len(every) > 1 else set(every)
    return Content(key, frozenset(shingles), title)


def dice(a: Content, b: Content) -> float:
    total = len(a.shingles) + len(b.shingles)
    return 2 * len(a.shingles & b.shingles) / total if total else 0.0


def match_renames(
    removed: Sequence[Node], added: Sequence[Node], contents: Mapping[int, Content]
) -> list[tuple[Node, Node]]:
    """Pairs (old, new) of one kind that are the same node under a new id.

    Equal normalised content pairs first (in document order); then the rest pair by the Dice
    coefficient of their word pairs, at least `RENAME_SIMILARITY`, best first. Each removed node
    looks up only its rarest word pairs in an index of the added ones and compares itself with the
    few nodes that share the most, so the work grows with the size of the text, not with the
    product of the numbers of removed and added nodes.
    """
    pairs: list[tuple[Node, Node]] = []
    by_key: dict[str, list[Node]] = defaultdict(list)
    for node in added:
        by_key[contents[id(node)].key].append(node)
    rest_removed: list[Node] = []
    for node in removed:
        same = by_key.get(contents[id(node)].key)
        if same:
            pairs.append((node, same.pop(0)))
        else:
            rest_removed.append(node)
    taken = {id(new) for _, new in pairs}
    rest_added = [node for node in added if id(node) not in taken]
    if not rest_removed or not rest_added:
        return pairs
    index: dict[str, list[int]] = defaultdict(list)
    for position, node in enumerate(rest_added):
        for shingle in contents[id(node)].shingles:
            index[shingle].append(position)
    scored: list[tuple[float, int, int]] = []
    for r_position, node in enumerate(rest_removed):
        content = contents[id(node)]
        known = [s for s in content.shingles if 0 < len(index.get(s, ())) <= _COMMON_SHINGLE]
        probes = sorted(known, key=lambda s: (len(index[s]), s))[:_PROBES]
        shared: dict[int, int] = defaultdict(int)
        for shingle in probes:
            for a_position in index[shingle]:
                shared[a_position] += 1
        best = sorted(shared, key=lambda a_position: (-shared[a_position], a_position))
        for a_position in best[:_CANDIDATES]:
            similarity = dice(content, contents[id(rest_added[a_position])])
            if similarity >= RENAME_SIMILARITY:
                scored.append((similarity, r_position, a_position))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_removed: set[int] = set()
    used_added: set[int] = set()
    for _, r_position, a_position in scored:
        if r_position in used_removed or a_position in used_added:
            continue
        used_removed.add(r_position)
        used_added.add(a_position)
        pairs.append((rest_removed[r_position], rest_added[a_position]))
    return pairs


def aligned_sections(
    old_nodes: Nodes,
    new_nodes: Nodes,
    pairs: Sequence[Pair],
    renames: Sequence[tuple[Node, Node]],
    contents: Mapping[int, Content],
) -> list[tuple[Node, Node]]:
    """Unmatched sections at the same place: under the same (matched) parent, after the same
    matched sibling, at the same level, in the same order, and alike (same title, or at least
    `ALIGNED_SIMILARITY`). Catches renames whose text changed too much, or is too common in
    the document, to be recognised by content alone. Top-down, so parents pair first."""
    partner = {p.old.id: p.new.id for p in pairs}
    partner.update((a.id, b.id) for a, b in renames)
    back = {new: old for old, new in partner.items()}
    if all(i in partner for i in old_nodes[HEADING]) or all(i in back for i in new_nodes[HEADING]):
        return []  # no section left unmatched on one side: none to align
    old_children: dict[str | None, list[Node]] = defaultdict(list)
    for node in old_nodes[HEADING].values():
        old_children[node.parent].append(node)
    new_children: dict[str | None, list[Node]] = defaultdict(list)
    for node in new_nodes[HEADING].values():
        new_children[node.parent].append(node)
    found: list[tuple[Node, Node]] = []
    for new_parent in [None, *new_nodes[HEADING]]:
        old_parent = back.get(new_parent) if new_parent is not None else None
        if new_parent is not None and old_parent is None:
            continue
        old_runs = unmatched_runs(old_children.get(old_parent, []), partner.get)
        new_runs = unmatched_runs(new_children.get(new_parent, []), back.get, same=True)
        for anchor, old_run in old_runs.items():
            for old, new in zip(old_run, new_runs.get(anchor, []), strict=False):
                a, b = contents[id(old)], contents[id(new)]
                if old.level == new.level and (
                    (a.title and a.title == b.title) or dice(a, b) >= ALIGNED_SIMILARITY
                ):
                    found.append((old, new))
                    partner[old.id], back[new.id] = new.id, old.id
    return found


def renamed_parents(
    old_nodes: Nodes, new_nodes: Nodes, pairs: Sequence[Pair]
) -> list[tuple[Node, Node]]:
    """Sections left unmatched whose subsections all moved under one new section of the same
    level: a heading retitled (so its id, made from the title, changed) with little or no
    text of its own to recognise it by. Deepest first, so renames cascade upwards."""
    old_sections, new_sections = old_nodes[HEADING], new_nodes[HEADING]
    partner = {p.old.id: p.new.id for p in pairs}
    unmatched = [n for i, n in old_sections.items() if i not in partner]
    if not unmatched:
        return []
    taken = set(partner.values())
    children: dict[str, list[str]] = defaultdict(list)
    for node in old_sections.values():
        parent = node.parent
        if parent is not None:
            children[str(parent)].append(node.id)
    # Annotations count as children too: their ids are explicit, so they match by id.
    held: dict[str, list[Any]] = defaultdict(list)
    for kind in old_nodes:
        if kind == HEADING:
            continue
        new_of_kind = new_nodes.get(kind, {})
        for ident, node in old_nodes[kind].items():
            section = node.section
            if section is not None:
                moved_to = new_of_kind[ident].section if ident in new_of_kind else ""
                held[str(section)].append(moved_to)
    found: list[tuple[Node, Node]] = []
    for node in sorted(unmatched, key=lambda n: -n.level):
        kids = [partner[k] for k in children.get(node.id, ()) if k in partner]
        parents = {new_sections[k].parent for k in kids}
        parents.update(held.get(node.id, ()))
        if len(kids) != len(children.get(node.id, ())) or len(parents) != 1:
            continue
        candidate = new_sections.get(str(parents.pop()))
        if candidate is not None and candidate.id not in taken and candidate.level == node.level:
            found.append((node, candidate))
            partner[node.id] = candidate.id
            taken.add(candidate.id)
    return found


def unmatched_runs(
    children: Sequence[Node], matched: Callable[[str], str | None], same: bool = False
) -> dict[str | None, list[Node]]:
    """The unmatched children, grouped by the matched sibling before them (as a new id; None at
    the start). `matched(id)` gives a child's partner, or None; `same` says the children are
    already new ones, so a matched child is its own anchor."""
    runs: dict[str | None, list[Node]] = defaultdict(list)
    anchor: str | None = None
    for child in children:
        partner = matched(child.id)
        if partner is None:
            runs[anchor].append(child)
        else:
            anchor = child.id if same else partner
    return runs
