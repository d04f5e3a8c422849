"""Chat templates from GGUF metadata: a static check for injection, and sandboxed rendering.

A GGUF's ``tokenizer.chat_template`` is Jinja2 written by whoever made the file. A
template that reaches for Python internals (``__class__``, ``__globals__``,
``__subclasses__``, ...) is an attack (CVE-2024-34359 in llama-cpp-python < 0.2.72), so
:func:`scan_template` finds such reaches before the model is loaded, and
:func:`render_chat` always renders in jinja2's ``ImmutableSandboxedEnvironment``, trusted
or not.

    >>> scan_template("{{ messages[0].content }}")
    []
    >>> scan_template("{{ cycler.__init__.__globals__.os }}")[0].token
    '__init__'
    >>> render_chat("{% for m in messages %}{{ m.content }}{% endfor %}",
    ...             [{"role": "user", "content": "hi"}])
    'hi'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata
from typing import Any

# Minimum versions without the known template-injection holes.
MIN_VERSIONS = {"llama-cpp-python": (0, 2, 72), "jinja2": (3, 1, 6)}

FALLBACK_TEMPLATE = (  # ChatML, used when a GGUF carries no template
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# Attribute and item names that only an attack needs: anything starting with "_" (dunders,
# name-mangled privates such as ``_TemplateReference__context``) and frame, code and
# function internals.
_INTERNAL_NAMES = frozenset({
    "func_globals", "func_code", "f_globals", "f_locals", "f_builtins", "f_back", "gi_frame",
    "gi_code", "cr_frame", "ag_frame", "tb_frame", "tb_next", "co_code", "mro", "subclasses",
    "import_module", "getattribute", "globals", "builtins", "popen", "subprocess", "eval",
    "exec", "compile"})
# Filters that look attributes up by a name given as a string.
_ATTRIBUTE_FILTERS = frozenset({"map", "selectattr", "rejectattr", "groupby", "sort", "sum",
                                "unique", "min", "max"})


@dataclass(frozen=True)
class TemplateFinding:
    """One suspicious reach in a template: what, and on which line of the template."""

    token: str
    line: int

    def describe(self) -> str:
        return f"{self.token!r} at template line {self.line}"


def _bad_name(name: object) -> bool:
    return isinstance(name, str) and (name.startswith("_") or name in _INTERNAL_NAMES)


def scan_template(template: str) -> list[TemplateFinding]:
    """Every place where ``template`` reaches for Python internals ([] when clean).

    The template is parsed by Jinja2's own parser (so escapes such as ``\\x5f`` and
    ``\\U0000005f`` and adjacent literals are already decoded) and its syntax tree walked:
    an attribute or item whose name starts with ``_`` or is a Python internal, an item
    whose name is built at render time (``~``, ``+``, ``|format``, a variable set to such a
    string), the ``attr`` filter, and any string literal holding ``__``. A template that
    does not parse is a finding too: what cannot be checked is not run.
    """
    from jinja2 import nodes
    from jinja2.exceptions import TemplateSyntaxError

    try:
        tree = sandbox_environment().parse(template)
    except TemplateSyntaxError as exc:
        return [TemplateFinding(f"does not parse: {exc.message}", exc.lineno or 1)]
    built = _names_holding_built_strings(tree)
    findings: set[TemplateFinding] = set()

    def add(token: str, node) -> None:
        findings.add(TemplateFinding(token, getattr(node, "lineno", 1) or 1))

    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Getattr) and _bad_name(node.attr):
            add(node.attr, node)
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and _bad_name(node.arg.value):
                add(node.arg.value, node)
            elif _builds_string(node.arg, built):
                add("computed item name", node)
        elif isinstance(node, nodes.Filter):
            if node.name == "attr":
                add("|attr", node)
            elif node.name in _ATTRIBUTE_FILTERS:
                for kw in node.kwargs:
                    if kw.key == "attribute" and not (isinstance(kw.value, nodes.Const)
                                                      and not _bad_name(kw.value.value)):
                        add(f"|{node.name}(attribute=...)", node)
        elif isinstance(node, nodes.Const) and isinstance(node.value, str) \
                and "__" in node.value:
            add(node.value[:40], node)
    return sorted(findings, key=lambda f: (f.line, _first_at(template, f.token), f.token))


def _first_at(template: str, token: str) -> int:
    """Where ``token`` first appears in the source (escaped names: at the end)."""
    at = template.find(token)
    return at if at >= 0 else len(template)


def _builds_string(expr, built: set[str]) -> bool:
    """Whether ``expr`` makes a string at render time (a computed name)."""
    from jinja2 import nodes

    if isinstance(expr, (nodes.Concat, nodes.Filter, nodes.Call, nodes.CondExpr,
                         nodes.Mod)):
        return True
    if isinstance(expr, nodes.Name):
        return expr.name in built
    if isinstance(expr, (nodes.Add, nodes.Mul)):
        return any(_builds_string(side, built) or _is_text(side, built)
                   for side in (expr.left, expr.right))
    return False


def _is_text(expr, built: set[str]) -> bool:
    from jinja2 import nodes

    return (isinstance(expr, nodes.Const) and isinstance(expr.value, str)) or \
        (isinstance(expr, nodes.Name) and expr.name in built)


def _names_holding_built_strings(tree) -> set[str]:
    """Variables ``{% set %}`` (or a loop over literals) binds to text or a built string."""
    from jinja2 import nodes

    built: set[str] = set()
    while True:
        before = len(built)
        for node in tree.find_all((nodes.Assign, nodes.AssignBlock, nodes.For)):
            if isinstance(node, nodes.Assign):
                value = node.node
                stringy = _builds_string(value, built) or _is_text(value, built)
            elif isinstance(node, nodes.AssignBlock):
                stringy = True
            else:
                stringy = not isinstance(node.iter, (nodes.Name, nodes.Getattr, nodes.Getitem))
            if stringy:
                built |= {n.name for n in node.target.find_all(nodes.Name)} | (
                    {node.target.name} if isinstance(node.target, nodes.Name) else set())
        if len(built) == before:
            return built


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in re.split(r"[.+-]", text):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def check_versions(versions: dict[str, str] | None = None) -> list[str]:
    """Problems with installed versions (``[]`` when llama-cpp-python and jinja2 are new
    enough). ``versions`` maps distribution names to versions; default: installed ones.

    >>> check_versions({"llama-cpp-python": "0.2.71", "jinja2": "3.1.6"})
    ['llama-cpp-python 0.2.71 is older than 0.2.72 (chat-template injection, CVE-2024-34359)']
    """
    problems = []
    for dist, minimum in MIN_VERSIONS.items():
        if versions is not None:
            found = versions.get(dist)
        else:
            try:
                found = metadata.version(dist)
            except metadata.PackageNotFoundError:
                found = None
        want = ".".join(map(str, minimum))
        if found is None:
            problems.append(f"{dist} is not installed (need >= {want})")
        elif _version_tuple(found) < minimum:
            why = ("chat-template injection, CVE-2024-34359" if dist == "llama-cpp-python"
                   else "sandbox escape fixes of 3.1.6")
            problems.append(f"{dist} {found} is older than {want} ({why})")
    return problems


def _raise_exception(message: str) -> None:
    from jinja2.exceptions import TemplateError

    raise TemplateError(message)


def _strftime_now(fmt: str) -> str:
    import datetime

    return datetime.datetime.now().strftime(fmt)


def sandbox_environment():
    """The jinja2 environment every template renders in: immutable sandbox, Hugging Face
    conventions (``raise_exception``, ``strftime_now``, loop controls)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=["jinja2.ext.loopcontrols"])
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    return env


def render_chat(template: str, messages: list[dict[str, Any]], *, bos_token: str = "",
                eos_token: str = "", add_generation_prompt: bool = True) -> str:
    """Render chat ``messages`` with ``template`` in the sandbox.

    Raises jinja2's ``SecurityError`` when the template tries something unsafe and
    ``TemplateError`` for other template failures.
    """
    env = sandbox_environment()
    compiled = env.from_string(template)
    return compiled.render(messages=messages, bos_token=bos_token, eos_token=eos_token,
                           add_generation_prompt=add_generation_prompt)


def template_keys(metadata_: dict[str, Any]) -> dict[str, str]:
    """The chat templates in GGUF metadata: ``tokenizer.chat_template`` and named ones
    (``tokenizer.chat_template.<name>``)."""
    return {k: v for k, v in metadata_.items()
            if (k == "tokenizer.chat_template" or k.startswith("tokenizer.chat_template."))
            and isinstance(v, str)}
