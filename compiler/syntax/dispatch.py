"""Rule dispatch by first character: the same parse with a fraction of the rule calls.

markdown-it tries every rule, in order, wherever a block or an inline token may start; almost
every rule then looks at one character and gives up. This plugin asks each rule only where it
can match: a rule declares the characters it can start on (`starts_with`), and a block line or
an inline position is offered only to the rules that declared its first character, plus every
rule that declared nothing. The order of the rules that are asked is markdown-it's, so the
tokens are the same (the tests compare both parsers over every fixture, the corpora and
generated Markdown); only the calls that would have returned False are skipped.

A block line's first character is the one markdown-it's rules read, at
``bMarks[line] + tShift[line]``; a line with none (blank, or a lazy continuation past its end)
is offered to every rule. An inline position's character is ``src[pos]``; the ``text`` rule
matches exactly where that character is not one of the parser's terminators. Rules this module
does not know (a plugin added later, a rule replaced with ``ruler.at``) declared nothing, so they
are always asked: dispatch can only skip a call, never change which rule matches. The tables are
rebuilt whenever a ruler's rules change (markdown-it then compiles a new rule list).

The Rust port of markdown-it dispatches inline rules by marker in the same way.

In the same spirit, two rules skip work whose outcome one search in C tells in advance:
``normalize``, which rewrote every line ending and NUL with two regular expressions over the
whole text, only rewrites a text that holds a carriage return or a NUL (the reader has already
made most texts plain ``\n``); ``reference``, which gathered a paragraph and read it character by
character wherever a line starts with ``[`` (a link or a span, in most documents), is asked only
when a ``]:`` follows before the next empty line, as a reference definition's label must.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it import rules_block as block
from markdown_it import rules_inline as inline
from markdown_it.parser_block import ParserBlock, RuleFuncBlockType
from markdown_it.ruler import Ruler
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.admon.index import MARKER_CHARS, admonition
from mdit_py_plugins.front_matter.index import _front_matter_rule

Rule = Callable[..., bool]

_FIRST: dict[Rule, frozenset[str]] = {}
"""The characters each known rule can start on (a rule absent here may start anywhere)."""


def starts_with(rule: Rule, characters: Iterable[str]) -> None:
    """Declare that `rule` (a block or inline rule) only matches where the first character is
    one of `characters`."""
    _FIRST[rule] = frozenset(characters)


def rule_named(ruler: Ruler[Any], name: str) -> Rule:
    """The enabled rule called `name` in `ruler` (for rules a plugin makes in a closure)."""
    rules: dict[str, Rule] = dict(zip(ruler.get_active_rules(), ruler.getRules(""), strict=True))
    return rules[name]


# markdown-it's own rules: each returns False, before anything else, unless it sees one of these.
for _rule, _characters in (
    (block.fence, "`~"),
    (block.blockquote, ">"),
    (block.hr, "*-_"),
    (block.list_block, "*-+0123456789"),
    (block.reference, "["),
    (block.html_block, "<"),
    (block.heading, "#"),
    (_front_matter_rule, "-"),  # only on line 0, where src[0] is the first character
    (admonition, MARKER_CHARS),
    (inline.linkify, ":"),
    (inline.newline, "\n"),
    (inline.escape, "\\"),
    (inline.backtick, "`"),
    (inline.strikethrough.tokenize, "~"),
    (inline.emphasis.tokenize, "*_"),
    (inline.link, "["),
    (inline.image, "!"),
    (inline.autolink, "<"),
    (inline.html_inline, "<"),
    (inline.entity, "&"),
):
    starts_with(_rule, _characters)


def _always(rule: Rule, character: str) -> bool:
    return True


class _Table:
    """The rules to ask for each first character, for one compiled rule list: `by_character`
    for the characters some rule declared (and any `more`), `anywhere` (the rules that declared
    nothing) for every other character."""

    __slots__ = ("anywhere", "by_character", "rules")

    def __init__(
        self,
        rules: list[Rule],
        more: Iterable[str] = (),
        asked: Callable[[Rule, str], bool] = _always,
    ) -> None:
        self.rules = rules
        self.anywhere = [rule for rule in rules if rule not in _FIRST]
        characters = set(more).union(*(_FIRST.get(rule, ()) for rule in rules))
        self.by_character = {
            character: [
                rule
                for rule in rules
                if (character in _FIRST[rule] if rule in _FIRST else asked(rule, character))
            ]
            for character in characters
        }


class _DispatchingRuler(Ruler[Any]):
    """markdown-it's ruler of one parser (block or inline) with its dispatch tables, made when
    first asked and again whenever the rules change (markdown-it then compiles new chains).

    For the block parser, a terminator chain (``getRules("paragraph")`` and the like: the rules
    that may end a paragraph, list or quote, asked in turn until one says yes) comes as one rule
    that asks only those that can start on the line's first character."""

    def __init__(
        self,
        rules: Ruler[Any],
        more: Callable[[], Iterable[str]] = tuple,
        asked: Callable[[Rule, str], bool] = _always,
    ) -> None:
        super().__init__()
        self.__rules__ = rules.__rules__
        self._more, self._asked = more, asked
        self._compiled: object = None
        """markdown-it's compiled chains that the tables were made from."""
        self._tables: dict[str, _Table] = {}
        self._chains: dict[str, list[Rule]] = {}

    def table(self, chainName: str = "") -> _Table:
        """The dispatch table of a chain."""
        if self.__cache__ is None or self.__cache__ is not self._compiled:
            super().getRules()
            self._compiled = self.__cache__
            self._tables, self._chains = {}, {}
        found = self._tables.get(chainName)
        if found is None:
            rules = super().getRules(chainName)
            found = self._tables[chainName] = _Table(rules, self._more(), self._asked)
        return found

    def getRules(self, chainName: str = "") -> list[Rule]:
        if not chainName:
            return super().getRules()
        table = self.table(chainName)  # first: it drops what the old rules made
        chain = self._chains.get(chainName)
        if chain is None:
            chain = self._chains[chainName] = [_any_of(table)]
        return chain


