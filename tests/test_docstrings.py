"""Every public function of netintel documents each of its parameters.

The test walks the whole ``netintel`` package, private ``_x`` modules
included, and for every function named in a module's ``__all__`` that takes
parameters it reads the numpydoc ``Parameters`` section of the docstring.
Each parameter other than ``self``, ``cls``, ``*args`` and ``**kwargs``
must appear there (variadic ones under their own names, e.g. ``**options``
or ``*extra``), so adding a parameter without its documentation fails the
test.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator

import pytest

import netintel

_UNDOCUMENTED_OK = {"self", "cls", "args", "kwargs"}
_HEADER = re.compile(r"^(?P<title>[A-Z][A-Za-z ]*)\n-{3,}$", re.MULTILINE)


def _modules() -> Iterator[object]:
    """Yield every module of the netintel package, imported."""
    yield netintel
    for info in pkgutil.walk_packages(netintel.__path__, prefix="netintel."):
        yield importlib.import_module(info.name)


def _public_functions() -> dict[str, Callable[..., object]]:
    """Map ``defining_module.qualname`` to each distinct public function of netintel."""
    found: dict[str, Callable[..., object]] = {}
    seen: set[int] = set()
    for module in _modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            func = inspect.unwrap(obj) if callable(obj) else obj
            if not inspect.isfunction(func) or id(func) in seen:
                continue
            if not func.__module__.startswith("netintel"):
                continue
            seen.add(id(func))
            found[f"{func.__module__}.{func.__qualname__}"] = obj
    return found


def documented_parameters(doc: str) -> set[str]:
    """Return the names listed in the ``Parameters`` section of ``doc``.

    Parameters
    ----------
    doc : str
        A numpydoc docstring (indentation is normalised here).

    Returns
    -------
    set of str
        Every name at the start of an entry line (``name : type``, or
        ``a, b : type`` for several), with leading ``*``/``**`` removed;
        empty when there is no ``Parameters`` section.

    Examples
    --------
    >>> doc = '''Add.
    ...
    ...     Parameters
    ...     ----------
    ...     a, b : int
    ...         The numbers.
    ...     **options
    ...         Passed on.
    ...
    ...     Returns
    ...     -------
    ...     int
    ...     '''
    >>> sorted(documented_parameters(doc))
    ['a', 'b', 'options']
    """
    text = inspect.cleandoc(doc)
    headers = list(_HEADER.finditer(text))
    for index, header in enumerate(headers):
        if header["title"] != "Parameters":
            continue
        end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        names: set[str] = set()
        for line in text[header.end() : end].splitlines():
            if not line or line[0].isspace():
                continue
            entry = line.split(" : ", 1)[0]
            names.update(part.strip().lstrip("*") for part in entry.split(","))
        return names
    return set()


def _required_names(func: Callable[..., object]) -> list[str]:
    """Return the parameter names of ``func`` its docstring must list."""
    names = []
    for parameter in inspect.signature(func).parameters.values():
        if parameter.name in _UNDOCUMENTED_OK:
            continue
        names.append(parameter.name)
    return names


_FUNCTIONS = _public_functions()


def test_the_walk_finds_the_public_api() -> None:
    """The walk reaches subpackages and private modules' re-exports."""
    assert "netintel.db.run_query" in _FUNCTIONS
    assert "netintel.outfiles.atomic_path" in _FUNCTIONS
    assert any(name.startswith("netintel.contest.") for name in _FUNCTIONS)
    assert len(_FUNCTIONS) > 150


def _sample(
    graph: object, *, seed: int = 0, weight: str = "w", **options: object
) -> int:  # pragma: no cover - only its signature and docstring are read
    """A function whose docstring leaves out ``weight`` and ``options``.

    Parameters
    ----------
    graph : object
        Documented.
    seed : int, default 0
        Documented.

    Returns
    -------
    weight : int
        A name in another section, which does not document the parameter.
    """
    return 0


def test_an_undocumented_parameter_is_found() -> None:
    """Names in other sections do not count; variadic parameters are required."""
    documented = documented_parameters(_sample.__doc__ or "")
    assert documented == {"graph", "seed"}
    missing = [n for n in _required_names(_sample) if n not in documented]
    assert missing == ["weight", "options"]


@pytest.mark.parametrize("qualname", sorted(_FUNCTIONS))
def test_parameters_are_documented(qualname: str) -> None:
    """Each parameter of the function appears in its ``Parameters`` section."""
    func = _FUNCTIONS[qualname]
    required = _required_names(func)
    if not required:
        return
    documented = documented_parameters(func.__doc__ or "")
    missing = [name for name in required if name not in documented]
    assert not missing, f"{qualname}: undocumented parameters {missing}"
