"""One reader of CDKTF program code for every language.

A language is a table — its tree-sitter grammar, the node kinds of its strings, templates, calls,
member access, objects and scopes, how it imports `cdktf` and how it makes a stack — and a few hooks
for what only it has (`sources/cdktf_<language>.py`). What is the same in every language is here,
once: `program.Program` finds the backend constructs, the overrides written into them and the stack
each belongs to, resolves values through the bindings in scope, and finds the storage a stack
creates and the bindings that only fed a backend; `facts` turns that into `FileFacts`.

- `cdktf_api`: what the `cdktf` package offers (backend and workspace classes, override paths).
- `tree`: a parsed file, its positions and its branches.
- `resolved`: what reading tells about a value, and how literals read in each language.
- `construct`: a backend construct and its overrides, as found.
- `program`: the reader itself; `class_based`: what Java and C# add to it.
- `backend`: one construct as the `BackendConfig` it synthesizes.
- `facts`: a program's constructs as `BackendConfig` facts, within the bounds every source keeps.
"""
