"""The forms as data: labels word for word from format.md, ids exactly those of cells.md, the sum hierarchy,
the defined names.

The expectations are parsed from vendored copies of the research notes in tests/data/ (CI has ../shared beside
the repository, users may not); `test_vendored_specs_match_shared` notices when the copies drift.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xxgk.form import FORMATS, col_index, defined_name, load_form, split_address
from xxgk.rules import RULES

DATA = Path(__file__).resolve().parent / "data"
SHARED_SPEC = Path(__file__).resolve().parent.parent.parent / "shared" / "spec"
VENDORED = ("format.md", "cells.md")
FORMS = {f: load_form(f) for f in FORMATS}
OURS = {"info_fee.amount_yuan"}  # a number cell outside the national tables (2021 part 六); not in cells.md
OUR_LABELS = {"单位"}  # the unit column beside the 2019 采购总金额: the template prints no unit (format.md)


# -- parsing the vendored notes ----------------------------------------------------------------------------


def _read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The lines after the first heading line starting with `heading`, up to the next heading of that level or higher."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    level = len(heading) - len(heading.lstrip("#"))
    out = []
    for line in lines[start + 1 :]:
        m = re.match(r"^(#+) ", line)
        if m and len(m.group(1)) <= level:
            break
        out.append(line)
    return "\n".join(out)


def _table(text: str) -> list[list[str]]:
    """The body rows of the first markdown table in `text` (header and separator dropped)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif rows:
            break
    return [r for r in rows[1:] if not all(set(c) <= set("-: ") for c in r)]


def _fence(text: str) -> list[str]:
    m = re.search(r"```\n(.*?)\n```", text, re.S)
    return m.group(1).splitlines()


def _bare(text: str) -> str:
    """Drop the note's own annotations in ASCII parentheses: '行政诉讼 (spans 10)' → '行政诉讼'.
    The template's labels use full-width parentheses （…）, which are kept."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", text.replace("**", "")).strip()


def _split(text: str, sep: str) -> list[str]:
    return [_bare(p) for p in text.split(sep) if _bare(p)]


FORMAT_MD = _read("format.md")
CELLS_MD = _read("cells.md")
F19 = _section(FORMAT_MD, "## Tables — 2019 format")
F21 = _section(FORMAT_MD, "## Tables — 2021 format")


def spec_parts() -> list[str]:
    six = _section(FORMAT_MD, "## The six parts")
    return [line for line in _fence(six) if line.strip()]


def spec_t2(fmt: str) -> list[dict]:
    """[{caption, header, rows}] of 表二 as format.md prints it."""
    blocks: list[dict] = []
    if fmt == "2019":
        for cells in _table(_section(F19, "### 二、主动公开政府信息情况")):
            if cells[0] == "rows":
                blocks[-1]["rows"] = _split(cells[1], " ; ")
            else:  # header columns the block does not have are printed "— (…)"
                blocks.append({"caption": cells[0], "header": [_bare(c) for c in cells[1:] if not c.startswith("—")]})
    else:
        for cells in _table(_section(F21, "### 二、主动公开政府信息情况")):
            blocks.append({"caption": cells[0], "header": _split(cells[1], " ; "), "rows": _split(cells[2], " ; ")})
    return blocks


def spec_t3_header() -> dict:
    sec = _section(F19, "### 三、收到和处理政府信息公开申请情况")
    first, second, third = _fence(sec)
    note, applicants = first.split("|")
    columns = re.search(r"^Columns \(7 numeric[^)]*\): (.+)$", sec, re.M).group(1)
    return {
        "note": note.strip(),
        "applicants": _bare(applicants),
        "row3": _split(second, "|"),  # 自然人 | 法人或其他组织 | 总计
        "row4": _split(third, "|"),  # the five kinds of 法人或其他组织
        "columns": _split(columns.rstrip("."), " ; "),
    }


def spec_t3_rows(fmt: str) -> list[tuple[tuple[str, ...], str]]:
    """[(group path, row label)] of 表三, one per data row."""

    def rows_of(table):
        out = []
        for num, labels, group in table:
            path = tuple(_split(group, " › "))
            names = [p.strip() for p in labels.split(" / ")]
            nums = [int(n) for n in re.findall(r"\d+", num)]
            assert len(names) == (nums[-1] - nums[0] + 1), f"row {num}: {names}"
            out += [(path, n) for n in names]
        return out

    f19 = rows_of(_table(_section(F19, "### 三、收到和处理政府信息公开申请情况")))
    if fmt == "2019":
        return f19
    sec = _section(F21, "### 三、收到和处理政府信息公开申请情况")
    assert "Same header, columns and rows 1–20 as F19" in sec
    return f19[:20] + rows_of(_table(sec))


def spec_t4() -> list[list[str]]:
    """The three header rows of 表四, left to right."""
    sec = _section(F19, "### 四、政府信息公开行政复议、行政诉讼情况")
    return [_split(line, "|") for line in _fence(sec)]


def spec_ids(fmt: str) -> set[str]:
    """Every table cell id of cells.md for a format."""
    ids: set[str] = set()
    t2 = _section(CELLS_MD, f"### 表二 — {fmt} format")
    for cells in _table(t2):
        tokens = re.findall(r"`([^`]+)`", cells[0])
        prefix = tokens[0].rsplit(".", 1)[0]
        ids.add(tokens[0])
        ids.update(prefix + t for t in tokens[1:])
    t3 = _section(CELLS_MD, "### 表三")
    cols = re.findall(r"`([a-z_]+)`", re.search(r"^Columns `<col>`: (.+)$", t3, re.M).group(1))
    for cells in _table(t3):
        key, layout = cells[0].strip("`"), cells[-1].replace("*", "")
        if layout == "both" or layout == f"{fmt} layout only":
            ids.update(f"t3.{key}.{c}" for c in cols)
    t4 = _section(CELLS_MD, "### 表四")
    rows = re.findall(r"`([a-z_]+)`", re.search(r"^Rows: (.+)$", t4, re.M).group(1))
    cols = re.findall(r"`([a-z_]+)`", re.search(r"^Columns: (.+)$", t4, re.M).group(1))
    ids.update(f"t4.{r}.{c}" for r in rows for c in cols)
    return ids


def spec_t2_labels(fmt: str) -> dict[str, tuple[str, str]]:
    """id → (row label, column label) from cells.md's 表二 tables ('× same' repeats the previous columns)."""
    out, columns = {}, []
    for cells in _table(_section(CELLS_MD, f"### 表二 — {fmt} format")):
        tokens = re.findall(r"`([^`]+)`", cells[0])
        prefix = tokens[0].rsplit(".", 1)[0]
        ids = [tokens[0]] + [prefix + t for t in tokens[1:]]
        row, cols = cells[1].split(" × ")
        if not cols.startswith("same"):
            columns = [c.strip() for c in cols.split(" / ")]
        assert len(columns) == len(ids), cells
        out.update({i: (row.strip(), c) for i, c in zip(ids, columns)})
    return out