def _any_of(table: _Table) -> RuleFuncBlockType:
    every, anywhere, by_character = table.rules, table.anywhere, table.by_character

    def terminates(state: StateBlock, line: int, endLine: int, silent: bool) -> bool:
        start = state.bMarks[line] + state.tShift[line]
        rules = (
            by_character.get(state.src[start], anywhere) if start < state.eMarks[line] else every
        )
        for rule in rules:  # noqa: SIM110 (a loop: a generator costs a call per rule)
            if rule(state, line, endLine, silent):
                return True
        return False

    return terminates


class DispatchingBlock(ParserBlock):
    """markdown-it's block parser, asking at each line only the rules that can start there."""

    def __init__(self, rules: ParserBlock) -> None:
        super().__init__()
        self.ruler = self.tables = _DispatchingRuler(rules.ruler)

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        """markdown-it's `ParserBlock.tokenize`, with the rules chosen by the line's first
        character."""
        table = self.tables.table()
        every, anywhere, by_character = table.rules, table.anywhere, table.by_character
        src, bMarks, tShift, eMarks = state.src, state.bMarks, state.tShift, state.eMarks
        line = startLine
        maxNesting = state.md.options.maxNesting
        hasEmptyLines = False
        while line < endLine:
            state.line = line = state.skipEmptyLines(line)
            if line >= endLine or state.sCount[line] < state.blkIndent:
                break  # the end, or the end of a nested block (quote, list item)
            if state.level >= maxNesting:
                state.line = endLine  # too deep: the rest is skipped, as markdown-it does
                break
            start = bMarks[line] + tShift[line]
            rules = by_character.get(src[start], anywhere) if start < eMarks[line] else every
            for rule in rules:
                if rule(state, line, endLine, False):
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    break
            else:
                raise RuntimeError("none of the block rules matched")
            state.tight = not hasEmptyLines
            line = state.line
            # a paragraph may "eat" one newline after it in nested lists
            if (line - 1) < endLine and state.isEmpty(line - 1):
                hasEmptyLines = True
            if line < endLine and state.isEmpty(line):
                hasEmptyLines = True
                line += 1
                state.line = line


