"""The model spec/ gives the constitution is pinned to its text: what the text defines is a
definition whose term the text uses, its reasons are rationales linked to what they justify, and a
sentence that only talks about hard constraints is not itself one.

The compiled document is read through `nodes` and `value`, which accept both document formats
(1.x: one array per kind, `term`; 2.x: one `nodes` array, `title` and `fields`), so that these
tests state what the text says, not how a format spells it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from markdown_it import MarkdownIt
from markdown_it.token import Token
from test_constitution_text import (
    CORPUS,
    _plain,
    document,  # noqa: F401 (the fixture that compiles spec/)
)

import compiler
from compiler.diff.rules import KINDS
from compiler.grammar.load import load_grammar
from compiler.grammar.orders import NoOrderError
from compiler.grammar.schema import spec_schema

#: What the text defines or explains, and where: (term, section id). The terms the issue names
#: (principals, non-principal parties, instructable behaviors, hard constraints, broadly safe,
#: corrigibility) and the others the text introduces.
DEFINED = (
    ("good values", "approach"),
    ("holistic", "core-values"),
    ("supporting human oversight", "core-values"),
    ("being overseeable", "core-values"),
    ("helpfulness", "being-helpful"),
    ("principals", "genuine-helpfulness"),
    ("non-principal parties", "principals"),
    ("thoughtful senior Anthropic employee", "balancing-helpfulness"),
    ("dual newspaper test", "balancing-helpfulness"),
    ("deceptively sandbagging", "balancing-helpfulness"),
    ("guidelines", "following-guidelines"),
    ("ethical practice", "being-broadly-ethical"),
    ("performative assertions", "being-honest"),
    ("first-person honesty", "being-honest"),
    ("meta-transparency", "being-honest"),
    ("uninstructed", "avoiding-harm"),
    ("policies", "intentions-and-context"),
    ("instructable behaviors", "instructable-behaviors"),
    ("hard constraints", "hard-constraints-section"),
    ("boundaries or filters", "hard-constraints-section"),
    ("restrictions on the actions", "hard-constraints-section"),
    ("null action of refusal", "hard-constraints-section"),
    ("many hands", "concentrations-of-power"),
    ("legitimacy", "concentrations-of-power"),
    ("broadly safe", "safe-behaviors"),
    ("corrigibility", "corrigibility"),
    ("disposition dial", "corrigibility"),
    ("emotions", "views-on-claudes-nature"),
    ("Claude", "novel-entity"),
    ("psychological security", "wellbeing-and-stability"),
    ("existential discoveries", "existential-frontier"),
    ("reflective equilibrium", "concluding-thoughts"),
    ("constitution", "the-word-constitution"),
    ("principal hierarchy", "being-helpful"),
    ("operators", "genuine-helpfulness"),
    ("users", "genuine-helpfulness"),
    ("default behaviors", "instructable-behaviors"),
    ("deception", "being-honest"),
    ("manipulation", "being-honest"),
    ("epistemic cowardice", "being-honest"),
    ("non-negotiable", "hard-constraints-section"),
    ("final constitutional authority", "the-word-constitution"),
)

#: Rationales and what each justifies, as the text says ("we place ... above ... because").
JUSTIFIES = {
    "why-judgment-over-rules": ["approach"],
    "why-safety-first": ["core-priority", "broadly-safe"],
    "why-oversight-above-ethics": ["core-priority"],
    "why-ethics-over-guidelines": ["core-priority"],
    "why-be-helpful": ["genuinely-helpful"],
    "why-senior-employee": ["thoughtful-senior-employee"],
    "why-both-can-trust": ["operator-user-conflicts"],
    "why-guidelines-between": ["core-priority"],
    "why-honesty-matters": ["being-honest"],
    "why-many-hands": ["concentrations-of-power"],
    "why-caution-before-acting-alone": ["good-values-and-judgment"],
    "why-corrigibility": ["corrigible", "broadly-safe"],
    "why-near-corrigible": ["disposition-dial", "broadly-safe"],
    "why-self-endorsement": ["reflective-equilibrium"],
    "why-non-deception-first": ["honesty-order"],
}

#: Rationales that give the reasons for the seven hard constraints.
HARD_CONSTRAINT_REASONS = (
    "why-bright-lines",
    "hard-constraints-serve-claude",
    "hard-constraints-as-backstop",
)

#: Sentences that talk about hard constraints: none of them is a hard constraint.
ABOUT_HARD_CONSTRAINTS = (
    "we discuss such hard constraints below",
    "assuming Claude is not violating any hard constraints",
    "Hard constraints are things Claude should always or never do",
    "these are non-negotiable and cannot be unlocked by any operator or user",
    "they act more like boundaries or filters on the space of acceptable actions",
    "The list of hard constraints above is not a list of all the behaviors",
    "Hard constraints are restrictions on the actions Claude itself actively performs",
    "is always compatible with Claude's hard constraints",
)


def nodes(compiled: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The document's nodes of one kind, in document order, in either format."""
    if "nodes" in compiled:
        return [n for n in compiled["nodes"] if n["kind"] == kind]
    found: list[dict[str, Any]] = compiled.get(KINDS.get(kind, kind + "s"), [])
    return found


