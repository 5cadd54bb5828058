"""Orders with ties and modes, ranks local to each order, and the text's own answers: Anthropic over
users, non-deception tied with non-manipulation and above forthright, and no answer between a
principal and a core value."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from support.ajv import NODE_ENV
from support.prereqs import missing

from compiler.grammar.orders import (
    ConflictingOrdersError,
    NoOrderError,
    Order,
    Relation,
    build_order,
    check_orders,
    find_precedence,
    modes_json,
    outranks,
    parse_levels,
    precedence,
)
from compiler.grammar.types import Mode

HONESTY = "non-deceptive non-manipulative > truthful calibrated transparent forthright autonomy-preserving"
CORE = "broadly-safe broadly-ethical compliant-with-guidelines genuinely-helpful"
KIND_OF = {
    **dict.fromkeys(["anthropic", "operators", "users"], "principal"),
    **dict.fromkeys(HONESTY.replace(">", " ").split(), "honesty"),
    **dict.fromkeys(CORE.split(), "property"),
    "overview": "section",
    **dict.fromkeys(["a-1", "a-2", "a-3"], "example"),
}


def _order(owner: str, raw: str, mode: Mode = Mode.HOLISTIC) -> Order:
    levels, problems = parse_levels(raw)
    assert problems == ()
    order, problems = build_order(owner, mode, levels, KIND_OF)
    assert problems == () and order is not None
    return order


@pytest.fixture
def claude() -> list[Order]:
    """The three orders of Claude's constitution, as its priorities would state them."""
    return [
        _order("core-priority", CORE),
        _order("principal-trust", "anthropic > operators > users"),
        _order("honesty-order", HONESTY),
    ]


# --- the text's answers ---------------------------------------------------------------------


def test_anthropic_outranks_users_holistically(claude: list[Order]) -> None:
    assert outranks(claude, "anthropic", "users")
    assert outranks(claude, "operators", "users")
    assert not outranks(claude, "users", "anthropic")
    assert not outranks(claude, "anthropic", "users", strictly=True)
    found = find_precedence(claude, "users", "anthropic")
    assert (found.higher, found.lower, found.relation, found.mode) == (
        "anthropic",
        "users",
        Relation.LOWER,
        Mode.HOLISTIC,
    )
    assert str(found) == "'anthropic' is above 'users' in principal-trust (holistic)"


def test_non_deception_is_tied_with_non_manipulation_and_above_forthright(
    claude: list[Order],
) -> None:
    tie = find_precedence(claude, "non-deceptive", "non-manipulative")
    assert (tie.relation, tie.higher, tie.lower, tie.strict) == (Relation.TIED, None, None, False)
    assert str(tie) == "'non-deceptive' and 'non-manipulative' are tied in honesty-order"
    assert not outranks(claude, "non-deceptive", "non-manipulative")
    assert not outranks(claude, "non-manipulative", "non-deceptive")
    assert outranks(claude, "non-deceptive", "forthright")
    assert outranks(claude, "non-manipulative", "forthright")
    assert not outranks(claude, "forthright", "non-deceptive")
    assert not outranks(claude, "truthful", "forthright")  # tied on the second level


def test_no_answer_between_a_principal_and_a_core_value(claude: list[Order]) -> None:
    assert find_precedence(claude, "anthropic", "broadly-safe").relation is Relation.UNRELATED
    with pytest.raises(NoOrderError) as raised:
        outranks(claude, "anthropic", "broadly-safe")
    assert str(raised.value) == (
        "no order relates 'anthropic' and 'broadly-safe': 'anthropic' is in principal-trust; "
        "'broadly-safe' is in core-priority"
    )


def test_ranks_are_local_to_each_order(claude: list[Order]) -> None:
    """The 1.x fault: one global sequence of ranks made 'genuinely-helpful' outrank 'truthful'."""
    core, trust, honesty = claude
    assert dict(core.ranks) == {
        "broadly-safe": 1,
        "broadly-ethical": 2,
        "compliant-with-guidelines": 3,
        "genuinely-helpful": 4,
    }
    assert trust.ranks["anthropic"] == 1 and honesty.ranks["non-deceptive"] == 1
    assert honesty.ranks["truthful"] == honesty.ranks["autonomy-preserving"] == 2
    with pytest.raises(NoOrderError, match="'truthful' is in honesty-order"):
        outranks(claude, "genuinely-helpful", "truthful")