def _normalize(state: StateCore) -> None:
    """markdown-it's ``normalize``: CR LF and CR become LF, NUL becomes U+FFFD."""
    src = state.src
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


def _reference(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """markdown-it's ``reference``, asked only where a definition may start: its label ends with
    ``]:`` on one line, within its paragraph, which ends at an empty line at the latest."""
    src = state.src
    start = state.bMarks[startLine] + state.tShift[startLine]
    empty = src.find("\n\n", start)
    if src.find("]:", start, len(src) if empty < 0 else empty) < 0:
        return False
    return block.reference(state, startLine, endLine, silent)


starts_with(_reference, "[")


def dispatch_plugin(md: MarkdownIt) -> None:
    """Dispatch `md`'s block and inline rules by first character. Use it last, once every
    other plugin has added its rules (later changes are still honoured: the tables follow the
    rulers)."""
    md.block = DispatchingBlock(md.block)
    md.core.ruler.at("normalize", _normalize)
    md.block.ruler.at("reference", _reference)

    def ascii_terminators() -> list[str]:
        terminator = md.inline.terminator_re.fullmatch
        return [chr(code) for code in range(128) if terminator(chr(code))]

    def asked(rule: Rule, character: str) -> bool:
        """The text rule is asked exactly where the character is not a terminator (ASCII ones
        are listed; any other character falls to `anywhere`, where it decides for itself)."""
        return rule is not inline.text or md.inline.terminator_re.fullmatch(character) is None

    rules = md.inline.ruler = _DispatchingRuler(md.inline.ruler, ascii_terminators, asked)

    def tokenize(state: StateInline) -> None:
        """markdown-it's `ParserInline.tokenize`, asking at each position only the rules that
        can start there."""
        table = rules.table()
        anywhere, by_character, src = table.anywhere, table.by_character, state.src
        end = state.posMax
        maxNesting = md.options["maxNesting"]
        while state.pos < end:
            pos = state.pos
            ok = False
            if state.level < maxNesting:
                for rule in by_character.get(src[pos], anywhere):
                    ok = rule(state, False)
                    if ok:
                        if state.pos <= pos:
                            raise RuntimeError("inline rule didn't increment state.pos")
                        break
            if ok:
                if state.pos >= end:
                    break
                continue
            state.append_pending(state.src[state.pos])
            state.pos += 1
        if state.pending:
            state.pushPending()

    def skip_token(state: StateInline) -> None:
        """markdown-it's `ParserInline.skipToken` (skip one token, in validation mode: how link
        labels are measured), asking only the rules that can start at the position."""
        pos = state.pos
        cache = state.cache
        if pos in cache:
            state.pos = cache[pos]
            return
        ok = False
        if state.level < md.options["maxNesting"]:
            table = rules.table()
            for rule in table.by_character.get(state.src[pos], table.anywhere):
                # The level bounds recursion; no tokens are made in validation mode.
                state.level += 1
                ok = rule(state, True)
                state.level -= 1
                if ok:
                    if state.pos <= pos:
                        raise RuntimeError("inline rule didn't increment state.pos")
                    break
        else:
            state.pos = state.posMax  # too deep: the rest of the paragraph, as markdown-it does
        if not ok:
            state.pos += 1
        cache[pos] = state.pos

    md.inline.tokenize = tokenize  # type: ignore[method-assign]
    md.inline.skipToken = skip_token  # type: ignore[method-assign]


__all__ = ["DispatchingBlock", "dispatch_plugin", "rule_named", "starts_with"]
