"""Whether a construct runs under the default environment: the branches it sits in, judged with
every environment variable unset (or the default the program gives it).

`if (process.env.TF_BACKEND === 'azurerm') { new AzurermBackend(...) }` with `TF_BACKEND`
unset does not run; unless the CI sets `TF_BACKEND`, the stack has no such backend. Only
conditions whose outcome reading knows, and that read an environment variable, are judged: any
other condition may go either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

if TYPE_CHECKING:
    from backend_guard.sources.cdktf.program import Program

_IFS = frozenset({"if_statement", "elif_clause", "ternary_expression"})
_EQUAL, _UNEQUAL = frozenset({"==", "==="}), frozenset({"!=", "!=="})
_AND, _OR = frozenset({"&&", "and"}), frozenset({"||", "or"})
_NOT = frozenset({"unary_expression", "not_operator", "prefix_unary_expression"})
_UNKNOWN = object()
_MAX_DEPTH = 20

# What a condition evaluates to (or _UNKNOWN), and the environment variables it reads.
Outcome = tuple[object, frozenset[str]]


def off_by_default(program: Program, node: Node) -> tuple[str, tuple[str, ...]] | None:
    """The condition, as a message words it, that keeps `node` from running when the
    environment variables it reads are unset; and those variables. None when it runs, or may."""
    child, parent = node, node.parent
    while parent is not None:
        wanted = _arm(parent, child)
        if wanted is not None:
            condition = parent.child_by_field_name("condition")
            if condition is None and parent.type == "conditional_expression":
                condition = parent.named_children[1]
            value, reads = _evaluate(program, condition, 0) if condition else (_UNKNOWN, set())
            value = value if value is _UNKNOWN else bool(value)
            if condition is not None and value is not _UNKNOWN and reads and value is not wanted:
                text = _worded(program, _bare(condition))
                return (text if wanted else f"{text} is false"), tuple(sorted(reads))
        child, parent = parent, parent.parent
    return None


def _worded(program: Program, condition: Node) -> str:
    """`USE_REMOTE` (`process.env.USE_REMOTE === "true"`): a name with the condition it holds."""
    text = f"`{program.node_text(condition)}`"
    if condition.type not in program.NAMES:
        return text
    bound = program.binding(program.node_text(condition), condition)
    return f"{text} (`{program.node_text(bound)}`)" if bound is not None else text


def _arm(parent: Node, child: Node) -> bool | None:
    """Whether `child` is the arm of `parent` taken when its condition holds (True), the one
    taken when it does not (False), or no arm of a branch (None)."""
    if parent.type == "conditional_expression":  # Python: `a if condition else b`
        arms = parent.named_children
        return True if child == arms[0] else False if len(arms) > 2 and child == arms[2] else None
    if parent.type not in _IFS:
        return None
    if child == parent.child_by_field_name("consequence"):
        return True
    alternatives = parent.children_by_field_name("alternative")
    return False if child in alternatives else None


def _bare(node: Node) -> Node:
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def _evaluate(program: Program, node: Node, depth: int) -> Outcome:
    node = _bare(node)
    if depth > _MAX_DEPTH:
        return _UNKNOWN, frozenset()
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    operator = node.child_by_field_name("operator") or node.child_by_field_name("operators")
    symbol = program.node_text(operator) if operator is not None else ""
    if node.type in _NOT and symbol in ("!", "not", "") and node.named_children:
        inner = node.named_children[-1]
        value, reads = _evaluate(program, inner, depth + 1)
        return (_UNKNOWN if value is _UNKNOWN else not value), reads
    if node.type == "comparison_operator" and len(node.named_children) == 2:
        left, right = node.named_children
    if left is None or right is None or symbol not in _AND | _OR | _EQUAL | _UNEQUAL:
        return _operand(program, node, depth)
    first, first_reads = _evaluate(program, left, depth + 1)
    second, second_reads = _evaluate(program, right, depth + 1)
    reads = first_reads | second_reads
    if symbol in _AND | _OR:
        return _logical(symbol in _AND, first, second), reads
    if _UNKNOWN in (first, second):
        return _UNKNOWN, reads
    return (first == second) is (symbol in _EQUAL), reads


def _logical(conjunction: bool, first: object, second: object) -> object:
    for value in (first, second):
        if value is not _UNKNOWN and bool(value) is not conjunction:
            return value  # `false && x`, `true || x`: decided by one side
    return _UNKNOWN if _UNKNOWN in (first, second) else second


def _operand(program: Program, node: Node, depth: int) -> Outcome:
    """A value in a condition: known, or an environment variable that is unset (None); a name
    bound to a condition is that condition."""
    bound = program.binding(program.node_text(node), node) if node.type in program.NAMES else None
    if bound is not None and bound.child_by_field_name("operator") is not None:
        return _evaluate(program, bound, depth + 1)
    resolved = program.resolve(node)
    reads = frozenset(resolved.reads)
    if resolved.literal is not None:
        return resolved.literal, reads
    return (None if resolved.env else _UNKNOWN), reads