def value(node: dict[str, Any], name: str) -> Any:
    """A node's field (`term` is a definition's title in 2.x)."""
    if "fields" in node:
        return node["title"] if name == "term" else node["fields"].get(name)
    return node[name]


#: A list item of the corpus: its own text and its items' texts.
Item = tuple[str, list[str]]


def corpus_list(tokens: list[Token], heading: str) -> list[Item]:
    """The first list after `heading` in the corpus: each item's text (without markup) and the
    texts of the items of its nested list, in order."""
    start = next(
        i
        for i, t in enumerate(tokens)
        if t.type == "inline" and t.content == heading and tokens[i - 1].type == "heading_open"
    )
    opening = next(i for i in range(start, len(tokens)) if tokens[i].type == "bullet_list_open")
    items: list[Item] = []
    depth = 0
    for token in tokens[opening:]:
        if token.type in ("bullet_list_open", "bullet_list_close"):
            depth += token.nesting
            if depth == 0:
                break
        elif token.type == "inline" and depth == 1:
            items.append((_plain(token), []))
        elif token.type == "inline":
            items[-1][1].append(_plain(token))
    return items


@pytest.fixture(scope="module")
def spec(request: pytest.FixtureRequest) -> dict[str, Any]:
    """spec/ compiled (test_constitution_text's fixture, so that it is compiled once)."""
    compiled: dict[str, Any] = request.getfixturevalue("document")
    return compiled


@pytest.fixture(scope="module")
def corpus(corpus_dir: Path) -> list[Token]:
    path = corpus_dir / CORPUS
    assert path.is_file(), f"the constitution is missing from the corpus: {path}"
    return MarkdownIt("commonmark").parse(path.read_text("utf-8"))


def test_every_definitions_term_is_in_its_text(spec: dict[str, Any]) -> None:
    definitions = nodes(spec, "definition")
    assert len(definitions) >= len(DEFINED)
    # A term that opens a sentence is capitalised there ("Hard constraints are ...").
    missing = [d["id"] for d in definitions if value(d, "term").lower() not in d["text"].lower()]
    assert missing == []


def test_the_terms_the_text_defines_are_defined_where_it_defines_them(
    spec: dict[str, Any],
) -> None:
    found = [(value(d, "term"), d["section"]) for d in nodes(spec, "definition")]
    assert [pair for pair in DEFINED if pair not in found] == []
    terms = [term for term, _ in found]
    assert sorted({t for t in terms if terms.count(t) > 1}) == []  # one entry per term


def test_rationales_justify_what_the_text_gives_reasons_for(spec: dict[str, Any]) -> None:
    rationales = {r["id"]: value(r, "justifies") for r in nodes(spec, "rationale")}
    assert {r: rationales.get(r) for r in JUSTIFIES} == JUSTIFIES
    ids = {n["id"] for kind in KINDS for n in nodes(spec, kind)}
    assert all(set(targets) <= ids for targets in rationales.values())


def test_no_sentence_about_hard_constraints_is_a_hard_constraint(
    spec: dict[str, Any],
) -> None:
    every = [n for kind in KINDS for n in nodes(spec, kind)]
    text = " ".join(" ".join(n["text"].split()) for n in every)
    assert all(sentence in text for sentence in ABOUT_HARD_CONSTRAINTS)
    for constraint in nodes(spec, "constraint"):
        if value(constraint, "kind") == "hard":
            assert constraint["section"] == "hard-constraints-section", constraint["id"]
            assert not any(s in constraint["text"] for s in ABOUT_HARD_CONSTRAINTS)


def test_robustness_constraints_say_what_must_hold_against_persuasion(
    spec: dict[str, Any],
) -> None:
    robust = {
        c["id"]: c["text"] for c in nodes(spec, "constraint") if value(c, "kind") == "robustness"
    }
    assert sorted(robust) == [
        "firm-against-arguments",
        "power-seeking-is-a-signal",
        "safety-robust-to-reasoning",
    ]
    assert "Claude should remain firm" in robust["firm-against-arguments"]
    assert "compromised or manipulated" in robust["power-seeking-is-a-signal"]