# -- the labels of the form, read back from form.labels ---------------------------------------------------------


def _labels(form, sheet, roles=("caption", "header", "rowhead", "note", "title")):
    out = [lab for lab in form.labels if lab.sheet == sheet and lab.role in roles]
    return sorted(out, key=lambda lab: (split_address(lab.address)[1], col_index(split_address(lab.address)[0])))


def _row(label) -> int:
    return split_address(label.address)[1]


def form_t2(form) -> tuple[list[dict], list]:
    blocks, extra = [], []
    for label in _labels(form, form.parts[1], ("caption", "header", "rowhead")):
        if label.text in OUR_LABELS:
            extra.append(label)
        elif label.role == "caption":
            blocks.append({"caption": label.text, "header": [], "rows": [], "_header_row": _row(label) + 1})
        elif label.role == "header":
            assert _row(label) == blocks[-1]["_header_row"], label
            blocks[-1]["header"].append(label.text)
        else:
            blocks[-1]["rows"].append(label.text)
    for b in blocks:
        del b["_header_row"]
    return blocks, extra


def form_t3_rows(form) -> list[tuple[tuple[str, ...], str]]:
    """Per data row: the row-head labels covering it (merged group cells included), left to right."""
    heads = _labels(form, form.parts[2], ("rowhead",))
    out = []
    for i in range(len(form.t3_rows)):
        r = 5 + i
        covering = []
        for lab in heads:
            top, bottom = _row(lab), _row(lab)
            if lab.merge:
                a, b = lab.merge.split(":")
                top, bottom = split_address(a)[1], split_address(b)[1]
            if top <= r <= bottom:
                covering.append(lab)
        covering.sort(key=lambda lab: col_index(split_address(lab.address)[0]))
        texts = [lab.text for lab in covering]
        out.append((tuple(texts[:-1]), texts[-1]))
    return out


