"""What a Hub reply says a model is for: its kind, languages and tool calling.

Pure: ``advisor profiles draft`` hands in the facts it read (the repo name, pipeline tag,
tags, the card's ``language:`` list, its base models, whether the chat template takes
tools) and writes the result into the draft, unconfirmed like every drafted fact. The
signals are the Hub's own: ``pipeline_tag`` (``text-to-image``, ``image-text-to-text``,
...), the ``conversational`` tag a chat template earns, language codes, ``-Base`` and
``-Instruct`` in names, and the ``base_model`` relation (a quantization is what its base
model is).

    >>> s = suitability_from_hub(HubFacts(repo_id="acme/Widget-7B-Instruct",
    ...     pipeline_tag="text-generation", tags=["conversational", "en", "function-calling"]))
    >>> s.kind, s.languages, s.tool_calling
    ('instruct', ('en',), True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from advisor.knowledge.hubfacts import HubFacts
from advisor.languages import ISO_639_1

MAX_TAGS = 500                     # a hostile reply's tag list is read this far
# pipeline_tag -> kind, for the pipelines that decide the kind on their own
PIPELINE_KINDS = {
    "text-to-image": "image_generation", "image-to-image": "image_generation",
    "unconditional-image-generation": "image_generation",
    "text-to-video": "video_generation", "image-to-video": "video_generation",
    "feature-extraction": "embedding", "sentence-similarity": "embedding",
    "automatic-speech-recognition": "speech", "text-to-speech": "speech",
    "text-to-audio": "speech", "audio-to-audio": "speech",
    "any-to-any": "omni", "audio-text-to-text": "omni",
    "image-text-to-text": "vision_language", "visual-question-answering": "vision_language",
    "image-to-text": "vision_language", "video-text-to-text": "vision_language",
    "document-question-answering": "vision_language",
}
# Kinds that never call tools and need no language list.
NO_TOOL_KINDS = frozenset({"base", "image_generation", "video_generation", "embedding", "speech",
                           "guard"})
TOOL_TAGS = frozenset({"function-calling", "function_calling", "tool-calling", "tool_calling",
                       "tool-use", "tool_use", "tools", "function-call"})
_WORDS = re.compile(r"[A-Za-z]+|\d+")
_BASE = re.compile(r"(?i)(?:^|[-_.])(?:base|pt|pretrain(?:ed)?)(?:$|[-_.])")
_CHAT = re.compile(r"(?i)(?:^|[-_.])(?:instruct|chat|it|sft|dpo|rlhf|assistant)(?:$|[-_.\d])")
_R1 = re.compile(r"(?i)(?:^|[-_.])r1(?:$|[-_.])")
_GGUF = re.compile(r"(?i)[-_.](?:gguf|awq|gptq|mlx|exl2|fp8|int4|int8|\d+bit)$")


@dataclass(frozen=True)
class Suitability:
    kind: str
    languages: tuple[str, ...]
    tool_calling: bool | None          # None: no evidence either way
    notes: tuple[str, ...] = ()


def kind_from_names(name: str, pipeline_tag: str | None, tags: Iterable[str]) -> str:
    """The kind a repo's name, pipeline tag and tags point to (no base model consulted).

    >>> kind_from_names("Qwen3-8B-Base", "text-generation", [])
    'base'
    >>> kind_from_names("gemma-3-27b-pt", "image-text-to-text", [])
    'base'
    >>> kind_from_names("Qwen2.5-Coder-7B-Instruct", "text-generation", ["conversational"])
    'coder'
    >>> kind_from_names("DeepSeek-R1-Distill-Qwen-7B", "text-generation", ["conversational"])
    'reasoning'
    >>> kind_from_names("pythia-1.4b", "text-generation", [])
    'base'
    >>> kind_from_names("FLUX.1-dev", "text-to-image", [])
    'image_generation'
    """
    tags = {t.lower() for t in tags}
    words = {w.lower() for w in _WORDS.findall(name)}
    if words & {"guard", "guardian", "shieldgemma"} or "safety-classifier" in tags:
        return "guard"
    pipeline = PIPELINE_KINDS.get(pipeline_tag or "")
    if pipeline in ("image_generation", "video_generation", "embedding", "speech"):
        return pipeline
    if _BASE.search(name) and not _CHAT.search(name):
        return "base"
    chat = bool(_CHAT.search(name)) or "conversational" in tags or pipeline is not None
    if not chat:
        return "base"
    if words & {"coder", "code", "codestral", "devstral", "starcoder", "codegemma", "codellama"}:
        return "coder"
    if words & {"think", "thinking", "reasoning", "reasoner", "qwq"} or _R1.search(name):
        return "reasoning"
    if pipeline:
        return pipeline
    if words & {"vl", "vision"}:
        return "vision_language"
    return "instruct"


def languages_from_hub(card_languages: Iterable[str], tags: Iterable[str]) -> tuple[
        tuple[str, ...], tuple[str, ...]]:
    """ISO 639-1 codes of the card's ``language:`` list (``de-CH`` reads as ``de``), or of
    the tags when the card names none; and the card's entries that are no such code.

    >>> languages_from_hub(["en", "zh-Hans", "multilingual", "eng"], [])
    (('en', 'zh'), ('multilingual', 'eng'))
    >>> languages_from_hub([], ["text-generation", "en", "fr", "region:us"])
    (('en', 'fr'), ())
    """
    card = [str(c) for c in list(card_languages)[:MAX_TAGS]]
    source = card or [t for t in list(tags)[:MAX_TAGS] if ":" not in t and len(t) == 2]
    codes: list[str] = []
    other: list[str] = []
    for entry in source:
        primary = entry.strip().lower().replace("_", "-").split("-", 1)[0]
        if primary in ISO_639_1:
            if primary not in codes:
                codes.append(primary)
        elif card and entry.isprintable() and len(entry) <= 40 and entry not in other:
            other.append(entry)
    return tuple(codes), tuple(other)


def template_takes_tools(template: str | None) -> bool:
    """Whether a chat template reads a ``tools`` variable (it renders tool definitions).

    >>> template_takes_tools("{%- if tools %}<tools>{{ tools | tojson }}</tools>{%- endif %}")
    True
    >>> template_takes_tools("{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}")
    False
    """
    return bool(template) and re.search(r"\btools\b", template) is not None


def suitability_from_hub(hub: HubFacts, card_languages: Sequence[str] = (),
                         template_tools: bool | None = None) -> Suitability:
    """Kind, languages and tool calling of ``hub`` (with its ``base_chain``); a quantized
    repo is what the model it quantizes is. ``template_tools``: whether the repo's chat
    template takes tools (None: not read)."""
    own_name = hub.repo_id.split("/", 1)[1]
    quantized = hub.base_relation == "quantized" or bool(_GGUF.search(own_name))
    origin = hub.base_chain[0] if quantized and hub.base_chain else hub
    name = origin.repo_id.split("/", 1)[1]
    tags = [*list(hub.tags)[:MAX_TAGS], *list(origin.tags)[:MAX_TAGS]]
    kind = kind_from_names(name, origin.pipeline_tag or hub.pipeline_tag, tags)
    languages, other = languages_from_hub(card_languages, tags)
    notes = [f"Kind '{kind}' read from the Hub's name, pipeline tag and tags"
             + (f" of the quantized model {origin.repo_id}" if origin is not hub else "") + "."]
    if other:
        notes.append(f"The card also names languages that are no ISO 639-1 code: "
                     f"{', '.join(other[:10])}.")
    if not languages:
        notes.append("The Hub reply names no languages: read them from the card.")
    tag_tools = any(t.lower() in TOOL_TAGS for t in tags)
    tools: bool | None
    if kind in NO_TOOL_KINDS:
        tools = False
    elif tag_tools or template_tools is True:
        tools = True
    elif template_tools is False:
        tools = False
        notes.append("The chat template takes no tools and no tag names tool calling: "
                     "tool_calling is false until the card says otherwise.")
    else:
        tools = None
        notes.append("No tool-calling evidence in the Hub reply and no chat template read: "
                     "tool_calling is left unknown (null); read it from the card.")
    return Suitability(kind, languages, tools, tuple(notes))
