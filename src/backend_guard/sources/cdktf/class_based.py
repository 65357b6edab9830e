"""What Java and C# programs share: backends are made with `new`, stacks are classes, and names
are bound by local declarations, assignments and the fields of enclosing classes."""

from __future__ import annotations

import re
from abc import abstractmethod

from tree_sitter import Node

from backend_guard.sources.cdktf.cdktf_api import BACKEND_CLASSES, WORKSPACE_CLASSES
from backend_guard.sources.cdktf.program import TOP_LEVEL, Program

_SPACE = re.compile(r"\s+")


class ClassBasedProgram(Program):
    """A parsed Java or C# file."""

    CONSTRUCTORS = frozenset({"object_creation_expression"})
    CALLEE = "type"
    STACK_MAKER = "object_creation_expression"
    UNWRAPPED = {"parenthesized_expression": -1, "cast_expression": -1}

    @abstractmethod
    def class_named(self, callee: Node) -> tuple[str | None, str | None]:
        """The cdktf class a type stands for, and the package or namespace written with it."""

    @abstractmethod
    def _declarators(self, statement: Node) -> list[Node]:
        """The declarators of a local or field declaration (none for other statements)."""

    @abstractmethod
    def _initial_value(self, declarator: Node, name: Node) -> Node | None:
        """The value a declarator gives `name`."""

    def _imported(self, local: str, qualified: str, container: str) -> None:
        """Note a class imported under `local`, when `qualified` is a cdktf class of `container`
        (the package or namespace)."""
        qualifier, _, class_name = qualified.rpartition(".")
        if qualifier == container and (
            class_name in BACKEND_CLASSES or class_name in WORKSPACE_CLASSES
        ):
            self.classes[local] = class_name

    def _qualified(self, node: Node) -> str:
        """A type or name as written, without the white space inside it."""
        return _SPACE.sub("", self.node_text(node))

    def _workspace_class(self, callee: Node) -> str | None:
        class_name = self.class_named(callee)[0]
        return class_name if class_name in WORKSPACE_CLASSES else None

    def _unnamed_stack(self, scope: Node | None) -> str:
        return TOP_LEVEL

    def _bound_by(self, statement: Node, name: str) -> Node | None:
        if statement.type == "expression_statement" and statement.named_children:
            assignment = statement.named_children[0]
            left = assignment.child_by_field_name("left")
            operator = assignment.child_by_field_name("operator")
            if (
                assignment.type == "assignment_expression"
                and left is not None
                and operator is not None
                and self.node_text(operator) == "="
                and self.node_text(left) in (name, f"this.{name}")
            ):
                return assignment.child_by_field_name("right")
            return None
        value = None
        for declarator in self._declarators(statement):
            key = declarator.child_by_field_name("name")
            if key is not None and self.node_text(key) == name:
                value = self._initial_value(declarator, key)
        return value
