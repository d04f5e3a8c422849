"""The knowledge base's records: what the loader builds from the YAML profiles.

Pure data. ``advisor.knowledge.load`` builds them; the assessment reads them.

    Example (not run)::

        kb.licenses["llama3.2"].rules[0].code   # 'notice'
"""

from __future__ import annotations

from typing import Any

# Source and the quality tables live in their own modules; every record is still named
# from here (``from advisor.knowledge.model import Source, QualityTable``).
from advisor.frozen import field, frozen, mutable
from advisor.knowledge.quality_table import QUALITY_KINDS, QualityScore, QualityTable  # noqa: F401
from advisor.knowledge.source import Source, section_label  # noqa: F401
from advisor.text import escape_controls

# What a model is for (profiles/README.md, model-family): the one kind that decides its
# suitability. `base`: pre-trained only, no chat tuning; `instruct`: chat/instruction tuned;
# `reasoning`: tuned to think before answering (hybrid thinking models included);
# `coder`: code-specialised; `vision_language`: an instruct model built around image input;
# `omni`: text, image and audio in one chat model; `image_generation` and
# `video_generation`: diffusion and similar generators; `embedding`: vectors, no text
# out; `guard`: a safety classifier; `speech`: speech recognition or synthesis.
MODEL_KINDS = ("base", "instruct", "reasoning", "coder", "vision_language", "omni",
               "image_generation", "video_generation", "embedding", "guard", "speech")
# `partial`: only part of the component is released (a sample of the data, some of the
# checkpoints); shown as such, counted as not open for the grades.
COMPONENT_STATUSES = ("open", "partial", "restricted", "not_released", "unknown")
COMPONENT_TYPES: dict[str, str] = {
    "model_architecture": "code",
    "model_parameters_final": "data",
    "model_card": "document",
    "data_card": "document",
    "technical_report": "document",
    "evaluation_results": "document",
    "sample_model_outputs": "document",
    "training_code": "code",
    "inference_code": "code",
    "evaluation_code": "code",
    "evaluation_data": "data",
    "supporting_libraries": "code",
    "datasets": "data",
    "data_preprocessing_code": "code",
    "model_parameters_intermediate": "data",
    "research_paper": "document",
    "model_metadata": "data",
}


@frozen
class Rule:
    """One clause of a license, use policy, jurisdiction or policy, and when it applies."""

    code: str
    severity: str
    when: dict[str, Any]
    message: str
    source: Source
    obligation: str | None = None
    confirmed: bool = True
    origin: str = ""                      # "license:llama3.2", "jurisdiction:EU", ...
    quote: str | None = None              # the passage of the source the rule rests on
    in_force: str | None = None           # ISO date the provision applies from
    only_if: str | None = None            # a trigger the answers cannot decide, in words


@frozen
class License:
    """A license profile: its identity on the Hub and in SPDX, and its rules."""

    id: str
    title: str
    spdx: str | None
    hf_license: tuple[str, ...]
    hf_license_names: tuple[str, ...]
    osi_approved: bool
    free_open_source: bool
    url: str | None
    version_date: str | None
    checked: str | None
    summary: str
    use_policies: tuple[str, ...]
    rules: tuple[Rule, ...]
    file: str | None = None
    sha256: str | None = None


@frozen
class UsePolicy:
    """An acceptable-use policy a license or a model refers to, and its rules."""

    id: str
    title: str
    url: str | None
    checked: str | None
    rules: tuple[Rule, ...]
    file: str | None = None
    sha256: str | None = None


@frozen
class Component:
    """One MOF component of a model: whether it is released, and under which license."""

    status: str = "unknown"
    license: str | None = None
    evidence: str | None = None


@frozen
class ApiAccess:
    """How a hosted (API-only) model is reached: an OpenAI-compatible service.

    ``ApiAccess("OpenAI", "https://api.openai.com/v1", "OPENAI_API_KEY", "gpt-5.1")``
    """

    provider: str                 # who runs the service
    base_url: str                 # OpenAI-compatible base URL (chat/completions below it)
    key_env: str                  # the environment variable the key is read from
    model: str                    # the model name the API takes
    docs: str | None = None       # where the model list is documented
    # How the chat request is shaped for this model (reasoning models differ):
    token_limit: str = "max_tokens"        # or max_completion_tokens
    sampling: str = "free"                 # free | default_only (no temperature/top_p/seed)
    extra_body: tuple[tuple[str, Any], ...] = ()   # more request fields: (("reasoning_effort", "minimal"),)


