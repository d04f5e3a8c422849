"""Records: classes declared by their annotated fields, as ``dataclasses`` does, built cheaply.

``@frozen`` is ``@dataclass(frozen=True)`` and ``@mutable`` is ``@dataclass`` for the classes
every ``advisor assess`` run loads (the knowledge base, the answers, the assessment). The
same fields, defaults, ``field(default_factory=...)``, ``__post_init__``, equality, hash,
``repr``, ``__match_args__`` and immutability; :func:`replace` and :func:`fields` as the
``dataclasses`` functions. Why not ``dataclasses`` itself: on CPython 3.11 it compiles six
functions a frozen class from source (about 1 ms a class: 34 classes cost 30 ms) and imports
``inspect`` (9 ms), together a third of the command's run; here one ``__init__`` a class is
compiled and the other methods are shared. Not supported (a ``TypeError`` says so where it
can tell): fields inherited from a record base, field options other than ``default`` and
``default_factory``, ``InitVar``, keyword-only fields.

    >>> @frozen
    ... class Point:
    ...     x: int
    ...     y: int = 0
    ...     tags: tuple[str, ...] = field(default_factory=tuple)
    >>> p = Point(1)
    >>> p, p == Point(1, 0), hash(p) == hash(Point(1)), replace(p, y=2)
    (Point(x=1, y=0, tags=()), True, True, Point(x=1, y=2, tags=()))
    >>> p.x = 3
    Traceback (most recent call last):
    ...
    advisor.frozen.FrozenInstanceError: cannot assign to field 'x'
    >>> fields(p)
    ('x', 'y', 'tags')
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, Callable, TypeVar, dataclass_transform

__all__ = ["FrozenInstanceError", "field", "fields", "frozen", "mutable", "replace"]

T = TypeVar("T")
FIELDS = "__record_fields__"        # the class attribute naming its fields, in order


class FrozenInstanceError(AttributeError):
    """An assignment to (or deletion of) a field of a frozen record."""


class _Factory:
    """What :func:`field` returns: the marker of a default made fresh per instance."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


_MISSING: Any = object()


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None) -> Any:
    """A field's default: ``field(default=())`` is ``= ()``; ``field(default_factory=dict)``
    gives each instance its own new dict."""
    if (default is _MISSING) == (default_factory is None):
        raise TypeError("field() takes exactly one of default and default_factory")
    return _Factory(default_factory) if default_factory is not None else default


def fields(record: Any) -> tuple[str, ...]:
    """The field names of a record class or instance, in order."""
    return getattr(record, FIELDS)


def replace(record: T, **changes: Any) -> T:
    """A copy of ``record`` with ``changes``: ``replace(p, y=2)``. An unknown name is a
    ``TypeError``, as a constructor would raise."""
    names = fields(record)
    unknown = [name for name in changes if name not in names]
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field {unknown[0]!r}")
    return type(record)(**{name: changes[name] if name in changes else getattr(record, name)
                           for name in names})


def _is_classvar(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar", "t.ClassVar"))


def _own_fields(cls: type) -> tuple[str, ...]:
    if any(FIELDS in base.__dict__ for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__name__}: fields inherited from a record are not supported")
    return tuple(name for name, annotation in cls.__dict__.get("__annotations__", {}).items()
                 if not _is_classvar(annotation))


def _init(cls: type, names: tuple[str, ...]) -> Callable[..., None]:
    """The compiled ``__init__``: parameters in field order with their defaults, each value
    stored in the instance's ``__dict__`` (the frozen ``__setattr__`` is never called)."""
    params: list[str] = []
    body: list[str] = []
    scope: dict[str, Any] = {"_MISSING": _MISSING}
    for index, name in enumerate(names):
        default = cls.__dict__.get(name, _MISSING)
        if default is _MISSING and params and "=" in params[-1]:
            raise TypeError(f"{cls.__name__}: field {name!r} without a default follows one "
                            "with a default")
        if isinstance(default, _Factory):
            scope[f"_make{index}"] = default.make
            params.append(f"{name}=_MISSING")
            body.append(f" _d[{name!r}] = _make{index}() if {name} is _MISSING else {name}")
            continue
        if default is not _MISSING:
            scope[f"_default{index}"] = default
            params.append(f"{name}=_default{index}")
        else:
            params.append(name)
        body.append(f" _d[{name!r}] = {name}")
    if hasattr(cls, "__post_init__"):
        body.append(" self.__post_init__()")
    source = (f"def __init__(self, {', '.join(params)}):\n _d = self.__dict__\n"
              + "\n".join(body or [" pass"]) + "\n")
    exec(source, scope)                 # noqa: S102 - the source is built from field names
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _key(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function from an instance to the tuple of its field values."""
    if len(names) == 1:
        single = attrgetter(names[0])
        return lambda record: (single(record),)
    return attrgetter(*names) if names else (lambda record: ())


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return self.__record_key__(self) == other.__record_key__(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _repr(self: Any) -> str:
    values = ", ".join(f"{name}={getattr(self, name)!r}" for name in fields(self))
    return f"{type(self).__qualname__}({values})"


def _refuse_set(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _build(cls: type, *, frozen: bool) -> type:
    fields_ = _own_fields(cls)
    setattr(cls, FIELDS, fields_)
    cls.__init__ = _init(cls, fields_)
    for name in fields_:                # a factory is no class default
        if isinstance(cls.__dict__.get(name), _Factory):
            delattr(cls, name)
    cls.__record_key__ = staticmethod(_key(fields_))
    cls.__match_args__ = fields_
    for attribute, method in (("__repr__", _repr), ("__eq__", _eq)):
        if attribute not in cls.__dict__:
            setattr(cls, attribute, method)
    if frozen:
        if "__setattr__" in cls.__dict__ or "__delattr__" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: a frozen record defines __setattr__/__delattr__")
        cls.__setattr__ = _refuse_set
        cls.__delattr__ = _refuse_delete
        if "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
            cls.__hash__ = _hash
    elif "__eq__" not in cls.__dict__ or cls.__dict__["__eq__"] is _eq:
        cls.__hash__ = None             # mutable and compared by value: unhashable
    return cls


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[T]) -> type[T]:
    """``@dataclass(frozen=True)``, built cheaply (see the module's docstring)."""
    return _build(cls, frozen=True)


@dataclass_transform(field_specifiers=(field,))
def mutable(cls: type[T]) -> type[T]:
    """``@dataclass`` (fields may be assigned; compared by value, unhashable)."""
    return _build(cls, frozen=False)
