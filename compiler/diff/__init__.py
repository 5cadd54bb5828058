"""The semantic diff of two compiled constitutions: nodes matched by id (renames and moves
detected), every change classified by a stable rule id at the level in force, with a redline.

`diff_documents` is the entry point (over compiled JSON documents: `compile_spec(...).document`
or a loaded release); the `render_*` functions turn its result into text, Markdown, HTML or JSON.
The package, from the bottom up:

- `rules`: rule ids, levels, the defaults and a project's `Levels`, and the built-in kinds' roles
  read from the default grammar (no module of the diff names a kind); `fields`: the levels of field
  changes from the grammar (`FieldSpec.diff`) and typed comparison of declared fields; `config`:
  reading a project's levels from its ``constitution.yaml`` (the ``diff:`` section and the
  grammar); `example_rules`: the rules of worked examples and prompts, with their levels (data);
- `words`: normalised words, spelling fixes, editorial edits; `align`: linear-cost sequence
  alignment; `lossless` (edits slid to word boundaries), `moves` (moved blocks) and `redlines`:
  grouped redlines; `redline_views`: context, JSON and line structure; `hunks`: a redline cut into changed sentences,
  each reported as its own change, where it is (typography alone: one change per node);
- `result`: `Change` and `DiffResult`, and their JSON; `nodes`: the nodes of a document, read
  through the typed model (`compiler.document`, schema 1.x to 3.x; two JSON documents read
  together, `read_pair`, so that a node the same on both sides is one model, whose own content
  the differ does not compare again), with where the span nodes in their text stand; `match`: renames and retitled sections; `report` (the diff's state, and
  how a change is reported), `orders` (orders, ranks, places) and `field_changes` (fields,
  attributes, links): the comparison, joined in `differ` (which also picks the field levels in
  force: those the new document carries, since schema 3.1.0); `examples`: the worked examples
  and prompts files added, removed, moved or changed (`compiler.examples`' `ExampleSet`s);
- `render` (text, Markdown, JSON) and `html`. None of them holds command-line code: the
  ``constitution diff`` command is in `compiler.cli.diff`.
"""

from .config import levels_file, load_levels
from .differ import diff_documents, side_of
from .html import redline_html, render_html, render_html_fragment
from .redlines import CONTEXT_WORDS, Segment, redline
from .render import (
    RENDERERS,
    redline_markdown,
    redline_text,
    render_json,
    render_markdown,
    render_text,
    summary_line,
    terminal_safe,
)
from .result import SCHEMA_FILE, Change, DiffResult, Position, Side, schema, schema_id
from .rules import (
    BUMPS,
    DEFAULT_LEVELS,
    KINDS,
    LEVELS,
    RULES,
    IgnoreEntry,
    Level,
    LevelEntry,
    Levels,
    Selector,
    rules_table,
)
from .words import is_editorial, is_typo_fix, normalise_text, normalise_words

__all__ = [
    "BUMPS",
    "CONTEXT_WORDS",
    "DEFAULT_LEVELS",
    "KINDS",
    "LEVELS",
    "RENDERERS",
    "RULES",
    "SCHEMA_FILE",
    "Change",
    "DiffResult",
    "IgnoreEntry",
    "Level",
    "LevelEntry",
    "Levels",
    "Position",
    "Segment",
    "Selector",
    "Side",
    "diff_documents",
    "is_editorial",
    "is_typo_fix",
    "levels_file",
    "load_levels",
    "normalise_text",
    "normalise_words",
    "redline",
    "redline_html",
    "redline_markdown",
    "redline_text",
    "render_html",
    "render_html_fragment",
    "render_json",
    "render_markdown",
    "render_text",
    "rules_table",
    "schema",
    "schema_id",
    "side_of",
    "summary_line",
    "terminal_safe",
]