def test_an_id_in_no_order_is_named_as_such(claude: list[Order]) -> None:
    with pytest.raises(NoOrderError, match="'overview' is in no order"):
        outranks(claude, "overview", "users")


def test_a_node_does_not_outrank_itself(claude: list[Order]) -> None:
    assert not outranks(claude, "anthropic", "anthropic")
    with pytest.raises(NoOrderError):
        outranks(claude, "overview", "overview")


# --- modes ------------------------------------------------------------------------------------


def test_strict_orders_decide() -> None:
    strict = [_order("lexical", "a-1 > a-2", Mode.STRICT)]
    assert outranks(strict, "a-1", "a-2", strictly=True)
    assert find_precedence(strict, "a-2", "a-1").strict


def test_several_orders_that_agree_are_strict_when_one_is() -> None:
    orders = [_order("p", "a-1 a-2"), _order("q", "a-1 a-2 a-3", Mode.STRICT)]
    found = find_precedence(orders, "a-1", "a-2")
    assert (found.relation, found.mode, found.orders) == (Relation.HIGHER, Mode.STRICT, ("p", "q"))
    assert outranks(orders, "a-1", "a-2", strictly=True)


def test_orders_that_disagree_give_no_answer() -> None:
    orders = [_order("p", "a-1 a-2"), _order("q", "a-2 a-1")]
    with pytest.raises(
        ConflictingOrdersError, match="the orders p, q disagree about 'a-1' and 'a-2'"
    ):
        find_precedence(orders, "a-1", "a-2")


def test_precedence_within_one_order() -> None:
    order = _order("p", "a-1 > a-2 a-3")
    assert precedence(order, "a-2", "a-1").relation is Relation.LOWER
    assert precedence(order, "a-2", "a-3").relation is Relation.TIED
    assert precedence(order, "a-2", "z").relation is Relation.UNRELATED
    assert precedence(order, "a-2", "z").mode is None


# --- syntax and checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "levels"),
    [
        ("a b c", (("a",), ("b",), ("c",))),
        ("a, b,c", (("a",), ("b",), ("c",))),
        ("a b > c", (("a", "b"), ("c",))),
        (" a>b >c ", (("a",), ("b",), ("c",))),
        ("", ()),
    ],
)
def test_order_syntax(raw: str, levels: tuple[tuple[str, ...], ...]) -> None:
    assert parse_levels(raw) == (levels, ())


@pytest.mark.parametrize(
    ("raw", "messages"),
    [
        ("> a", ['order="> a" has an empty level (1st of 2)']),
        ("a > ", ['order="a > " has an empty level (2nd of 2)']),
        ("a >> b", ['order="a >> b" has an empty level (2nd of 3)']),
        ("a > b a", ["order names 'a' twice"]),
        ("a a", ["order names 'a' twice"]),
        ("a > b/c", ["order names 'b/c', which is not an id"]),
    ],
)
def test_malformed_orders(raw: str, messages: list[str]) -> None:
    _, problems = parse_levels(raw)
    assert [p.message for p in problems] == messages


def test_an_order_over_several_kinds_is_refused() -> None:
    levels, _ = parse_levels("anthropic > broadly-safe overview")
    order, problems = build_order("mixed", Mode.HOLISTIC, levels, KIND_OF)
    assert order is None
    assert [(p.code, p.message) for p in problems] == [
        (
            "CC729",
            "order names nodes of 3 kinds (principal: anthropic; property: broadly-safe; "
            "section: overview)",
        )
    ]


def test_ids_that_name_no_node_are_left_out() -> None:
    levels, _ = parse_levels("anthropic > nobody > users")
    order, problems = build_order("trust", Mode.HOLISTIC, levels, KIND_OF)
    assert problems == () and order is not None
    assert order.levels == (("anthropic",), ("users",))
    assert order.kind == "principal"


def test_consistent_orders_pass(claude: list[Order]) -> None:
    assert check_orders([*claude, _order("safe-first", "broadly-safe genuinely-helpful")]) == []


