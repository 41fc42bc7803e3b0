"""``FrozenDict``: a dict that refuses in-place changes, for the mappings inside frozen values.

It is still a ``dict``, so ``json.dumps`` writes it as an object and ``==`` compares it with plain
dicts; every mutator raises ``TypeError``, so an edit must build a new value (and go through the
pipeline's events and undo).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """An immutable ``dict``; ``copy()`` and ``dict(frozen)`` give a plain, mutable one.

    Its ``repr`` is a plain dict's, so generated code that writes values with ``repr`` is unchanged.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(
            f"{type(self).__name__} cannot be changed in place; build a new value "
            "(dataclasses.replace, Pipeline.update_node)"
        )

    __setitem__ = _refuse
    __delitem__ = _refuse
    __ior__ = _refuse  # type: ignore[assignment]
    clear = _refuse
    pop = _refuse  # type: ignore[assignment]
    popitem = _refuse
    setdefault = _refuse  # type: ignore[assignment]
    update = _refuse  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:  # copy, deepcopy and pickle rebuild, not mutate
        return (type(self), (dict(self),))

    def copy(self) -> dict[K, V]:
        return dict(self)


def freeze(mapping: Mapping[K, V] | None) -> FrozenDict[K, V]:
    """``mapping`` as a ``FrozenDict`` (itself when it already is one)."""
    if isinstance(mapping, FrozenDict):
        return mapping
    return FrozenDict(mapping or {})
