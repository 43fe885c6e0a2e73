"""check(data, form, previous) → Report: every within-year rule of rules.md, and X-01 across years.

It never raises for bad data: a bad cell is a finding. Every rule compares the stated values — in a
JSON data file the totals as written, in a workbook the formula cells as recomputed by the reader.
"""
from __future__ import annotations

import difflib
import re
from decimal import Decimal

from .claims import check_claims
from .data import MAX_PARAGRAPH, TOO_LARGE, ReportData, fmt_number, type_problem
from .findings import Finding, Report
from .form import INFO_SHEET, Form, load_form, other_format
from .rules import MODES, severity
from .sums import sum_parts, with_totals

RATIO_OTHER = Decimal("0.10")  # T3-04 threshold (ours; the form gives none)
PLAUSIBLE_MAX = 100_000  # V-05: a count of applications, reviews or lawsuits above this is almost surely mistyped
REQUIRED_INFO = ("issuer_mark", "doc_number", "date", "printer", "print_date")  # I-02: the 公文's own elements
REQUIRED_PARTS = ("part1", "part5", "part6")  # P-01 (六 may say 无)
PART1_LIMIT = 1000  # N-06
FEE_WORD = "处理费"  # N-05: 信息处理费, 信息公开处理费, 政府信息公开信息处理费 … all say it
NOT_COUNTED = " \u3000\t\r\n"  # N-06 counts every character but these (the workbook's live count does the same)
_WS = re.compile(f"[{NOT_COUNTED}]")