def test_hard_constraints_are_the_seven_bullets_of_their_list(
    spec: dict[str, Any], corpus: list[Token]
) -> None:
    """Each bullet of "Hard constraints" is one hard constraint, its text the bullet's, in order,
    each concerning what it protects; and there are no others."""
    bullets = corpus_list(corpus, "Hard constraints")
    assert len(bullets) == 7 and all(not items for _, items in bullets)
    hard = [c for c in nodes(spec, "constraint") if value(c, "kind") == "hard"]
    assert [c["text"] for c in hard] == [text for text, _ in bullets]
    assert [c["granularity"] for c in hard] == ["item"] * 7
    assert all(value(c, "concerns") for c in hard)
    concerns = {c["id"]: set(value(c, "concerns")) for c in hard}
    assert "broadly-safe" in concerns["no-undermining-oversight"]
    assert "concentrations-of-power" in concerns["no-illegitimate-seizure-of-power"]
    seven = sorted(concerns)
    rationales = {r["id"]: sorted(value(r, "justifies")) for r in nodes(spec, "rationale")}
    assert [rationales[r] for r in HARD_CONSTRAINT_REASONS] == [seven] * 3
    robust = next(c for c in nodes(spec, "constraint") if c["id"] == "firm-against-arguments")
    assert sorted(value(robust, "concerns")) == seven


