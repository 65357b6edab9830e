"""Reading one discovered file into facts: bounded, decoded, handed to the source for its kind.

A file that cannot be read, is too large, is not UTF-8 or holds more than the bounds allow becomes
a problem with file and line; it never stops the scan.
"""

from __future__ import annotations

import codecs
from dataclasses import replace

from backend_guard import bounded, discover, languages
from backend_guard.filekinds import FileKind
from backend_guard.model import FileFacts, ParseProblem, Span
from backend_guard.sources import hcl, tfjson

# A configuration file larger than its cap is reported, not parsed. CDKTF programs are parsed
# whole, and each fix parses its program again: a program larger than its cap (a bundle,
# generated code) is reported, not parsed.
MAX_FILE_BYTES = bounded.Kind.TERRAFORM.cap
MAX_PROGRAM_BYTES = bounded.Kind.PROGRAM.cap
# Terraform accepts one backend per module and each backend has a few dozen arguments; facts beyond
# these bounds come from hostile or generated input and would only make the rules slow.
MAX_BACKENDS_PER_FILE = 20
MAX_ATTRIBUTES_PER_BACKEND = 200


# Byte-order marks of the encodings Terraform and OpenTofu cannot read (UTF-32 first: its
# little-endian mark begins with UTF-16's).
_WIDE_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_MARKS = tuple(mark for mark, _ in _WIDE_MARKS)
_SNIFFED_BYTES = 64


def _wide_encoding(data: bytes) -> str | None:
    """The encoding, UTF-16 or UTF-32, that `data` is text in: it starts with the encoding's
    byte-order mark, or its first bytes hold NULs where the encoding puts them around ASCII."""
    head = data[:_SNIFFED_BYTES]
    if b"\0" not in head and not data.startswith(_MARKS):
        return None  # the common case, decided in two calls
    for mark, name in _WIDE_MARKS:
        if data.startswith(mark):
            return name
    if len(head) < 4:
        return None
    # ASCII in UTF-16LE is `t\0e\0`, in UTF-16BE `\0t\0e`; UTF-32 puts three NULs to a letter.
    for letters, zeros in ((head[0::2], head[1::2]), (head[1::2], head[0::2])):
        if zeros.count(0) * 4 >= len(zeros) * 3:
            return "UTF-32" if letters.count(0) * 4 >= len(letters) else "UTF-16"
    return None


def decode(data: bytes) -> str:
    """Configuration text: UTF-8, a BOM dropped. Raises UnicodeDecodeError otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return data.decode("utf-8")


def _problem(path: str, message: str, line: int = 1, *, limit: bool = False) -> FileFacts:
    span = Span(path, line, 1, line, 1)
    return FileFacts(path=path, problems=[ParseProblem(span, message, limit)])


def _unreadable(path: str, data: bytes) -> FileFacts | None:
    """The problem of a configuration file Terraform cannot read whatever it holds: bytes that
    are not UTF-8, or a NUL byte. Checked before the pre-filter, so found in any file; ASCII, the
    common case, is told without decoding."""
    if not data.isascii():
        try:
            decode(data)
        except UnicodeDecodeError as error:
            return _problem(path, "is not UTF-8 text", data.count(b"\n", 0, error.start) + 1)
    nul = data.find(b"\0")
    if nul < 0:
        return None
    line = data.count(b"\n", 0, nul) + 1
    column = nul - data.rfind(b"\n", 0, nul)
    span = Span(path, line, column, line, column)
    message = "holds a NUL byte, which Terraform and OpenTofu cannot read"
    return FileFacts(path=path, problems=[ParseProblem(span, message)])


def read_config(file: discover.ConfigFile) -> tuple[FileFacts | None, str | None]:
    """Facts of one configuration file, and its text when it was parsed."""
    try:
        data = bounded.read(file.path, bounded.Kind.TERRAFORM)
    except bounded.TooLargeError as error:
        return _problem(file.path, error.message, limit=True), None
    except OSError as error:
        return _problem(file.path, f"cannot be read ({error.strerror})"), None
    wide = _wide_encoding(data)
    if wide is not None:
        # Whatever it holds: the byte pre-filter cannot see into it, and Terraform fails on it.
        return _problem(file.path, f"is {wide} text; Terraform and OpenTofu read only UTF-8"), None
    unreadable = _unreadable(file.path, data)
    if unreadable is not None:
        return unreadable, None
    if not discover.worth_parsing(data):
        return None, None
    text = decode(data)
    if file.kind in (FileKind.JSON, FileKind.TOFU_JSON):
        facts = tfjson.read(file.path, text, file.module_dir, synthesized=file.synthesized)
    else:
        # One backend more than the bound, for `_bounded` to say where the cut starts.
        facts = hcl.read(file.path, text, file.module_dir, max_backends=MAX_BACKENDS_PER_FILE + 1)
    return _bounded(facts), text


def read_program(path: str) -> tuple[FileFacts | None, str | None]:
    """Facts of one CDKTF program file, read only when its bytes name a backend."""
    try:
        data = bounded.read(path, bounded.Kind.PROGRAM, head=True)
    except bounded.TooLargeError as error:
        if not discover.program_worth_parsing(error.head):
            return None, None
        return _problem(path, error.message, limit=True), None
    except OSError:
        return None, None  # not known to be CDKTF code: nothing to say about it
    if not discover.program_worth_parsing(data):
        return None, None
    try:
        text = decode(data)
    except UnicodeDecodeError as error:
        return _problem(path, "is not UTF-8 text", data.count(b"\n", 0, error.start) + 1), None
    # TypeScript's reader for a suffix no language claims: it reads JavaScript too.
    source = languages.reader(languages.program_language(path) or languages.PROGRAMS[0])
    return _bounded(source.read(path, text, path)), text


def _bounded(facts: FileFacts) -> FileFacts:
    """`facts` cut to MAX_BACKENDS_PER_FILE backends of MAX_ATTRIBUTES_PER_BACKEND arguments;
    what is cut is reported where it starts."""
    if len(facts.backends) > MAX_BACKENDS_PER_FILE:
        first = facts.backends[MAX_BACKENDS_PER_FILE].span
        facts.problems.append(
            ParseProblem(
                first.start(),
                f"declares more than {MAX_BACKENDS_PER_FILE} backends; "
                "those from here on were not checked",
                limit=True,
            )
        )
        del facts.backends[MAX_BACKENDS_PER_FILE:]
    for index, backend in enumerate(facts.backends):
        if len(backend.attributes) <= MAX_ATTRIBUTES_PER_BACKEND:
            continue
        first = backend.attributes[MAX_ATTRIBUTES_PER_BACKEND].span
        facts.problems.append(
            ParseProblem(
                first.start(),
                f"{backend.label} has more than {MAX_ATTRIBUTES_PER_BACKEND} arguments; "
                "those from here on were not checked",
                limit=True,
            )
        )
        facts.backends[index] = replace(
            backend, attributes=backend.attributes[:MAX_ATTRIBUTES_PER_BACKEND]
        )
    return facts