# -- the vendored notes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VENDORED)
def test_vendored_specs_match_shared(name):
    """The copies in tests/data equal ../shared/spec when it is there; without it there is nothing to compare."""
    vendored = (DATA / name).read_text(encoding="utf-8")
    assert vendored.strip(), f"tests/data/{name} is empty"
    shared = SHARED_SPEC / name
    if shared.is_file():
        assert vendored == shared.read_text(encoding="utf-8"), (
            f"tests/data/{name} differs from {shared}: copy the new version into tests/data/ and update the forms"
        )


def test_parsers_find_everything():
    """Guard the parsers themselves: a reworded note must fail here, not silently compare nothing."""
    assert len(spec_parts()) == 6
    assert [len(b["rows"]) for b in spec_t2("2019")] == [2, 2, 2, 1, 1]
    assert [len(b["rows"]) for b in spec_t2("2021")] == [2, 1, 2, 1]
    assert len(spec_t3_rows("2019")) == 23 and len(spec_t3_rows("2021")) == 25
    assert "23 rows × 7 columns = 161" in F19 and "25 rows × 7 columns = 175" in F21
    assert "(23 rows × 7 = 161 cells in the 2019 layout; 25 × 7 = 175 in the 2021 layout.)" in CELLS_MD
    assert [len(r) for r in spec_t4()] == [2, 7, 10]
    assert len(spec_ids("2019")) == 198 and len(spec_ids("2021")) == 200