@frozen
class LicenseFile:
    """The license text in the model's Hub repo as the profile was checked against it;
    ``advisor profiles watch`` reads it again and compares the hash:
    ``LicenseFile("LICENSE", "1b1c...", "2026-12-01")``."""

    path: str                        # the file's path in the repo
    sha256: str | None = None        # of its bytes when checked; None: not recorded yet
    checked: str | None = None


@frozen
class HubGate:
    """The Hub gate (the card's ``extra_gated_*`` fields) as the profile was checked
    against it: ``HubGate(eu_disallowed=True, sha256="9f2c...")``."""

    eu_disallowed: bool = False      # extra_gated_eu_disallowed
    sha256: str | None = None        # of the other extra_gated_* fields (advisor.knowledge.watch)


@frozen
class ModelProfile:
    """What the knowledge base knows about one model (a repo id on the Hub)."""

    id: str
    family: str
    vendor: str
    licenses: tuple[str, ...]
    base_model: str | None = None
    parameters: float | None = None
    active_parameters: float | None = None   # per token, for mixture-of-experts models
    training_tokens: float | None = None
    modalities: tuple[str, ...] = ("text",)
    released: str | None = None
    context_length: int | None = None
    gated: bool = False
    gguf_repos: tuple[str, ...] = ()
    use_policies: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    openness: dict[str, Component] = field(default_factory=dict)
    notes: str | None = None
    file: str | None = None
    confirmed: bool = True                   # false: drafted (`profiles draft`), not yet checked
    access: str = "weights"                  # weights | api (a hosted service, no weights)
    api: ApiAccess | None = None             # set exactly when access is api
    kind: str | None = None                  # one of MODEL_KINDS; None: not yet profiled
    languages: tuple[str, ...] = ()          # ISO 639-1 codes the card says it supports
    tool_calling: bool | None = None         # the card documents function/tool calling
    license_file: LicenseFile | None = None  # the repo's license text as checked (watch)
    gate: HubGate | None = None              # the card's gate as checked (watch)

    @property
    def hosted(self) -> bool:
        """True for a hosted API model: nothing to download, nothing runs locally."""
        return self.access == "api"

    @property
    def training_flop(self) -> float | None:
        """6 x parameters x training tokens, the usual estimate of training compute
        (active parameters for a mixture-of-experts model)."""
        params = self.active_parameters or self.parameters
        if params and self.training_tokens:
            return 6.0 * params * self.training_tokens
        return None


@frozen
class Jurisdiction:
    """The law of a place (or one body of law) and the rules it adds."""

    id: str
    title: str
    members: frozenset[str]
    checked: str | None
    rules: tuple[Rule, ...]
    file: str | None = None
    # `place`: the law of its members (a member it lists counts as assessed); `topic`: one
    # body of law (the GDPR, HIPAA, children's privacy) that adds rules for its members
    # without standing for the rest of their law (profiles/README.md, Jurisdictions).
    scope: str = "place"


@frozen
class Wants:
    """What a use case needs of a model (``needs``: a model known to lack it is left out)
    or prefers (``prefers``: a model that has it ranks higher). Empty means no wish.

    ``Wants(kinds=("instruct", "reasoning"), context=8192)``
    """

    kinds: tuple[str, ...] = ()            # any of these MODEL_KINDS
    modalities: tuple[str, ...] = ()       # every one of these modalities
    tool_calling: bool = False             # documented tool (function) calling
    context: int | None = None             # tokens of context

    def __bool__(self) -> bool:
        return bool(self.kinds or self.modalities or self.tool_calling or self.context)


@frozen
class UseCaseInfo:
    """A use case of the interview: what it needs of a model and what it implies."""

    id: str
    title: str
    description: str = ""
    why: str = ""
    suites: tuple[str, ...] = ()
    regulatory: tuple[str, ...] = ()
    data: tuple[str, ...] = ()           # data.categories this use always processes
    interactive: bool = False              # people converse with it: no base model, speed counts
    needs: Wants = Wants()
    prefers: Wants = Wants()


@frozen
class Policy:
    """An organization's own policy, as rules over the same facts as the law's."""

    id: str
    title: str
    checked: str | None
    rules: tuple[Rule, ...]
    file: str | None = None