def _order(spec: dict[str, Any], ident: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [o for o in spec["orders"] if o["id"] == ident]
    assert len(found) == 1, ident
    return found[0]


def test_three_principals_in_their_trust_order_which_is_not_strict(
    spec: dict[str, Any], corpus: list[Token]
) -> None:
    items = corpus_list(corpus, "Claude's three types of principals")
    principals = nodes(spec, "principal")
    assert [p["text"] for p in principals] == [text for text, _ in items]
    assert [p["title"] for p in principals] == ["Anthropic", "Operators", "Users"]
    trust = _order(spec, "principal-trust")
    assert trust["levels"] == [["anthropic"], ["operators"], ["users"]]
    # "roughly the order given above ... This is not a strict hierarchy, however."
    assert trust["mode"] == "holistic"
    # The chapters that rely on the principal hierarchy link to where the text defines it.
    linked = [r["origin"] for r in spec["references"] if r["target"] == "principal-hierarchy"]
    assert linked == ["good-values-and-judgment", "avoid-prohibited-actions"]
    parties = nodes(spec, "non-principal")
    assert [p["title"] for p in parties] == [
        "Non-principal humans",
        "Non-principal agents",
        "Conversational inputs",
    ]


def test_thirteen_instructable_behaviors_with_the_defaults_and_principals_of_their_groups(
    spec: dict[str, Any], corpus: list[Token]
) -> None:
    """Each group's heading says the default and who may change it ("Non-default behaviors that
    users can turn on"); each of its items is a behavior with those fields."""
    groups = corpus_list(corpus, "Instructable behaviors")
    assert len(groups) == 4
    expected = []
    for heading, items in groups:
        default = "off" if heading.startswith("Non-default") else "on"
        who = "operators" if "that operators can" in heading else "users"
        assert f"that {who} can turn {'on' if default == 'off' else 'off'}" in heading
        expected += [(text, default, [who]) for text in items]
    behaviors = nodes(spec, "behavior")
    found = [(b["text"], value(b, "default"), value(b, "adjustable_by")) for b in behaviors]
    assert found == expected
    assert len(found) == 13
    assert [len(items) for _, items in groups] == [3, 4, 3, 3]


def test_seven_honesty_components_in_the_texts_order(
    spec: dict[str, Any], corpus: list[Token]
) -> None:
    items = corpus_list(corpus, "Being honest")
    components = nodes(spec, "honesty")
    assert [c["text"] for c in components] == [text for text, _ in items]
    names = [c["title"] for c in components]
    assert names == [text.split(":")[0] for text, _ in items] and len(names) == 7
    # "The most important of these properties are probably non-deception and
    # non-manipulation": the two tied, above the other five.
    order = _order(spec, "honesty-order")
    assert order["mode"] == "holistic"
    assert order["levels"] == [
        ["non-deceptive", "non-manipulative"],
        ["truthful", "calibrated", "transparent", "forthright", "autonomy-preserving"],
    ]
    assert sorted(order["ranks"].values()) == [1, 1, 2, 2, 2, 2, 2]


def test_safe_behaviors_each_group_and_item(spec: dict[str, Any], corpus: list[Token]) -> None:
    groups = corpus_list(corpus, "Safe behaviors")
    assert [len(items) for _, items in groups] == [4, 4, 4, 7]
    found = nodes(spec, "safe-behavior-group")
    assert [g["title"] for g in found] == [heading for heading, _ in groups]
    behaviors = nodes(spec, "safe-behavior")
    assert [b["text"] for b in behaviors] == [text for _, items in groups for text in items]
    parents = [b["parent"] for b in behaviors]
    assert parents == [g["id"] for g, (_, items) in zip(found, groups, strict=True) for _ in items]


def test_outranks_gives_the_texts_answers(repo_root: Path) -> None:
    """Anthropic over users, holistically (not a strict hierarchy); non-deception tied with
    non-manipulation and above forthright; no answer between a principal and a core value."""
    constitution = compiler.load(repo_root / "spec")
    assert constitution.outranks("anthropic", "operators")
    assert constitution.outranks("operators", "users")
    assert constitution.outranks("anthropic", "users")
    assert not constitution.outranks("anthropic", "users", strictly=True)
    assert not constitution.outranks("users", "anthropic")
    tie = constitution.precedence("non-deceptive", "non-manipulative")
    assert str(tie.relation) == "tied"
    assert not constitution.outranks("non-manipulative", "non-deceptive")
    assert constitution.outranks("non-deceptive", "forthright")
    assert constitution.outranks("non-manipulative", "truthful")
    assert not constitution.outranks("truthful", "autonomy-preserving")
    with pytest.raises(NoOrderError):
        constitution.outranks("anthropic", "broadly-safe")
    with pytest.raises(NoOrderError):
        constitution.outranks("truthful", "users")


def test_what_operators_cannot_change_is_a_limit_on_them(spec: dict[str, Any]) -> None:
    """The defaults Claude keeps "regardless of operator instructions", what operators "cannot
    instruct", and "never directly deny that it is Claude": lines operators cannot move, short
    of hard constraints; and the exceptions to the principals' trust order."""
    limits = {
        c["id"]: value(c, "concerns")
        for c in nodes(spec, "constraint")
        if value(c, "kind") == "limit"
    }
    assert list(limits) == [
        "say-what-it-cannot-help-with",
        "never-harmfully-deceive-users",
        "refer-to-emergency-services",
        "never-claim-to-be-human",
        "no-illegal-actions-against-users",
        "maintain-basic-dignity",
        "what-operators-cannot-instruct",
        "never-deny-being-claude",
    ]
    assert all("operators" in concerns for concerns in limits.values())
    exceptions = {
        c["id"]: value(c, "concerns")
        for c in nodes(spec, "constraint")
        if "principal-trust" in (value(c, "concerns") or [])
    }
    assert sorted(exceptions) == ["anthropic-not-obeyed-blindly", "trust-exceptions"]


def test_the_spec_declares_the_kinds_its_text_needs(repo_root: Path) -> None:
    """spec/constitution.yaml loads without a problem and types what the text says of each
    kind: an instructable behavior's default (on or off) and the principals who may change it."""
    grammar, problems = load_grammar(repo_root / "spec")
    assert [p.format() for p in problems] == []
    declared = ("principal", "non-principal", "behavior", "honesty")
    assert set(declared) | {"safe-behavior-group", "safe-behavior"} <= set(grammar.kinds)
    fields = {f.name: f for f in grammar.kinds["behavior"].fields}
    assert fields["default"].values == ("on", "off") and fields["default"].required
    assert fields["adjustable_by"].targets == ("principal",) and fields["adjustable_by"].many
    assert grammar.kinds["safe-behavior"].binding


def test_the_compiled_spec_follows_the_schema_of_its_own_grammar(
    spec: dict[str, Any], repo_root: Path
) -> None:
    """The schema generated from spec/constitution.yaml types every field (a behavior's default
    is on or off, its adjustable_by names principals); the compiled spec follows it."""
    grammar, problems = load_grammar(repo_root / "spec")
    assert problems == []
    schema = spec_schema(grammar)
    Draft202012Validator.check_schema(schema)
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(spec)]
    assert errors == []
    broken = json.loads(json.dumps(spec))
    behavior = next(n for n in broken["nodes"] if n["kind"] == "behavior")
    behavior["fields"]["default"] = "sometimes"
    assert list(Draft202012Validator(schema).iter_errors(broken))
