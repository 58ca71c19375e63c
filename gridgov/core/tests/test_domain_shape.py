"""Every domain app has the same shape (docs/architecture.md, "Where a new file goes")."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django.apps import apps

import gridgov

APPS = sorted(
    (config for config in apps.get_app_configs() if config.name.startswith("gridgov.")),
    key=lambda config: config.label,
)
WITH_TABLES = [
    config
    for config in APPS
    if any(not model._meta.abstract and not model._meta.proxy for model in config.get_models())
]


def _has_module(config, name: str) -> bool:
    path = Path(config.path)
    return (path / f"{name}.py").exists() or (path / name / "__init__.py").exists()


@pytest.mark.parametrize("config", WITH_TABLES, ids=lambda c: c.label)
def test_an_app_with_tables_writes_through_actions_and_decides_scope_in_access(config):
    assert _has_module(config, "actions"), f"{config.name} has tables but no actions module"
    assert _has_module(config, "access"), f"{config.name} has tables but no access module"
    assert (Path(config.path) / "tests").is_dir(), f"{config.name} has tables but no tests"


@pytest.mark.parametrize("config", WITH_TABLES, ids=lambda c: c.label)
def test_every_model_says_what_it_is(config):
    for model in config.get_models():
        assert model.__doc__ and not model.__doc__.startswith(model.__name__ + "("), (
            f"{model._meta.label} has no docstring"
        )


def _access_modules():
    for config in APPS:
        if _has_module(config, "access"):
            yield importlib.import_module(f"{config.name}.access")


@pytest.mark.parametrize("module", list(_access_modules()), ids=lambda m: m.__name__)
def test_access_functions_type_their_user(module):
    """A rule about `user` says what a user is (a `User`, or `Viewer` when anonymous may ask too)."""
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if function.__module__ != module.__name__:
            continue
        parameters = inspect.signature(function).parameters
        if "user" in parameters:
            assert parameters["user"].annotation is not inspect.Parameter.empty, f"{module.__name__}.{name}"


def test_no_module_is_called_utils_helpers_or_common():
    names = {info.name.rsplit(".", 1)[-1] for info in pkgutil.walk_packages(gridgov.__path__, "gridgov.")}
    assert not names & {"utils", "helpers", "common"}
