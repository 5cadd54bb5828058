"""The site's stylesheet parses: every rule closed, so no rule ends up inside another's media query
(a lost brace once put the screen rules of examples and spans inside `@media print`)."""

from __future__ import annotations

from importlib import resources

import tinycss2


def test_the_stylesheet_parses_and_its_screen_rules_are_at_the_top_level() -> None:
    text = resources.files("compiler").joinpath("assets", "constitution.css").read_text("utf-8")
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    assert [rule for rule in rules if rule.type == "error"] == []
    top = {
        tinycss2.serialize(rule.prelude).strip() for rule in rules if rule.type == "qualified-rule"
    }
    assert ".md-typeset .cc-span > .headerlink" in top
    assert ".md-typeset .cc-turn" in top
    # Braces balance: the last rule closes the file.
    assert text.count("{") == text.count("}")
