"""The corpus of real sentences (tests/data/claims/real_sentences.toml) is well formed: what a test of the
claim reader relies on holds for every entry."""

from __future__ import annotations

import sys

import pytest

from xxgk.data import TEXT_KEYS
from xxgk.form import load_form

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from conftest import ROOT

CORPUS = ROOT / "tests" / "data" / "claims" / "real_sentences.toml"
# a sentence's kind, and the kinds of claim that make a sentence of that kind
OWN_CLAIMS = {
    "received": {"received", "handled", "carry", "column"},
    "group": {"group", "row"},
    "favour": {"favour"},
    "stock": {"stock"},
    "issued": {"issued"},
}
SENTENCE_KINDS = {*OWN_CLAIMS, "near_miss"}
CLAIM_KINDS = {"received", "handled", "carry", "column", "row", "group", "t4count", "favour", "stock", "issued"}


def corpus():
    with open(CORPUS, "rb") as f:
        return tomllib.load(f)


SENTENCES = corpus()["sentence"]
REPORTS = corpus()["reports"]


def test_ids_are_unique_and_every_kind_is_there():
    ids = [s["id"] for s in SENTENCES]
    assert len(ids) == len(set(ids))
    assert {s["kind"] for s in SENTENCES} == SENTENCE_KINDS
    assert {s["looks_like"] for s in SENTENCES if s["kind"] == "near_miss"} == {"received", "group", "favour", "stock"}


@pytest.mark.parametrize("report", REPORTS, ids=list(REPORTS))
def test_report(report):
    r = REPORTS[report]
    assert r["title"] and r["body"] and r["url"].startswith("http") and r["via"] in ("pages", "github")
    assert r["format"] == ("2019" if r["year"] in (2019, 2020) else "2021")
    cells = load_form(r["format"]).cells
    assert all(cid in cells and isinstance(v, int) for cid, v in r.get("table", {}).items())


@pytest.mark.parametrize("s", SENTENCES, ids=[s["id"] for s in SENTENCES])
def test_sentence(s):
    assert s["kind"] in SENTENCE_KINDS and s["source"] in REPORTS and s["part"] in TEXT_KEYS
    assert s["text"].strip() == s["text"] and "\n" not in s["text"]
    if s["kind"] == "near_miss":
        assert s["rule"] == "none" and s["why"] and s["looks_like"]
    else:
        assert s["claims"] and s["rule"].startswith("N-")
        assert any(c["kind"] in OWN_CLAIMS[s["kind"]] for c in s["claims"]), "a claim of the sentence's own kind"
    cells = load_form(REPORTS[s["source"]]["format"]).cells
    for c in s.get("claims", []):
        assert c["kind"] in CLAIM_KINDS and c["rule"].startswith("N-")
        assert ("number" in c) != ("says" in c), c
        assert c["cells"] and all(cid in cells for cid in c["cells"])
        assert all(cid in cells for alt in c.get("alternatives", []) for cid in alt)
        if "says" in c:
            assert c["says"] in ("all_upheld", "none_corrected")
            assert all(cid.startswith("t4.") and cid.endswith(".total") for cid in c["cells"])
        if "percent" in c:
            assert any(c["percent"] + sign in s["text"] for sign in ("%", " %", "％")), "the share as printed"
