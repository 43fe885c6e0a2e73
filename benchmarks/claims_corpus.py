"""Baseline of the narrative-claim reader (xxgk.claims) on real sentences: tests/data/claims/real_sentences.toml.

Each sentence is put, after its context (the report's text before it), into the part of a report it stands in
(the report's format and year, every other part empty), and the claim reader is run on it:

- disagree: every claim the sentence makes is made false by the table (a count: the cells sum to the number + 7;
  均获维持 / 无纠错: each named 表四 block has one 结果纠正). A claim is *recognised* when a finding names one of
  its cells and the number (or, for a share, the percentage) it states.
- agree: every claim holds (a count: the cells sum to the number). Any finding other than N-07 is a false one
  (the shares' totals are not set up here).
- percentages: the printed share is changed by 7 points (the only change made to a real text); the share is
  *checked* when a finding then states the changed percentage.

Where the corpus holds the published table values of every cell a sentence's claims name, the sentence is also
read against them, and the findings are listed: those are the published reports' own disagreements.

Near-misses are read against a valid random table with large values, where only the claims the entry lists
(other claims in the same sentence) are made to hold: any finding is a false one. Findings on the context
paragraph are left out everywhere.

Usage: python benchmarks/claims_corpus.py [--verbose]
The figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import valid_data  # noqa: E402

from xxgk.data import TEXT_KEYS  # noqa: E402
from xxgk.form import load_form  # noqa: E402
from xxgk.rules.claims import check_claims  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "claims" / "real_sentences.toml"
T4_COLS = ("upheld", "corrected", "other", "pending", "total")
ALL_UPHELD = "均获维持"  # the value of N-02's all-upheld finding


def load() -> list[dict]:
    """The sentences, each with the format, year and published table values of the report it comes from."""
    with open(CORPUS, "rb") as f:
        corpus = tomllib.load(f)
    reports = corpus["reports"]
    return [{**s, **{k: reports[s["source"]].get(k) for k in ("format", "year", "table")}} for s in corpus["sentence"]]


def block_cells(claim: dict) -> list[str]:
    """The 表四 cells of the blocks an all-in-favour claim names (its cells are the blocks' totals)."""
    return [c.replace(".total", f".{col}") for c in claim["cells"] for col in T4_COLS]


def set_sum(cells: dict, ids: list[str], value: int):
    cells[ids[0]] = value
    for i in ids[1:]:
        cells[i] = 0


def total(cells: dict, ids: list[str]) -> int:
    return sum(cells.get(i) or 0 for i in ids)


def make_report(entry: dict, agree: bool, near_miss: bool):
    fmt = entry["format"]
    data = valid_data(fmt, seed=0, high=900 if near_miss else 30)
    data.year = entry["year"]
    data.text = {k: "" for k in TEXT_KEYS}
    data.text[entry["part"]] = (entry.get("context") or "") + entry["text"]
    cells = data.cells
    claims = entry.get("claims", [])
    # sums first, so that the single cells they contain keep the values their own claims give them
    for claim in sorted((cl for cl in claims if "number" in cl), key=lambda cl: -len(cl["cells"])):
        n = claim["number"]
        set_sum(cells, claim["cells"], n if agree else n + 7)
        for alt in claim.get("alternatives", []):  # every reading of an ambiguous claim agrees, or none does
            if agree:
                set_sum(cells, alt, n)
            elif total(cells, alt) == n:
                cells[alt[0]] = n + 9
    for claim in claims:  # 均获维持 / 无纠错: every case of the blocks upheld, or one corrected
        if "says" not in claim:
            continue
        blocks = [t.rsplit(".", 1)[0] for t in claim["cells"]]
        if not any(cells.get(f"{b}.total") for b in blocks):
            cells[f"{blocks[0]}.total"] = 3
        for b in blocks:
            t = cells.get(f"{b}.total") or 0
            if not agree and t == 0:
                t = cells[f"{b}.total"] = 3
            wrong = int(not agree and t > 0)
            cells.update({f"{b}.upheld": t - wrong, f"{b}.corrected": wrong, f"{b}.other": 0, f"{b}.pending": 0})
    return data


def matches(finding, claim: dict) -> bool:
    """A count: a finding on one of its cells stating its number. All in favour: an N-02 finding saying 均获维持 on
    one of its blocks, or one on a block's 结果纠正 cell (what a reader of 无纠错 would name)."""
    if "says" in claim:
        corrected = {c for c in block_cells(claim) if c.endswith(".corrected")}
        return (
            finding.rule == "N-02"
            and bool(set(block_cells(claim)) & set(finding.cells))
            and (finding.values.get("claimed") == ALL_UPHELD or bool(corrected & set(finding.cells)))
        )
    ids = set(claim["cells"]) | {c for alt in claim.get("alternatives", []) for c in alt}
    return finding.values.get("claimed") == claim["number"] and bool(ids & set(finding.cells))


def states_share(finding, claim: dict) -> bool:
    return (
        "percent" in claim
        and finding.rule in ("N-04", "N-07")
        and finding.values.get("claimed") == float(claim["percent"])
    )


def wrong_share(entry: dict, claim: dict) -> tuple[dict, float]:
    """The entry with the claim's printed percentage moved by 7 points, and the new value."""
    pct = claim["percent"]
    places = len(pct.split(".")[1]) if "." in pct else 0
    wrong = f"{float(pct) + 7:.{places}f}"
    printed = next(p for p in (pct + "%", pct + " %", pct + "％") if p in entry["text"])
    return {**entry, "text": entry["text"].replace(printed, wrong + "%", 1)}, float(wrong)


def findings_on(entry: dict, data) -> list:
    """The findings on the sentence itself (not on its context)."""
    text = entry["text"]
    return [
        f
        for f in check_claims(data, load_form(entry["format"]))
        if f.values["sentence"] in text or text in f.values["sentence"]
    ]


def show(tag: str, entry: dict, what: str):
    print(f"{tag:6s} {entry['id']}: {what}")


def read_claims(entry: dict, verbose: bool) -> tuple[list[tuple[str, bool]], list[bool], int]:
    """(claim kind, recognised) per claim, checked per printed share, and the findings that match no claim."""
    found = findings_on(entry, make_report(entry, agree=False, near_miss=False))
    used, results, shares = set(), [], []
    for claim in sorted(entry["claims"], key=lambda cl: "says" in cl):  # counts first, then 均获维持 / 无纠错
        hits = [i for i, f in enumerate(found) if i not in used and matches(f, claim)]
        used.update(hits)
        used.update(i for i, f in enumerate(found) if states_share(f, claim))  # a share the table makes wrong
        results.append((claim["kind"], bool(hits)))
        if verbose:
            show(
                "ok" if hits else "MISS",
                entry,
                f"{claim['kind']} {claim.get('number', claim.get('says'))} {claim['cells'][:2]}",
            )
        if "percent" in claim:
            changed, wrong = wrong_share(entry, claim)
            checked = any(
                f.values.get("claimed") == wrong
                for f in findings_on(changed, make_report(changed, agree=True, near_miss=False))
            )
            shares.append(checked)
            if verbose:
                show("ok" if checked else "MISS", entry, f"share {claim['percent']}% (probed as {wrong}%)")
    stray = [f for i, f in enumerate(found) if i not in used]
    for f in stray if verbose else ():
        show("STRAY", entry, f"{f.rule} claimed {f.values.get('claimed')} on {f.cells[:2]}")
    return results, shares, len(stray)


def false_findings(entry: dict, near_miss: bool, verbose: bool) -> bool:
    """Findings although every claim the entry lists holds (N-07 left out for claim sentences)."""
    found = [
        f
        for f in findings_on(entry, make_report(entry, agree=True, near_miss=near_miss))
        if near_miss or f.rule != "N-07"
    ]
    for f in found if verbose else ():
        show(
            "FALSE" if near_miss else "AGREE",
            entry,
            f"{f.rule} claimed {f.values.get('claimed')} table {f.values.get('table')}",
        )
    return bool(found)


def own_table(entry: dict) -> list | None:
    """The findings against the report's published table, when it has every cell the claims name."""
    table = entry.get("table")
    if not table or not all(set(cl["cells"]) <= set(table) for cl in entry["claims"]):
        return None
    data = make_report(entry, agree=True, near_miss=False)
    data.cells.update(table)
    return findings_on(entry, data)


def run(verbose: bool):
    entries = load()
    claims, recognised, agree_false, nm_total, nm_false = Counter(), Counter(), Counter(), Counter(), Counter()
    shares, stray, stray_sentences, own = [], 0, 0, []
    for entry in entries:
        if entry["kind"] == "near_miss":
            nm_total[entry["looks_like"]] += 1
            nm_false[entry["looks_like"]] += false_findings(entry, near_miss=True, verbose=verbose)
            continue
        results, checked, unmatched = read_claims(entry, verbose)
        for kind, hit in results:
            claims[kind] += 1
            recognised[kind] += hit
        shares += checked
        stray += unmatched
        stray_sentences += bool(unmatched)
        agree_false[entry["kind"]] += false_findings(entry, near_miss=False, verbose=verbose)
        found = own_table(entry)
        if found is not None:
            own.append((entry["id"], found))

    kinds = Counter(e["kind"] for e in entries)
    print(f"{len(entries)} sentences: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print("claims recognised (the table disagrees with every claim):")
    for kind, n in claims.most_common():
        print(f"  {kind:10s} {recognised[kind]:3d} of {n:3d}")
    print(f"  shares     {sum(shares):3d} of {len(shares):3d} (a printed percentage moved by 7 points is reported)")
    print(f"findings on claim sentences that match no claim: {stray} (in {stray_sentences} sentences)")
    print("claim sentences with a finding although every claim holds (N-07 left out):")
    for kind in kinds:
        if kind != "near_miss":
            print(f"  {kind:10s} {agree_false[kind]:3d} of {kinds[kind]:3d}")
    print("near-misses with a false finding:")
    for kind, n in nm_total.most_common():
        print(f"  like {kind:9s} {nm_false[kind]:3d} of {n:3d}")
    print(f"claim sentences read against their report's published table values: {len(own)}, with findings:")
    for sid, found in own:
        if found:
            print(
                f"  {sid}: "
                + "; ".join(f"{f.rule} {f.values.get('claimed')} vs {f.values.get('table')}" for f in found)
            )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="one line per claim, per share and per false finding")
    run(parser.parse_args(argv).verbose)


if __name__ == "__main__":
    main()
