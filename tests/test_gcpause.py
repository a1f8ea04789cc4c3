"""collector_paused: gc is off inside, and its state comes back whatever happens."""

from __future__ import annotations

import gc

import pytest

from kg.gcpause import collector_paused


@pytest.fixture(autouse=True)
def _restore_gc():
    yield
    gc.enable()


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_inside_and_restored_after(enabled):
    (gc.enable if enabled else gc.disable)()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled


def test_restored_after_an_error():
    gc.enable()
    with pytest.raises(KeyError):
        with collector_paused():
            raise KeyError("x")
    assert gc.isenabled()


def test_as_a_decorator_each_call_pauses():
    seen = []

    @collector_paused()
    def build(n):
        seen.append(gc.isenabled())
        return [{"i": i} for i in range(n)]

    gc.enable()
    assert len(build(3)) == 3 and len(build(2)) == 2
    assert seen == [False, False]
    assert gc.isenabled()
