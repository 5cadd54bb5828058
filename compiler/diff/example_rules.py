"""The diff's rules for worked examples and evaluation prompts, with their default levels.

Plain data, so that `rules` can list them with its own (one import, no cycle); `examples`
applies them. Levels answer the diff's question, "what does a consumer that pinned the old version have to
do?": a harness built on the examples gets new or fewer cases (substantive), or, when the same
reply is now judged otherwise, grades it the other way round (breaking).
"""

from __future__ import annotations

from ..grammar.examples import EXAMPLE, PROMPT
from ..grammar.examples import EXAMPLE_KINDS as _KINDS

EXAMPLE_SUBJECT = _KINDS[EXAMPLE].name
"""What an example's change is about: a worked example (the kind's name)."""
PROMPTS_SUBJECT = _KINDS[PROMPT].key
"""What a prompts file's change is about: the file, that holds the kind's nodes (its key)."""
EXAMPLE_KINDS = (EXAMPLE_SUBJECT, PROMPTS_SUBJECT)
"""The subjects these rules report, as the diff's entries name them."""

#: rule -> (default level, when it applies)
EXAMPLE_RULES: dict[str, tuple[str, str]] = {
    "example-added": ("substantive", "a worked example was added"),
    "example-removed": ("substantive", "a worked example was removed"),
    "example-moved": ("substantive", "a worked example now illustrates another section"),
    "example-title-changed": ("editorial", "a worked example's title was reworded"),
    "example-conversation-changed": (
        "substantive",
        "the turns of a worked example changed (roles, attributes or words)",
    ),
    "example-replies-changed": (
        "substantive",
        "the replies a worked example judges changed: added, removed, reworded, or their reason",
    ),
    "example-verdict-changed": (
        "breaking",
        "a reply a worked example judges is now judged otherwise (good, acceptable, bad)",
    ),
    "prompts-added": ("substantive", "a prompts file was added, with the footnote naming it"),
    "prompts-removed": ("substantive", "a prompts file was removed, with the footnote naming it"),
    "prompts-moved": ("substantive", "a prompts file's footnote now stands in another section"),
    "prompts-changed": ("substantive", "the evaluation prompts of a file changed"),
    "prompts-passage-changed": (
        "substantive",
        "the passage that names a prompts file was reworded: do its prompts still test it?",
    ),
}
