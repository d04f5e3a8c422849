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

# Names that only an attack needs: dunders, frame/code/function internals, the attr
# filter (which builds attribute names from strings) and escaped underscores.
_SUSPICIOUS = re.compile(
    r"(__[A-Za-z0-9_]*__"
    r"|\b(?:func_globals|func_code|f_globals|f_locals|f_builtins|gi_frame|gi_code|cr_frame"
    r"|tb_frame|co_code|mro|subclasses|import_module|getattribute|globals|builtins"
    r"|popen|subprocess|eval|exec|compile|system)\b"
    r"|\|\s*attr\b|\battr\s*\("
    r"|\\x5[fF]|\\u005[fF]|\\137|\\N\{LOW LINE\})"
)
_SAFE_WORDS = {"system"}   # "system" is a chat role; only flagged as a call (``.system(``)


@dataclass(frozen=True)
class TemplateFinding:
    """One suspicious reach in a template: what, and on which line of the template."""

    token: str
    line: int

    def describe(self) -> str:
        return f"{self.token!r} at template line {self.line}"


def scan_template(template: str) -> list[TemplateFinding]:
    """Every place where ``template`` reaches for Python internals ([] when clean)."""
    findings = []
    for match in _SUSPICIOUS.finditer(template):
        token = match.group(0)
        if token in _SAFE_WORDS:
            rest = template[match.end():match.end() + 2].lstrip()
            before = template[max(0, match.start() - 1):match.start()]
            if not (before == "." and rest.startswith("(")):
                continue
        line = template.count("\n", 0, match.start()) + 1
        findings.append(TemplateFinding(token.strip(), line))
    return findings


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