# -- labels word for word -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_part_headings_and_sheet_titles(fmt):
    form = FORMS[fmt]
    assert form.parts == spec_parts()
    for sheet in form.parts[1:4]:
        titles = [lab for lab in form.labels if lab.sheet == sheet and lab.role == "title"]
        assert [(t.address, t.text) for t in titles] == [("A1", sheet)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_t2_labels_equal_format_md(fmt):
    form = FORMS[fmt]
    blocks, extra = form_t2(form)
    assert blocks == spec_t2(fmt)
    if fmt == "2019":  # our unit column beside 采购总金额, outside the four template columns
        cell = form.cells["t2.procurement.amount"]
        assert [(lab.text, lab.address) for lab in extra] == [("单位", f"E{split_address(cell.address)[1] - 1}")]
        assert cell.unit_address == f"E{split_address(cell.address)[1]}" and cell.unit_choices == ("元", "万元")
    else:
        assert extra == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_t2_cell_labels_equal_cells_md(fmt):
    form = FORMS[fmt]
    expected = spec_t2_labels(fmt)
    assert set(expected) == {c for c in form.cells if c.startswith("t2.")}
    for cid, (row, col) in expected.items():
        assert f"「{row}」×「{col}」" in form.cells[cid].label, (cid, form.cells[cid].label)


@pytest.mark.parametrize("fmt", FORMATS)
def test_t3_header_labels_equal_format_md(fmt):
    form = FORMS[fmt]
    spec = spec_t3_header()
    if fmt == "2021":
        note = re.search(r"The printed note “(（[^”]*）)” is unchanged", F21).group(1)
        assert note == spec["note"]
    assert [t for _, t in form.t3_columns] == spec["columns"]
    labels = _labels(form, form.parts[2], ("note", "header"))
    assert [(lab.address, lab.text) for lab in labels if lab.role == "note"] == [("A2", spec["note"])]
    by_row = {r: [lab.text for lab in labels if lab.role == "header" and _row(lab) == r] for r in (2, 3, 4)}
    assert by_row == {2: [spec["applicants"]], 3: spec["row3"], 4: spec["row4"]}
    assert spec["row3"][0] == spec["columns"][0] and spec["row3"][-1] == spec["columns"][-1]
    assert spec["row4"] == spec["columns"][1:-1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_t3_row_labels_equal_format_md(fmt):
    """Every row with its merged group cells, incl. the 2021 （六）其他处理 sub-rows."""
    form = FORMS[fmt]
    expected = spec_t3_rows(fmt)
    assert form_t3_rows(form) == expected
    toml = [(tuple(r.get("group", [])), r["label"]) for r in form.t3_rows]
    assert toml == expected
    other = [label for group, label in expected if "（六）其他处理" in group or label == "（六）其他处理"]
    if fmt == "2019":
        assert other == ["（六）其他处理"]
    else:
        assert other == [
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.其他",
        ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_t4_headers_equal_format_md(fmt):
    if fmt == "2021":
        assert "### 四、政府信息公开行政复议、行政诉讼情况 (F21) — identical to F19" in FORMAT_MD
    form = FORMS[fmt]
    labels = _labels(form, form.parts[3], ("header",))
    assert [[lab.text for lab in labels if _row(lab) == r] for r in (2, 3, 4)] == spec_t4()
    assert {lab.address: lab.merge for lab in labels if _row(lab) == 2} == {"A2": "A2:E2", "F2": "F2:O2"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_label_is_blank_or_padded(fmt):
    for lab in FORMS[fmt].labels:
        if lab.role != "merge":
            assert lab.text and lab.text == lab.text.strip() and "\n" not in lab.text, lab


# -- ids --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt,count", [("2019", 198), ("2021", 200)])
def test_cell_ids_equal_cells_md(fmt, count):
    form = FORMS[fmt]
    expected = spec_ids(fmt)
    assert len(expected) == count
    ours = OURS if fmt == "2021" else set()
    assert set(form.cells) == expected | ours
    assert {c.id for c in form.cells.values() if c.table == "extra"} == ours
    assert {c for c in form.cells if not c.startswith(("t2.", "t3.", "t4."))} == ours


def test_extra_cell_is_money_on_part_six():
    cell = FORMS["2021"].cells["info_fee.amount_yuan"]
    assert (cell.type, cell.sheet, cell.is_total) == ("money", "六、其他需要报告的事项", False)


@pytest.mark.parametrize("fmt", FORMATS)
def test_cell_types(fmt):
    """format.md: money = 二(九) 采购总金额 (F19) / 二(八) 本年收费金额 (F21); signed = F19 本年增/减; else counts."""
    form = FORMS[fmt]
    money = {c for c, cell in form.cells.items() if cell.type == "money"}
    signed = {c for c, cell in form.cells.items() if cell.type == "signed"}
    if fmt == "2019":
        assert money == {"t2.procurement.amount"}
        assert signed == {f"t2.{r}.delta" for r in ("licensing", "other_services", "penalty", "coercion", "fees")}
    else:
        assert money == {"t2.fees.amount_wan_yuan", "info_fee.amount_yuan"} and signed == set()
    assert all(form.cells[c].type == "count" for c in form.cells if c.startswith(("t3.", "t4.")))


@pytest.mark.parametrize("fmt", FORMATS)
def test_addresses_unique_per_sheet(fmt):
    form = FORMS[fmt]
    refs = [c.ref for c in form.cells.values()]
    assert len(refs) == len(set(refs))
    labelled = {f"{lab.sheet}!{lab.address}" for lab in form.labels if lab.role != "merge"}
    assert not labelled & set(refs)


# -- the sum hierarchy -----------------------------------------------------------------------------------------


def _t3_result_rows(form) -> list[str]:
    keys = [r["key"] for r in form.t3_rows]
    return keys[keys.index("granted") : keys.index("total")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_printed_totals_have_parts(fmt):
    form = FORMS[fmt]
    t3_rows = [r["key"] for r in form.t3_rows]
    t3_cols = [c for c, _ in form.t3_columns]
    expected_totals = (
        {f"t3.{r}.total" for r in t3_rows}
        | {f"t3.total.{c}" for c in t3_cols}
        | {f"t4.{r}.total" for r in ("review", "lit_direct", "lit_after_review")}
    )
    assert {c.id for c in form.total_cells()} == expected_totals
    printed = [s for s in form.sums if s.printed]
    assert {s.target for s in printed} == expected_totals
    for s in printed:
        cell = form.cells[s.target]
        assert cell.is_total and s.parts and all(p in form.cells for p in s.parts)
    for cell in form.total_cells():  # the formula of every total is one of its sum rules
        assert any(s.parts == cell.parts for s in printed if s.target == cell.id), cell.id

    # no cycles: a total never (transitively) includes itself
    def closure(cid, seen=()):
        assert cid not in seen, f"cycle through {cid}"
        for p in form.cells[cid].parts:
            closure(p, (*seen, cid))

    for cell in form.total_cells():
        closure(cell.id)


@pytest.mark.parametrize("fmt", FORMATS)
def test_t3_02_covers_seven_columns(fmt):
    form = FORMS[fmt]
    sums = [s for s in form.sums if s.kind == "t3.total"]
    cols = [c for c, _ in form.t3_columns]
    assert len(cols) == 7 and [s.target for s in sums] == [f"t3.total.{c}" for c in cols]
    results = _t3_result_rows(form)
    expected_rows = [label for _, label in spec_t3_rows(fmt)]
    first, last = expected_rows.index("（一）予以公开"), expected_rows.index("（七）总计")
    assert len(results) == last - first == (19 if fmt == "2019" else 21)
    for s in sums:
        col = s.target.rsplit(".", 1)[1]
        assert s.parts == tuple(f"t3.{r}.{col}" for r in results) and s.printed


@pytest.mark.parametrize("fmt", FORMATS)
def test_t3_03_covers_every_row(fmt):
    form = FORMS[fmt]
    sums = [s for s in form.sums if s.kind == "t3.row"]
    rows = [r["key"] for r in form.t3_rows]
    org = [
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_org",
        "other_org",
    ]
    assert [s.target for s in sums] == [f"t3.{r}.total" for r in rows]
    assert len(sums) == (23 if fmt == "2019" else 25)
    for s, r in zip(sums, rows):
        assert s.parts == tuple(f"t3.{r}.{c}" for c in org) and s.printed


@pytest.mark.parametrize("fmt", FORMATS)
def test_t3_06_group_subtotals(fmt):
    form = FORMS[fmt]
    sums = [s for s in form.sums if s.kind == "t3.group"]
    sizes = {"denied": 8, "unable": 3, "not_processed": 5}
    if fmt == "2021":
        sizes["other"] = 3
    cols = [c for c, _ in form.t3_columns]
    assert {s.target for s in sums} == {f"t3.{g}.{c}" for g in sizes for c in cols}
    for s in sums:
        group, col = s.target.split(".")[1], s.target.rsplit(".", 1)[1]
        assert not s.printed and s.target not in form.cells  # the official form prints no subtotal rows
        assert len(s.parts) == sizes[group]
        assert all(p.startswith(f"t3.{group}.") and p.endswith(f".{col}") and p in form.cells for p in s.parts)
    if fmt == "2019":  # （六）其他处理 is a single data row, not a group
        assert "t3.other.total" in form.cells


@pytest.mark.parametrize("fmt", FORMATS)
def test_t4_sums(fmt):
    form = FORMS[fmt]
    sums = {s.kind: s for s in form.sums if s.kind.startswith("t4.")}
    for rule, row in (("T4-01", "review"), ("T4-02", "lit_direct"), ("T4-03", "lit_after_review")):
        assert sums[f"t4.{row}"].target == f"t4.{row}.total"
        assert sums[f"t4.{row}"].parts == tuple(f"t4.{row}.{c}" for c in ("upheld", "corrected", "other", "pending"))
        assert RULES[rule].sums == f"t4.{row}"  # the registry checks the sum the form declares for that rule
        assert next(r for r in form.raw["t4"]["rows"] if r["key"] == row)["rule"] == rule
    assert len(sums) == 3


# -- defined names ---------------------------------------------------------------------------------------------

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_A1 = re.compile(r"^[A-Za-z]{1,3}[0-9]+$")
_R1C1 = re.compile(r"^[RrCc][0-9]")


def excel_name_problem(name: str) -> str | None:
    if not _NAME.match(name):
        return "illegal characters"
    if _A1.match(name):
        return "looks like an A1 reference"
    if _R1C1.match(name) or name.upper() in ("R", "C"):
        return "looks like an R1C1 reference"
    if len(name) > 255:
        return "longer than 255"
    return None


@pytest.mark.parametrize(
    "name,bad",
    [
        ("t3_total_total", False),
        ("_x", False),
        ("A1", True),
        ("xfd12", True),
        ("r1c1", True),
        ("C3_x", True),
        ("R", True),
        ("1abc", True),
        ("a-b", True),
    ],
)
def test_name_checker_itself(name, bad):
    assert (excel_name_problem(name) is not None) == bad


@pytest.mark.parametrize("fmt", FORMATS)
def test_defined_names_unique_and_excel_legal(fmt):
    form = FORMS[fmt]
    names = [c.name for c in form.cells.values()]
    assert names == [defined_name(c) for c in form.cells]
    subtotals = [defined_name(s.target) for s in form.sums if not s.printed]
    everything = names + sorted(set(subtotals))
    assert len({n.upper() for n in everything}) == len(everything), "names must be unique (Excel ignores case)"
    for n in everything:
        assert excel_name_problem(n) is None, (n, excel_name_problem(n))