class _Checker:
    def __init__(self, data: ReportData, form: Form, mode: str):
        self.data, self.form, self.mode = data, form, mode
        self.v = {**data.cells, **with_totals(form, data.cells)}  # totals a JSON file leaves out are computed
        self.findings: list[Finding] = []

    def add(self, rule: str, message: str, cells=(), values=None, sev: str | None = None):
        cells = list(cells)
        addresses = [self.form.cells[c].ref if c in self.form.cells else "" for c in cells]
        self.findings.append(Finding(rule, sev or severity(rule, self.mode), message, cells,
                                     [a for a in addresses if a], values or {}))

    def where(self, cid: str) -> str:
        cell = self.form.cells.get(cid)
        return f"{cell.sheet} {cell.address}" if cell else cid

    # -- structure and values ----------------------------------------------------------------------
    def check_ids_and_format(self):
        data, form = self.data, self.form
        if data.year is not None and data.year < 2019:
            self.add("S-03", f"报告年度 {data.year} 早于 2019 年，现行两种年报格式（2019 年度起）均不适用。请核对报告年度。",
                     values={"year": data.year, "format": form.format, "expected": None})
        elif data.year is not None and not form.covers_year(data.year):
            right = "2019" if data.year <= 2020 else "2021"
            self.add("S-03", f"{data.year} 年度的报告应使用 {right} 格式（{'国办公开办函〔2019〕60号' if right == '2019' else '国办公开办函〔2021〕30号'}），"
                             f"本文件是 {form.format} 格式。请用 xxgk new --year {data.year} 新建对应格式的工作簿后重新填报。",
                     values={"year": data.year, "format": form.format, "expected": right})
        subtotals = {s.target for s in form.sums if not s.printed}
        other_ids = set(load_form(other_format(form.format)).cells)
        unknown = [c for c in data.cells if c not in form.cells and c not in subtotals]
        wrong_format = [c for c in unknown if c in other_ids]
        if wrong_format:
            self.add("S-03", f"{form.format} 格式的报告含有另一种格式才有的项目：{'、'.join(wrong_format[:8])}"
                             f"{' 等' if len(wrong_format) > 8 else ''}（共 {len(wrong_format)} 项）。请删除这些项目或改用正确的格式。",
                     values={"ids": wrong_format})
        strange = [c for c in unknown if c not in other_ids]
        if strange:
            self.add("S-02", f"含有年报格式中不存在的单元格编号：{'、'.join(strange[:8])}{' 等' if len(strange) > 8 else ''}"
                             f"（共 {len(strange)} 项）。编号见 cells.md，如 t3.new_received.total。",
                     values={"ids": strange})

    def check_values(self):
        form, data = self.form, self.data
        subtotals = {s.target for s in form.sums if not s.printed}
        for cid, (raw, reason) in data.bad_values.items():
            if cid in subtotals:
                self.add("S-04", f"分组小计 {cid} 的值 {raw!r} 不是数字，请改为数字或删除该项。", [cid],
                         {"stated": raw if isinstance(raw, (int, float, str)) else str(raw)})
                continue
            if cid not in form.cells:
                continue
            cell = form.cells[cid]
            shown = repr(raw)[:60] if not isinstance(raw, str) else f"“{raw[:40]}{'…' if len(raw) > 40 else ''}”"
            if reason == TOO_LARGE:
                message = (f"{cell.label}（{self.where(cid)}）填写的数值 {str(raw)[:60]} 过大（超过 10 的 15 次方），"
                           f"不可能是件数或金额，请核对后改正。")
            else:
                hint = "没有的请填 0" if reason == "文本" else "请改为数字"
                message = (f"{cell.label}（{self.where(cid)}）填写的是{reason} {shown}，不是数字：{hint}"
                           f"{'，数字不要带单位或空格' if reason == '文本' else ''}。")
            self.add("S-04", message, [cid], {"stated": raw if isinstance(raw, (int, float, str)) else str(raw)})
        # blanks, grouped by table row
        rows: dict[tuple[str, str], list[str]] = {}
        for cell in form.cells.values():
            if cell.id in data.bad_values or cell.id in data.missing or cell.table == "extra":
                continue
            if cell.is_total and (data.kind == "workbook" or cell.id not in data.cells):
                continue  # a formula, or a total the data file leaves to be computed: its parts are reported
            if self.v.get(cell.id) is None:
                rows.setdefault((cell.table, cell.id.rsplit(".", 1)[0]), []).append(cell.id)
        for (_, _row), ids in rows.items():
            first = form.cells[ids[0]]
            refs = "、".join(form.cells[i].address for i in ids)
            self.add("S-04", f"{first.row_label}有 {len(ids)} 个空白单元格（{first.sheet} {refs}）。"
                             f"没有发生的请填 0，不要留空。", ids, {"blank": ids})
        for cell in form.cells.values():
            value = self.v.get(cell.id)
            if value is None:
                continue
            problem = type_problem(value, cell.type)
            if problem:
                rule = {"count": "V-01", "signed": "V-02", "money": "V-03"}[cell.type]
                self.add(rule, f"{cell.label}（{self.where(cell.id)}）为 {fmt_number(value)}，{problem}。"
                               f"此处应填{_type_text(cell.type)}。", [cell.id], {"stated": _num(value)})
            if cell.unit_choices:
                unit = data.units.get(cell.id)
                if unit and unit not in cell.unit_choices:
                    self.add("V-03", f"{cell.label} 的单位“{unit}”无效，应为 {' 或 '.join(cell.unit_choices)}"
                                     f"（{cell.sheet} {cell.unit_address}）。", [cell.id], {"unit": unit})
                elif not unit and value != 0:
                    self.add("V-03", f"{cell.label}（{self.where(cell.id)}）为 {fmt_number(value)}，但未注明单位。"
                                     f"请在 {cell.sheet} {cell.unit_address} 选择 {' 或 '.join(cell.unit_choices)}。",
                             [cell.id], {"stated": _num(value)}, sev="warning")
        large = [c for c in form.input_cells() if c.table in ("t3", "t4") and (self.v.get(c.id) or 0) > PLAUSIBLE_MAX]
        for cell in large:
            self.add("V-05", f"{cell.label}（{self.where(cell.id)}）为 {fmt_number(self.v[cell.id])} 件，超过 "
                             f"{PLAUSIBLE_MAX:,} 件，多半是误填（多输了位数或填了金额），请核对。",
                     [cell.id], {"stated": _num(self.v[cell.id]), "threshold": PLAUSIBLE_MAX})
        if form.format == "2021":
            regs = [c for c in form.cells if c.startswith("t2.regulations.") and (self.v.get(c) or 0) != 0]
            if regs:
                self.add("V-04", "表二“规章”一行不为 0。只有国务院部门和省、设区的市级人民政府等有规章制定权，"
                                 "县级、乡镇人民政府和多数部门应填 0；请确认本机关确有规章。",
                         regs, {"stated": {c: _num(self.v[c]) for c in regs}})

    def check_text(self):
        for key, text in self.data.text.items():
            for i, para in enumerate(text.split("\n"), 1):
                if len(para) > MAX_PARAGRAPH:
                    self.add("WB-04", f"文本“{key}”第 {i} 段有 {len(para)} 个字符，超过单元格上限 {MAX_PARAGRAPH}。"
                                      f"请分成多个段落。", values={"part": key, "paragraph": i, "length": len(para)})
        fee_sentence = self.form.format == "2021" and self.v.get("info_fee.amount_yuan") is not None
        for block in self.form.texts:
            paragraphs = self.data.paragraphs(block.key)
            empty = [paragraphs[i] for i in block.empty_subheads(paragraphs)]
            if block.key in REQUIRED_PARTS and len(empty) == len(paragraphs) and not (block.key == "part6" and fee_sentence):
                what = "；没有需要报告的事项请写“无”" if block.key == "part6" else ""
                self.add("P-01", f"“{block.sheet}”还没有填写内容（模板预填的小标题不算）{what}。正式报告的这一部分不能空着。",
                         values={"part": block.key})
            elif empty:
                self.add("P-02", f"“{block.sheet}”中的小标题 {'、'.join(empty)} 下面没有内容，报告中不印这些小标题。"
                                 f"请在小标题下填写内容，或删除不用的小标题。", values={"part": block.key, "empty": empty})

    def check_info(self):
        data = self.data
        if not data.org.strip():
            self.add("I-01", f"基本信息缺少“机关名称”，请在“基本信息”表 {self.form.info_field('org').address} 填写机关全称。",
                     values={"field": "org"})
        year_read = any(p.rule == "I-01" and p.values.get("field") == "year" for p in data.problems)
        if data.year is None and not year_read:
            self.add("I-01", f"基本信息缺少“报告年度”，请在“基本信息”表 {self.form.info_field('year').address} 填写，如 2025。",
                     values={"field": "year"})
        bad_dates = {p.values.get("field") for p in data.problems if p.rule == "I-01"}
        missing = [self.form.info_field(k) for k in REQUIRED_INFO if not data.info.get(k, "").strip() and k not in bad_dates]
        if missing:
            self.add("I-02", f"正式报告还缺少基本信息：{'、'.join(f.label for f in missing)}（“{INFO_SHEET}”表）。"
                             f"报告的红头、文号、落款和版记要用到它们；填写后再生成正式报告（草稿可先用 --draft 生成）。",
                     values={"fields": [f.key for f in missing]})

    # -- sums and balances -------------------------------------------------------------------------
    def check_sums(self):
        for rule in self.form.sums:
            if rule.target not in self.v:
                continue  # a group subtotal the data does not state
            stated = self.v[rule.target]
            computed, blanks = sum_parts(self.v, rule.parts)
            if stated is None or computed is None or stated == computed:
                continue
            self.add(rule.rule, self.sum_message(rule, stated, computed, blanks),
                     [rule.target, *rule.parts],
                     {"stated": _num(stated), "computed": _num(computed), "difference": _num(stated - computed),
                      "blank": blanks})

    def sum_message(self, rule, stated, computed, blanks) -> str:
        target = self.form.cells.get(rule.target)
        what = f"{target.label}（{self.where(rule.target)}）" if target else f"分组小计 {rule.target}"
        parts = {
            "T3-03": "该行自然人与法人或其他组织各类之和",
            "T3-02": "（一）至（六）各项办理结果之和",
            "T3-06": "其各子项之和",
        }.get(rule.rule, "结果维持、结果纠正、其他结果、尚未审结四项之和")
        blank = f"（其中 {len(blanks)} 项空白，按 0 计）" if blanks else ""
        return (f"{what}为 {fmt_number(stated)}，但{parts}为 {fmt_number(computed)}{blank}，"
                f"相差 {fmt_number(stated - computed)}。请核对分项数字{'，并恢复总计公式' if self.data.kind == 'workbook' else '或总计'}。")

    def check_t3_balance(self):
        for ckey, ctext in self.form.t3_columns:
            ids = [f"t3.{r}.{ckey}" for r in ("new_received", "carried_over", "total", "carry_forward")]
            vals = [self.v.get(i) for i in ids]
            if all(x is None for x in vals):
                continue
            left = sum(x or 0 for x in vals[:2])
            right = sum(x or 0 for x in vals[2:])
            if left == right:
                continue
            blanks = [i for i, x in zip(ids, vals) if x is None]
            a, b, c, d = (fmt_number(x) for x in vals)
            self.add("T3-01",
                     f"表三「{ctext}」列不符合勾稽关系：一、本年新收 {a} + 二、上年结转 {b} = {fmt_number(left)}，"
                     f"而（七）总计 {c} + 四、结转下年度继续办理 {d} = {fmt_number(right)}，相差 {fmt_number(left - right)}。"
                     f"请核对这四项（{self.form.cells[ids[0]].sheet} {'、'.join(self.form.cells[i].address for i in ids)}）。",
                     ids, {"stated": _num(right), "computed": _num(left), "difference": _num(left - right),
                           "blank": blanks})

    def check_t3_other_share(self):
        total = self.v.get("t3.total.total")
        other_ids = [f"t3.{r['key']}.total" for r in self.form.t3_rows
                     if r["key"] == "other" or r["key"].startswith("other.")]
        other, _ = sum_parts(self.v, other_ids)
        if not total or not other or total <= 0:
            return
        share = Decimal(other) / Decimal(total)
        if share > RATIO_OTHER:
            pct = (share * 100).quantize(Decimal("0.1"))
            self.add("T3-04", f"（六）其他处理 {fmt_number(other)} 件，占（七）总计 {fmt_number(total)} 件的 {pct}%，超过 10%。"
                              f"原则上所有申请都应按法定方式处理，请核实这些申请能否归入（一）至（五）。",
                     [*other_ids, "t3.total.total"], {"stated": _num(other), "total": _num(total), "share": float(share)})

    def check_t2(self):
        v = self.v
        if self.form.format == "2021":
            for row, name in (("regulations", "规章"), ("normative_docs", "行政规范性文件")):
                ids = [f"t2.{row}.{c}" for c in ("issued", "repealed", "in_force")]
                issued, repealed, in_force = (v.get(i) for i in ids)
                if None in (issued, repealed, in_force) or in_force + repealed >= issued:
                    continue
                self.add("T2-02", f"表二“{name}”：现行有效 {in_force} 件 + 本年废止 {repealed} 件 = {in_force + repealed}，"
                                  f"少于本年制发 {issued} 件。本年制发的文件应计入现行有效或已废止，请核对。",
                         ids, {"stated": _num(in_force + repealed), "computed": _num(issued),
                               "difference": _num(in_force + repealed - issued)})
        else:
            for row, name in (("regulations", "规章"), ("normative_docs", "规范性文件")):
                ids = [f"t2.{row}.new_published", f"t2.{row}.total_published"]
                new, total = (v.get(i) for i in ids)
                if None in (new, total) or new <= total:
                    continue
                self.add("T2v19-03", f"表二“{name}”：本年新公开数量 {new} 大于对外公开总数量 {total}。"
                                     f"对外公开总数量应包含本年新公开的文件，请核对。",
                         ids, {"stated": _num(new), "computed": _num(total), "difference": _num(new - total)})

    def check_narrative_2021(self):
        if self.form.format != "2021":
            return
        fee = self.v.get("info_fee.amount_yuan")
        if fee is None and FEE_WORD not in self.data.text.get("part6", ""):
            cell = self.form.cells["info_fee.amount_yuan"]
            self.add("N-05", f"2021 格式要求在第六部分报告收取信息处理费的情况。请在“{cell.sheet}”{cell.address} 填写"
                             f"本年收取的信息处理费（元，未收取填 0），或在第六部分文字中说明。", ["info_fee.amount_yuan"])
        part1 = _WS.sub("", self.data.text.get("part1", ""))
        if len(part1) > PART1_LIMIT:
            self.add("N-06", f"第一部分“总体情况”有 {len(part1)} 字（不计空白），超过一千字。"
                             f"2021 格式要求篇幅原则上不超过一千字，请精简。",
                     values={"stated": len(part1), "limit": PART1_LIMIT})

    def check_previous(self, previous: ReportData):
        """Across years: X-01 carry-over (also across the 2020 → 2021 format change), the 表二 stock rules
        within one format (T2-01, T2v19-01, T2v19-02), and parts 一/五 copied from last year (X-03, X-04)."""
        data = self.data
        where = f"上一年度文件 {previous.source}" if previous.source else "上一年度报告"
        if previous.year is not None and data.year is not None and previous.year != data.year - 1:
            self.add("X-01", f"{where}是 {previous.year} 年度的报告，本报告是 {data.year} 年度，无法作跨年核对。"
                             f"请选择 {data.year - 1} 年度的报告。",
                     values={"previous_year": previous.year, "previous_file": previous.source}, sev="warning")
            return
        if previous.org and data.org and previous.org != data.org:
            self.add("X-01", f"{where}的机关名称为“{previous.org}”，与本报告“{data.org}”不同，请确认选对了文件。",
                     values={"previous_org": previous.org, "previous_file": previous.source}, sev="warning")
        # X-01 is an error against one of our workbooks; a JSON data file may come from another system.
        x01 = None if previous.kind == "workbook" else "warning"
        for ckey, ctext in self.form.t3_columns:
            cid, pid = f"t3.carried_over.{ckey}", f"t3.carry_forward.{ckey}"
            now, before = self.v.get(cid), previous.cells.get(pid)
            if now is None or before is None or now == before:
                continue
            self.add("X-01", f"表三「{ctext}」列：二、上年结转 {fmt_number(now)} 件，与上一年度报告的四、结转下年度继续办理 "
                             f"{fmt_number(before)} 件不一致（{self.where(cid)}）。请以上年报告为准核对。",
                     [cid], {"stated": _num(now), "computed": _num(before), "difference": _num(now - before),
                             "previous_file": previous.source}, sev=x01)
        if previous.format != self.form.format:
            self.add("X-02", f"上一年度报告是 {previous.format} 格式，本报告是 {self.form.format} 格式：表二的统计口径不同，"
                             f"不作跨年核对（表三的上年结转照常核对）。", values={"previous_format": previous.format}, sev="info")
        elif self.form.format == "2021":
            self.check_stock(previous, "T2-01", "现行有效件数", "in_force", "in_force", ["issued"], ["repealed"],
                             (("regulations", "规章"), ("normative_docs", "行政规范性文件")))
        else:
            self.check_stock(previous, "T2v19-02", "对外公开总数量", "total_published", "total_published",
                             ["new_published"], [], (("regulations", "规章"), ("normative_docs", "规范性文件")))
            self.check_stock(previous, "T2v19-01", "上一年项目数量", "prev_count", "prev_count", [], [],
                             (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"), ("penalty", "行政处罚"),
                              ("coercion", "行政强制"), ("fees", "行政事业性收费")), previous_plus="delta")
        self.check_similarity(previous)

    def check_stock(self, previous, rule, what, col, prev_col, plus, minus, rows, previous_plus=None):
        """stock(N) = stock(N−1) [+ previous_plus(N−1)] + Σplus(N) − Σminus(N), row by row (rules.md E)."""
        for row, name in rows:
            cid = f"t2.{row}.{col}"
            before = previous.cells.get(f"t2.{row}.{prev_col}")
            extra_before = previous.cells.get(f"t2.{row}.{previous_plus}") if previous_plus else 0
            now_parts = [self.v.get(f"t2.{row}.{c}") for c in plus + minus]
            stated = self.v.get(cid)
            if None in (stated, before, extra_before, *now_parts):
                continue
            expected = before + extra_before + sum(self.v[f"t2.{row}.{c}"] for c in plus) \
                - sum(self.v[f"t2.{row}.{c}"] for c in minus)
            if stated == expected:
                continue
            how = f"上年 {fmt_number(before)}" + (f" + 上年本年增/减 {fmt_number(extra_before)}" if previous_plus else "") \
                + "".join(f" + 本年{_T2_WORDS[c]} {fmt_number(self.v[f't2.{row}.{c}'])}" for c in plus) \
                + "".join(f" − 本年{_T2_WORDS[c]} {fmt_number(self.v[f't2.{row}.{c}'])}" for c in minus)
            self.add(rule, f"表二“{name}”{what} {fmt_number(stated)}（{self.where(cid)}），按上年推算应为 {how} = "
                           f"{fmt_number(expected)}，相差 {fmt_number(stated - expected)}。如因清理、失效等原因调整，请在报告中说明。",
                     [cid], {"stated": _num(stated), "computed": _num(expected), "difference": _num(stated - expected),
                             "previous_file": previous.source})

    def check_similarity(self, previous):
        """X-03 part 五, X-04 parts 一+五: difflib ratio of the whitespace-stripped texts above 50 %."""
        pairs = (("X-03", "第五部分“存在的主要问题及改进情况”", ("part5",)),
                 ("X-04", "第一部分和第五部分", ("part1", "part5")))
        for rule, what, keys in pairs:
            now = _WHITESPACE.sub("", "".join(self.data.text.get(k, "") for k in keys))
            before = _WHITESPACE.sub("", "".join(previous.text.get(k, "") for k in keys))
            if not now or not before:
                continue
            ratio = similarity(now, before)
            if ratio > SIMILARITY_LIMIT:
                self.add(rule, f"{what}与上一年度报告的相似度为 {ratio:.0%}，超过 50%。国家格式要求“不得出现敷衍了事甚至年年雷同现象”，"
                               f"请结合本年度实际情况重新撰写。", values={"similarity": round(ratio, 3),
                                                                     "previous_file": previous.source})


_T2_WORDS = {"issued": "制发", "repealed": "废止", "new_published": "新公开"}
_WHITESPACE = re.compile(r"\s+")
SIMILARITY_LIMIT = 0.5


def similarity(a: str, b: str) -> float:
    """The metric of rules.md X-03: difflib's ratio without autojunk."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _type_text(ctype: str) -> str:
    return {"count": "不小于 0 的整数", "signed": "整数（减少时填负数）", "money": "不小于 0 的金额，最多 6 位小数"}[ctype]


def _num(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def check(data: ReportData, form: Form | None = None, previous: ReportData | None = None,
          mode: str = "generate") -> Report:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    form = form or load_form(data.format)
    checker = _Checker(data, form, mode)
    checker.findings.extend(data.problems)
    checker.check_ids_and_format()
    checker.check_info()
    checker.check_values()
    checker.check_text()
    checker.check_sums()
    checker.check_t3_balance()
    checker.check_t3_other_share()
    checker.check_t2()
    checker.check_narrative_2021()
    checker.findings.extend(check_claims(data, form))
    if previous is not None:
        checker.check_previous(previous)
    return Report(data.source, data.format, data.year, data.org, checker.findings)
