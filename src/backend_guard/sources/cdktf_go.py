"""CDKTF Go programs to `BackendConfig` facts, with tree-sitter.

Nothing is run or compiled. Backend constructors of the `cdktf` package
(`github.com/hashicorp/terraform-cdk-go/cdktf`, imported plainly, under another name or with a
dot) are found in the syntax tree: `cdktf.NewS3Backend(stack, &cdktf.S3BackendConfig{Bucket:
jsii.String("b"), ...})`. Fields are read from the config's composite literal (written in place or
bound to a variable) and named as synth names them (`DynamodbTable` -> `dynamodb_table`). Values
are resolved as far as reading allows: string, number and boolean literals, `jsii.String(...)`,
`jsii.Bool(...)`, `jsii.Number(...)`, `jsii.Strings(...)`, `&x`, and constants and variables
declared in scope. `X.AddOverride(jsii.String("terraform.backend.<type>.<arg>"), value)` adds to
the stack's backend. A stack is the function that builds it, or the id it is made with when that
is a literal (`cdktf.NewTerraformStack(app, jsii.String("prod"))`).
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter_go
from tree_sitter import Node

from backend_guard.model import FileFacts, Span, Syntax
from backend_guard.sources.cdktf.cdktf_api import BACKEND_CLASSES, WORKSPACE_CLASSES
from backend_guard.sources.cdktf.construct import Construct
from backend_guard.sources.cdktf.facts import read_program
from backend_guard.sources.cdktf.program import TOP_LEVEL, Program
from backend_guard.sources.cdktf.resolved import Resolved, unescape, workspace
from backend_guard.sources.cdktf.tree import walk

CDKTF_MODULE = "github.com/hashicorp/terraform-cdk-go/cdktf"
JSII_MODULE = "github.com/aws/jsii-runtime-go"
# jsii's pointer helpers, which wrap literals: `jsii.String("b")` is the string "b".
_JSII_SCALARS = frozenset({"String", "Bool", "Number"})
_JSII_LISTS = frozenset({"Strings", "Bools", "Numbers"})
_DECLARATIONS = frozenset({"short_var_declaration", "var_declaration", "const_declaration"})


class GoProgram(Program):
    """One parsed Go file and the names it imports `cdktf` and `jsii` under."""

    GRAMMAR = tree_sitter_go.language
    SYNTAX = Syntax.GO
    # `cdktf.NewS3Backend(stack, &cdktf.S3BackendConfig{...})`, `stack.AddOverride(...)`: a
    # constructor is a function, and a stack is the function that builds it.
    CONSTRUCTORS = CALLS = frozenset({"call_expression"})
    MEMBER = ("selector_expression", "operand", "field")
    CALLEE, OVERRIDE, STACK_MAKER = "function", "AddOverride", "call_expression"
    STACK_SCOPES = frozenset({"function_declaration", "method_declaration"})
    STRINGS = frozenset({"interpreted_string_literal", "raw_string_literal"})
    NUMBERS = frozenset({"int_literal", "float_literal"})
    BOOLEANS = frozenset({"true", "false"})
    LITERALS = STRINGS | NUMBERS | BOOLEANS
    REFERENCES = frozenset({"selector_expression"})
    UNWRAPPED = {"unary_expression": 0, "parenthesized_expression": 0}  # `&config`, `(config)`
    BLOCKS, MEMBERS = frozenset({"statement_list"}), frozenset({"source_file"})

    def _read_imports(self) -> None:
        self.dot_import = False  # `import . ".../cdktf"`: `NewS3Backend(...)` unqualified
        self.jsii: set[str] = set()
        imports = (n for n in self.root.children if n.type == "import_declaration")
        for spec in (n for d in imports for n in walk(d) if n.type == "import_spec"):
            self._read_import(spec)

    def is_cdktf(self) -> bool:
        return bool(self.namespaces) or self.dot_import

    def _read_import(self, spec: Node) -> None:
        path, name = spec.child_by_field_name("path"), spec.child_by_field_name("name")
        if path is None:
            return
        module = self._string(path)
        local = self.node_text(name) if name is not None else module.rsplit("/", 1)[-1]
        if module == CDKTF_MODULE:
            if name is not None and name.type == "dot":
                self.dot_import = True
            else:
                self.namespaces.add(local)
        elif module == JSII_MODULE:
            self.jsii.add(self.node_text(name) if name is not None else "jsii")

    # -- constructs ---------------------------------------------------------------------------

    def class_named(self, callee: Node) -> tuple[str | None, str | None]:
        """The backend class a constructor call makes, and the package name it is called by."""
        if callee.type == "selector_expression":
            operand = callee.child_by_field_name("operand")
            field = callee.child_by_field_name("field")
            if operand is None or field is None or self.node_text(operand) not in self.namespaces:
                return None, None
            namespace, name = self.node_text(operand), self.node_text(field)
        elif callee.type == "identifier" and self.dot_import:
            namespace, name = None, self.node_text(callee)
        else:
            return None, None
        class_name = name[3:] if name.startswith("New") else ""
        return (class_name, namespace) if class_name in BACKEND_CLASSES else (None, None)

    def _config_body(self, node: Node) -> Node | None:
        """The `{Field: value, ...}` of `cdktf.S3BackendConfig{...}`."""
        return node.child_by_field_name("body") if node.type == "composite_literal" else None

    def _unnamed_stack(self, scope: Node | None) -> str:
        """Outside any function: the scope as written (`st` in `cdktf.NewS3Backend(st, nil)`)."""
        return self.node_text(scope) if scope is not None else TOP_LEVEL

    # -- values -------------------------------------------------------------------------------

    def _bound_by(self, statement: Node, name: str) -> Node | None:
        if statement.type in _DECLARATIONS:
            specs = [statement] if statement.type == "short_var_declaration" else []
            for child in statement.named_children:
                if child.type in ("var_spec", "const_spec"):
                    specs.append(child)
                elif child.type == "var_spec_list":
                    specs += [s for s in child.named_children if s.type == "var_spec"]
        elif statement.type == "assignment_statement":
            operator = statement.child_by_field_name("operator")
            specs = [statement] if operator is not None and self.node_text(operator) == "=" else []
        else:
            return None
        value = None
        for spec in specs:
            names = _names(spec)
            values = spec.child_by_field_name("value") or spec.child_by_field_name("right")
            items = values.named_children if values is not None else []
            for index, key in enumerate(names):
                if self.node_text(key) == name and index < len(items):
                    value = items[index]
        return value

    def _inner(self, node: Node) -> Node | None:
        """`x` in `&x` and `(x)`."""
        operator = node.child_by_field_name("operator")
        if operator is not None and self.node_text(operator) != "&":
            return None
        return super()._inner(node)

    def _call(self, node: Node, depth: int) -> Resolved:
        """`jsii.String("b")`, `jsii.Strings("a", "b")`, `cdktf.NewNamedCloudWorkspace(...)`."""
        selector = _selector(node)
        if selector is None:
            return Resolved()
        package, name = (self.node_text(part) for part in selector)
        values = self._arguments(node)
        if package in self.jsii and name in _JSII_SCALARS and len(values) == 1:
            return self.resolve(values[0], depth + 1)
        if package in self.jsii and name in _JSII_LISTS:
            items = [self.resolve(v, depth + 1) for v in values]
            if all(item.literal is not None for item in items):
                return Resolved([item.literal for item in items])
            return Resolved(props=tuple(p for item in items for p in item.props))
        if package in self.namespaces and name.startswith("New") and values:
            class_name = name[3:]
            if class_name in WORKSPACE_CLASSES:
                return workspace(class_name, self.resolve(values[0], depth + 1))
        return Resolved()

    def _string(self, node: Node) -> str:
        if node.type == "raw_string_literal":
            return "".join(
                self.node_text(c) for c in node.children if c.type == "raw_string_literal_content"
            ).replace("\r", "")
        return "".join(
            unescape(self.node_text(c)) if c.type == "escape_sequence" else self.node_text(c)
            for c in node.children
            if c.type in ("interpreted_string_literal_content", "escape_sequence")
        )

    # -- facts ------------------------------------------------------------------------------

    def _properties(self, construct: Construct) -> Iterator[tuple[str, Node, Span]]:
        """The fields of the config's composite literal."""
        for element in construct.props.named_children if construct.props is not None else []:
            if element.type != "keyed_element":
                continue
            key, value = element.child_by_field_name("key"), element.child_by_field_name("value")
            if key is not None and value is not None and value.named_children:
                yield self.node_text(key).strip(), value.named_children[0], self.span(element)

    def _literal_syntax(self, node: Node) -> bool:
        """A literal, or a literal in a jsii pointer helper: `jsii.String("b")`."""
        if super()._literal_syntax(node):
            return True
        selector = _selector(node)
        values = self._arguments(node) if selector is not None else []
        return (
            selector is not None
            and self.node_text(selector[0]) in self.jsii
            and self.node_text(selector[1]) in _JSII_SCALARS
            and len(values) == 1
            and super()._literal_syntax(values[0])
        )


def _selector(call: Node) -> tuple[Node, Node] | None:
    """The package or receiver and the name a call is made through: `jsii` and `String` in
    `jsii.String("b")`."""
    function = call.child_by_field_name("function") if call.type == "call_expression" else None
    if function is None or function.type != "selector_expression":
        return None
    operand, field = function.child_by_field_name("operand"), function.child_by_field_name("field")
    return (operand, field) if operand is not None and field is not None else None


def _names(declaration: Node) -> list[Node]:
    """The names a declaration or assignment binds, in order."""
    left = declaration.child_by_field_name("left")
    if left is not None:
        return [n for n in left.named_children if n.type == "identifier"]
    return declaration.children_by_field_name("name")


def read(path: str, text: str, module_dir: str) -> FileFacts:
    """The backends of the CDKTF stacks in one Go file (none when it is not CDKTF code)."""
    return read_program(GoProgram, path, text, module_dir)
