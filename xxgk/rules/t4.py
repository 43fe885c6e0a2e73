"""表四 (政府信息公开行政复议、行政诉讼情况): each row's 总计 is the sum of its results (evaluated with 表三's
sums in totals.py, through the form's sum hierarchy)."""

from __future__ import annotations

from . import totals
from .registry import rule

_PARTS = "结果维持、结果纠正、其他结果、尚未审结四项之和"
T4_01 = rule(
    "T4-01",
    "表四 行政复议 总计 = 各结果之和",
    totals.message(_PARTS),
    cases=totals.cases(_PARTS),
    values=totals.VALUES,
    sums="t4.review",
    sheet=totals.sheet("t4.review"),
)
T4_02 = rule(
    "T4-02",
    "表四 未经复议直接起诉 总计 = 各结果之和",
    totals.message(_PARTS),
    cases=totals.cases(_PARTS),
    values=totals.VALUES,
    sums="t4.lit_direct",
    sheet=totals.sheet("t4.lit_direct"),
)
T4_03 = rule(
    "T4-03",
    "表四 复议后起诉 总计 = 各结果之和",
    totals.message(_PARTS),
    cases=totals.cases(_PARTS),
    values=totals.VALUES,
    sums="t4.lit_after_review",
    sheet=totals.sheet("t4.lit_after_review"),
)