@frozen
class Override:
    """A user's profile that replaces an id of an earlier directory (the shipped one).

    ``Override("license", "apache-2.0", "/me/apache.yaml", "9f2c...", "profiles/licenses/apache-2.0.yaml")``
    """

    kind: str                      # license | use-policy | model | jurisdiction | policy |
                                   # use-case | quality
    id: str
    file: str                      # the replacing file
    sha256: str                    # of the replacing file
    replaced_file: str             # the file whose definition no longer counts
    key_env: str | None = None     # a hosted model's: the variable whose key it sends
    key_origin: str | None = None  # ... and where it sends it

    def note(self) -> str:
        """One line for stderr, the JSON ``notes`` and the record (file names with
        control characters escaped, as ``repr`` would); a hosted model's says where its
        key now goes."""
        key = (f"; the key in {self.key_env} is sent to {escape_controls(self.key_origin)}"
               if self.key_env and self.key_origin else "")
        return (f"profile override: {self.kind} {self.id!r} from "
                f"{escape_controls(self.replaced_file)} is replaced by "
                f"{escape_controls(self.file)} (sha256 {self.sha256}){key}")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "file": self.file, "sha256": self.sha256,
                "replaced_file": self.replaced_file}


@mutable
class KnowledgeBase:
    """Every profile loaded, by id; what the assessment reads."""

    licenses: dict[str, License] = field(default_factory=dict)
    use_policies: dict[str, UsePolicy] = field(default_factory=dict)
    models: dict[str, ModelProfile] = field(default_factory=dict)   # key: lower-case repo id
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    use_cases: dict[str, UseCaseInfo] = field(default_factory=dict)
    policies: dict[str, Policy] = field(default_factory=dict)
    file_hashes: dict[str, str] = field(default_factory=dict)       # relative path -> sha256
    digest: str = ""
    overrides: tuple[Override, ...] = ()                            # user files over shipped ids
    quality: dict[str, QualityTable] = field(default_factory=dict)  # published quality tables
    gguf_index: dict[str, str] = field(default_factory=dict)        # lower GGUF repo -> model key

    def override_notes(self) -> tuple[str, ...]:
        """``kb.override_notes()`` -> ("profile override: license 'mit' from ... replaced by ...",)."""
        return tuple(o.note() for o in self.overrides)

    def rules(self) -> list[Rule]:
        """Every rule of every license, use policy, jurisdiction and organization policy."""
        tables = (self.licenses, self.use_policies, self.jurisdictions, self.policies)
        return [rule for table in tables for record in table.values() for rule in record.rules]

    def rule_figures(self) -> dict[str, int]:
        """How many rules there are, how many quote the passage they rest on, and how many
        are ``confirmed: false``:

        >>> KnowledgeBase().rule_figures()
        {'rules': 0, 'quoted': 0, 'unconfirmed': 0}
        """
        rules = self.rules()
        return {"rules": len(rules), "quoted": sum(1 for r in rules if r.quote),
                "unconfirmed": sum(1 for r in rules if not r.confirmed)}

    def find_model(self, repo_id: str) -> ModelProfile | None:
        """Case-insensitive lookup, by the profile's id or one of its ``gguf_repos``:
        ``kb.find_model("qwen/qwen3-8b")``,
        ``kb.find_model("bartowski/Llama-3.2-1B-Instruct-GGUF").id`` ->
        ``'meta-llama/Llama-3.2-1B-Instruct'``."""
        key = repo_id.strip().lower()
        found = self.models.get(key)
        if found is None and key in self.gguf_index:
            found = self.models.get(self.gguf_index[key])
        return found

    def same_terms(self, declared: License | None, license_ids: tuple[str, ...]) -> bool:
        """Whether the license a Hub card declares is one of ``license_ids``, or the same
        listed SPDX license under another profile (a card tagged apache-2.0 and the gemma-4
        profile, both Apache-2.0)."""
        if declared is None:
            return False
        if declared.id in license_ids:
            return True
        spdx = declared.spdx
        if not spdx or spdx.startswith("LicenseRef-"):
            return False
        return any(self.licenses[lid].spdx == spdx for lid in license_ids if lid in self.licenses)

    def license_for_hub(self, tag: str | None, name: str | None = None) -> License | None:
        """The license profile a Hub card's ``license`` / ``license_name`` mean, if known."""
        tag_l = (tag or "").strip().lower()
        name_l = (name or "").strip().lower()
        if name_l:
            for lic in self.licenses.values():
                if name_l in (n.lower() for n in lic.hf_license_names) or name_l == lic.id:
                    return lic
        if tag_l and tag_l != "other":
            for lic in self.licenses.values():
                if tag_l in (t.lower() for t in lic.hf_license) or tag_l == lic.id.lower():
                    return lic
            for lic in self.licenses.values():          # an SPDX id, as GGUF files carry
                if lic.spdx and tag_l == lic.spdx.lower():
                    return lic
        return None
