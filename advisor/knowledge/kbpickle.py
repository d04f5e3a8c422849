"""The knowledge base as a pickle that loads fast (the stored one, :mod:`advisor.knowledge.cache`).

Two things make the plain pickle slow to load: every record's state lists each field,
the thousands equal to their class's default included (``None``, ``()``, ``True``), and
every equal string is a string of its own (``"Apache-2.0"`` 360 times). So a record's
state leaves out each field whose value equals its class attribute (same type, and an
immutable one: the class attribute answers for it once loaded, as the dataclass default
does for a record built so), and equal strings are pickled once. The loaded knowledge
base equals the one pickled; a class without an instance ``__dict__`` or with a
reduction of its own is pickled the usual way. Safe because a changed default is changed
code: the stored knowledge base is keyed by the source of this package.

    >>> from advisor.knowledge.model import Component, KnowledgeBase
    >>> import pickle
    >>> kb = KnowledgeBase(digest="d", file_hashes={"a.yaml": "open"})
    >>> pickle.loads(dumps(kb)) == kb
    True
    >>> part = pickle.loads(dumps(Component(status="open")))
    >>> part == Component(status="open"), vars(part)        # the default left out
    (True, {'status': 'open'})
"""

from __future__ import annotations

import copyreg
import io
import pickle
from typing import Any

_CONTAINERS = (dict, list, tuple, set, frozenset)
_ABSENT = object()


def _class_default(cls: type, name: str) -> Any:
    """The class attribute ``name`` of ``cls`` when it is a plain value (not a descriptor:
    a method or property), else ``_ABSENT``."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            value = klass.__dict__[name]
            return _ABSENT if hasattr(type(value), "__get__") else value
    return _ABSENT


class _Pickler(pickle.Pickler):
    """Records without their default fields, equal strings once (see the module's docstring)."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.strings: dict[str, str] = {}
        self.shared: dict[int, tuple[Any, Any]] = {}    # id -> (original, rebuilt)
        self.defaults: dict[type, dict[str, Any]] = {}

    def share(self, value: Any) -> Any:
        """``value`` with each string in it replaced by the first equal one met."""
        kind = type(value)
        if kind is str:
            return self.strings.setdefault(value, value)
        if kind not in _CONTAINERS:
            return value
        done = self.shared.get(id(value))
        if done is not None:
            return done[1]
        if kind is dict:
            rebuilt: Any = {self.share(k): self.share(v) for k, v in value.items()}
        else:
            rebuilt = kind(self.share(v) for v in value)
        self.shared[id(value)] = (value, rebuilt)       # the original kept: its id stays its own
        return rebuilt

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        state = getattr(obj, "__dict__", None)
        if (type(state) is not dict or isinstance(obj, type)
                or cls.__reduce_ex__ is not object.__reduce_ex__
                or cls.__reduce__ is not object.__reduce__
                or cls.__getstate__ is not object.__getstate__
                or getattr(cls, "__setstate__", None) is not None
                or getattr(cls, "__getnewargs_ex__", None) is not None
                or getattr(cls, "__getnewargs__", None) is not None):
            return NotImplemented
        defaults = self.defaults.setdefault(cls, {})
        kept = {}
        for name, value in state.items():
            default = defaults.get(name, _ABSENT)
            if default is _ABSENT:
                default = defaults[name] = _class_default(cls, name)
            if (default is not _ABSENT and type(value) is type(default)
                    and type(default).__hash__ is not None and value == default):
                continue
            kept[self.share(name)] = self.share(value)
        return (copyreg.__newobj__, (cls,), kept)      # NEWOBJ: cls.__new__(cls), then the state


def dumps(kb: Any) -> bytes:
    """``kb`` pickled so it loads fast; ``pickle.loads`` reads it back equal."""
    out = io.BytesIO()
    _Pickler(out).dump(kb)
    return out.getvalue()
