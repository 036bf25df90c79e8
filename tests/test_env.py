"""Settings read from the environment are parsed strictly."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import env


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " True "])
def test_true_spellings(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert env.env_bool("FLAG", default=False) is True


@pytest.mark.parametrize("raw", ["0", "false", "no", "off"])
def test_false_spellings(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert env.env_bool("FLAG", default=True) is False


def test_bad_boolean_is_an_error_not_false(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be one of"):
        env.env_bool("FLAG", default=True)


def test_unset_or_empty_takes_the_default(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env.env_bool("FLAG", default=True) is True
    monkeypatch.setenv("FLAG", "")
    assert env.env_bool("FLAG", default=True) is True
    assert env.env_int("FLAG", 7) == 7
    assert env.env_list("FLAG", ["a"]) == ["a"]


def test_bad_integer_is_an_error(monkeypatch):
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("COUNT", 1)


def test_integer_below_minimum_is_an_error(monkeypatch):
    monkeypatch.setenv("COUNT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("COUNT", 5, minimum=1)
    monkeypatch.setenv("COUNT", "12")
    assert env.env_int("COUNT", 5, minimum=1) == 12


def test_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example.org, ,b.example.org ")
    assert env.env_list("HOSTS", []) == ["a.example.org", "b.example.org"]


def test_required_value_missing_is_an_error(monkeypatch):
    monkeypatch.delenv("NEEDED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="NEEDED must be set"):
        env.env_required("NEEDED")
    monkeypatch.setenv("NEEDED", "here")
    assert env.env_required("NEEDED") == "here"


def test_path_is_resolved(monkeypatch, tmp_path):
    monkeypatch.setenv("SOME_DIR", str(tmp_path / "x" / ".." / "y"))
    assert env.env_path("SOME_DIR", tmp_path) == tmp_path / "y"
    monkeypatch.delenv("SOME_DIR")
    assert env.env_path("SOME_DIR", tmp_path) == tmp_path
