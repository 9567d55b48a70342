"""mtreview.registry: one idiom for every id -> implementation map, and nothing left unregistered."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from mtreview import checks, registry
from mtreview.checks.base import Check
from mtreview.errors import ConfigError, InputError, ModelError
from mtreview.registry import CHECKS, Registry

ALL = [registry.CHECKS, registry.METRICS, registry.EMBEDDERS, registry.TRANSLATOR_BACKENDS, registry.READERS,
       registry.REVIEW_FORMATS, registry.EXPORT_FORMATS]


@pytest.mark.parametrize("reg", ALL, ids=lambda r: r.kind)
def test_every_entry_imports(reg):
    for name in reg:
        obj = reg[name]
        assert obj is not None
        if reg is CHECKS:
            assert issubclass(obj, Check) and obj.id == name
        if reg is registry.EXPORT_FORMATS:
            assert obj.id == name


def test_every_check_class_is_registered():
    """A check written in mtreview/checks/ but not listed in registry.CHECKS would never run."""
    found = {}
    for info in pkgutil.iter_modules(checks.__path__):
        module = importlib.import_module(f"mtreview.checks.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            own = cls.__module__ == module.__name__
            if own and issubclass(cls, Check) and "id" in cls.__dict__:
                found[cls.id] = cls
    assert found and {cid: CHECKS[cid] for cid in CHECKS} == found


@pytest.mark.parametrize(("reg", "error"), [(registry.CHECKS, ConfigError), (registry.METRICS, ConfigError),
                                            (registry.EMBEDDERS, ModelError), (registry.READERS, InputError)])
def test_unknown_id_is_a_one_line_error_naming_the_known_ones(reg, error):
    with pytest.raises(error) as exc:
        reg.lookup("nope", "[x]")
    first = next(iter(reg))
    assert f"unknown {reg.kind} 'nope' in [x] (known: {first}" in str(exc.value)
    with pytest.raises(KeyError):
        reg["nope"]


def test_added_entries_are_listed_and_removed():
    reg = Registry("thing", {"a": "mtreview.registry:Registry"})
    reg.add("b", int)
    assert list(reg) == ["a", "b"] and len(reg) == 2 and reg["b"] is int and reg["a"] is Registry
    with pytest.raises(ValueError, match="duplicate thing id 'a'"):
        reg.add("a", str)
    reg.remove("b")
    assert list(reg) == ["a"] and "b" not in reg


def test_registry_imports_no_implementation():
    """Entries are strings imported on first use: anything may import the registry without a cycle."""
    source = inspect.getsource(registry)
    local = [line for line in source.splitlines() if line.startswith(("from .", "from mtreview", "import mtreview"))]
    assert local == ["from .errors import ConfigError, InputError, ModelError, MtreviewError"]