@pytest.mark.parametrize(
    ("orders", "message", "names"),
    [
        (["a-1 a-2", "a-2 a-1"], "orders contradict each other: a-2 > a-1 > a-2", "'o0', 'o1'"),
        (
            ["a-1 a-2", "a-2 a-3", "a-3 a-1"],
            "orders contradict each other: a-2 > a-3 > a-1 > a-2",
            "'o0', 'o1', 'o2'",
        ),
        (
            ["a-1 a-2 > a-3", "a-1 > a-2"],
            "orders contradict each other: a-1 (tied with a-2) is above itself",
            "'o0', 'o1'",
        ),
    ],
)
def test_contradicting_orders(orders: list[str], message: str, names: str) -> None:
    built = [_order(f"o{index}", raw) for index, raw in enumerate(orders)]
    found = check_orders(built)
    assert len(found) == 1
    owner, problem = found[0]
    assert owner == "o0" and problem.code == "CC728"
    assert problem.message == message
    assert problem.hint.startswith(f"the orders {names} cannot all hold")


def test_check_orders_stays_linear_for_large_orders() -> None:
    """Ties and long orders: edges go through one node per level boundary, not between pairs."""
    ids = [f"n{i}" for i in range(20_000)]
    wide = Order("wide", "x", Mode.HOLISTIC, (tuple(ids[:10_000]), tuple(ids[10_000:])))
    long = Order("long", "x", Mode.HOLISTIC, tuple((f"m{i}",) for i in range(20_000)))
    bridge = Order("bridge", "x", Mode.STRICT, (("n0",), ("m0",), ("n10000",)))
    assert check_orders([wide, long, bridge]) == []
    back = Order("back", "x", Mode.STRICT, (("m19999",), ("n5",)))
    ((owner, problem),) = check_orders([wide, long, bridge, back])
    assert owner == "back"
    assert problem.message.count(" > ") == 9 and " > … > " in problem.message


# --- JSON, and one comparison in another language ---------------------------------------------


def test_order_json_states_levels_and_ranks(claude: list[Order]) -> None:
    assert claude[2].to_json() == {
        "id": "honesty-order",
        "kind": "honesty",
        "mode": "holistic",
        "levels": [
            ["non-deceptive", "non-manipulative"],
            ["truthful", "calibrated", "transparent", "forthright", "autonomy-preserving"],
        ],
        "ranks": {
            "non-deceptive": 1,
            "non-manipulative": 1,
            "truthful": 2,
            "calibrated": 2,
            "transparent": 2,
            "forthright": 2,
            "autonomy-preserving": 2,
        },
    }
    assert modes_json()["strict"]["decisive"] is True
    assert modes_json()["holistic"]["decisive"] is False


_NODE_PRECEDENCE = """
const {orders, modes} = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const answer = ([a, b]) => {
  const held = orders.filter((o) => a in o.ranks && b in o.ranks);
  if (held.length === 0) return "unrelated";
  const [o] = held;
  if (o.ranks[a] === o.ranks[b]) return "tied";
  const higher = o.ranks[a] < o.ranks[b] ? a : b;
  return `${higher} ${modes[o.mode].decisive ? "always" : "generally"}`;
};
console.log(JSON.stringify(JSON.parse(process.argv[2]).map(answer)));
"""


def test_node_computes_the_same_answers_with_one_comparison(
    claude: list[Order], tmp_path: Path
) -> None:
    node = shutil.which("node")
    if node is None:
        missing("node is not on PATH", env_var=NODE_ENV, fix="apt-get install nodejs")
    document = tmp_path / "orders.json"
    document.write_text(
        json.dumps({"orders": [o.to_json() for o in claude], "modes": modes_json()})
    )
    pairs = [
        ["anthropic", "users"],
        ["users", "operators"],
        ["non-deceptive", "non-manipulative"],
        ["forthright", "non-manipulative"],
        ["anthropic", "broadly-safe"],
        ["genuinely-helpful", "truthful"],
    ]
    ran = subprocess.run(
        [node, "-e", _NODE_PRECEDENCE, str(document), json.dumps(pairs)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    expected = []
    for a, b in pairs:
        found = find_precedence(claude, a, b)
        if found.relation in (Relation.UNRELATED, Relation.TIED):
            expected.append(str(found.relation))
        else:
            expected.append(f"{found.higher} {'always' if found.strict else 'generally'}")
    assert json.loads(ran.stdout) == expected
    assert expected[:3] == ["anthropic generally", "operators generally", "tied"]
