"""Numbers the staff write in the text, against the tables (rules.md G): N-01…N-04, N-07.

The reader of claims is claims.py (what it understands and what it leaves alone is said there); its words and
patterns are data, claims.toml; the table labels it names come from the forms. N-05 and N-06, which ask for
text rather than compare numbers, are in text.py.
"""

from __future__ import annotations

from .registry import Context, case, rule

# Every finding of a claim carries what the text says, what the table says, the sentence and the part.
CLAIM = (("claimed", "any"), ("table", "any"), ("sentence", "text"), ("part", "text"))
COMPARE = (
    "{part_name}：“{quote}”{said}，而{label}（{where}）为 {table} {unit}。文字与表格不一致，请核对后改正文字或表格。"
)
AMBIGUOUS = case(
    "{part_name}：“{quote}”写{what} {claimed} 件，语句有歧义：可能指{name}（{label}，{where}，为 {table} 件），"
    "也可能指本年新收加上年结转（{new} + {carried} = {table_with_carried} 件，{where_both}），但与两者都不相等。"
    "请核对数字，并写明是“本年新收”还是“含上年结转”。",
    severity="warning",
    values=CLAIM + (("table_with_carried", "number"),),
)
SHARE = (("count", "int"), ("denominator", "int"))

N_01 = rule(
    "N-01",
    "文字所写收到（新收）申请件数与表三一致",
    "{part_name}：“{quote}”{said}，而{label}（{where}）为 {table} 件。{hint}",
    severity="warning",
    values=CLAIM,
    scope="text",
    cases={
        "ambiguous": AMBIGUOUS,
        "scope": case(
            "{part_name}：“{quote}”写{scope}收到（受理）申请 {claimed} 件，而{label}（{where}）为 {table} 件。"
            "这句话说的是“{scope}”的申请：请确认表三所填是否为同一范围（本机关全部申请）；范围相同时，请改正文字或表格。",
            severity="warning",
            values=CLAIM + (("scope", "text"),),
        ),
    },
)
N_01b = rule(
    "N-01b",
    "文字所写办结（答复）件数与表三（七）总计一致",
    COMPARE,
    severity="warning",
    values=CLAIM,
    scope="text",
    cases={"ambiguous": AMBIGUOUS},
)
N_01c = rule(
    "N-01c", "文字所写上年结转、结转下年度件数与表三一致", COMPARE, severity="warning", values=CLAIM, scope="text"
)
N_02 = rule(
    "N-02",
    "文字所写行政复议、行政诉讼件数及结果（含“均获维持”）与表四一致",
    COMPARE,
    severity="warning",
    values=CLAIM,
    scope="text",
    cases={
        "all_upheld": case(
            "{part_name}：“{quote}”称{name}{decided_word}均获维持，{why}（{where}）。请核对文字或表四。",
            severity="warning",
            values=CLAIM
            + (
                ("total", "number"),
                ("decided", "number"),
                ("corrected", "number"),
                ("other", "number"),
                ("pending", "number"),
            ),
        ),
        "none_corrected": case(
            "{part_name}：“{quote}”称{name}没有被纠错（败诉），但{label}（{where}）为 {corrected} 件。请核对文字或表四。",
            severity="warning",
            values=CLAIM + (("total", "number"), ("corrected", "number")),
        ),
    },
)
N_03 = rule(
    "N-03",
    "文字所写规章、规范性文件件数与表二一致",
    COMPARE,
    severity="warning",
    values=CLAIM,
    scope="text",
    cases={
        "cleanup": case(
            "{part_name}：“{quote}”{said}，而{label}（{where}）为 {table} 件。表二是 12 月 31 日的现行有效件数："
            "如清理之后本年又有制发或废止，请在文字中写明清理的时点；否则请核对后改正文字或表格。",
            severity="warning",
            values=CLAIM,
        ),
    },
)
N_04 = rule(
    "N-04",
    "文字所写办理结果件数及占比与表三一致",
    COMPARE,
    severity="warning",
    values=CLAIM,
    scope="text",
    cases={
        "share": case(
            "{part_name}：“{quote}”写{what}占 {shown}，而表中{what} {count} 件（{where}）÷ {name} {denominator} 件 = "
            "{calc}%。请核对百分比或表格。",
            severity="warning",
            values=CLAIM + SHARE,
        ),
    },
)
N_07 = rule(
    "N-07",
    "文字中的百分比与其件数和总数相符",
    "{part_name}：“{quote}”写 {count} 件占 {shown}，但 {count} ÷ {denominator}（{name}{where}）= {calc}%{others}。"
    "请核对百分比或件数。",
    severity="warning",
    values=CLAIM + SHARE,
    scope="text",
)


def claims(ctx: Context):
    """N-01…N-04, N-07: what the text states, compared with the tables. Never raises on text."""
    from .claims import read_claims

    yield from read_claims(ctx)
