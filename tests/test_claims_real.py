"""The claim reader on the real sentences of tests/data/claims/real_sentences.toml, read as the benchmark reads
them (benchmarks/claims_corpus.py): no near-miss gives a finding, no claim sentence gives one when its claims
hold, and the sentences listed below are recognised (every claim they make is reported when the table disagrees).
"""

from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT

_spec = importlib.util.spec_from_file_location("claims_corpus", ROOT / "benchmarks" / "claims_corpus.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

ENTRIES = bench.load()
NEAR_MISSES = [e for e in ENTRIES if e["kind"] == "near_miss"]
CLAIMS = [e for e in ENTRIES if e["kind"] != "near_miss"]

# Sentences of the patterns of issue 12 §1 whose every claim the reader recognises (a regression guard).
RECOGNISED = [
    # N-02: all in our favour
    "sh2019-favour",
    "jiaxing-office2022-favour",  # 均结果维持 (not the 行政争议 sum)
    "jiaxing-office2024-favour",  # 均无纠错和败诉
    "shengzhou-office2022-favour",  # 被纠错 N 件, 败诉 0 件
    "shengsi-office2022-group",  # 未发生被行政复议纠错或败诉情况
    "youxian-office2024-favour",  # 发生行政诉讼1件,结果维持 (the review's 申请人已撤回 is not read)
    "dazu-office2024-favour",  # 行政复议案件3件、行政诉讼案件3件 (all in favour said by counts is not read)
    # N-04: groups, with shares after 、
    "gaochun2022-group",
    "tonglu2023-group",
    "dongyang-zrzy2023-group",  # (含2022年结转的3件)
    "hanyang2022-rows",  # sub-rows named by their reasons (本办不掌握, 四类过程性信息); 其他1件 is not read
    "xinganmeng2025-group",  # 另处理重复申请1件
    # N-03: the stock after a clean-up, 无现行有效的规范性文件, 2024年以来
    "pingli2024-stock",
    "baili2023-stock",
    "haicheng-sjj2025-stock",
    "gangu-office2024-stock",
    "changxing-qingli2023-stock-2",
    # N-01 / N-01c: the years before and after named; the body named 街道; 份, 个, 依申请公开事项; the office for
    # the government (代表市政府)
    "tonglu2023-received",
    "chuncheng2022-received",
    "jianzhanglu2022-received",
    "hanyang2022-received",
    "chaoyang-zrzy2025-received",
    "xianning-sfj2022-received",
    "lintong-wuliu2022-received",
    "jingwei2022-received",
    "beiyinhe2022-received",
    "sh2019-received",
    "zhangping2021-received",  # 市政府及政府办共受理: the scope is named
    "qy2024-received",  # 受理依申请公开事项 N 件
    "qy2024-group",  # 逾期未补正 N 件 read as its sub-row; 其他处理 beside it left alone
]


def _ids(entries):
    return [e["id"] for e in entries]


@pytest.mark.parametrize("entry", NEAR_MISSES, ids=_ids(NEAR_MISSES))
def test_near_miss_gives_no_finding(entry):
    data = bench.make_report(entry, agree=True, near_miss=True)
    assert [f.message for f in bench.findings_on(entry, data)] == []


@pytest.mark.parametrize("entry", CLAIMS, ids=_ids(CLAIMS))
def test_claims_that_hold_give_no_finding(entry):
    data = bench.make_report(entry, agree=True, near_miss=False)
    assert [f.message for f in bench.findings_on(entry, data) if f.rule != "N-07"] == []


# Claims left unread on purpose: 因信息公开引发行政争议 N 件 (复议 and 诉讼 in one number); 废止 N 件 in a clean-up;
UNREAD = {
    "jiaxing-office2022-favour": 1,
    "jiaxing-office2024-favour": 1,
    "pingli2024-stock": 1,
    "beiyinhe2022-received": 1,
    "hanyang2022-rows": 1,
    "youxian-office2024-favour": 1,
    "dazu-office2024-favour": 1,  # 未收到和处理: the 处理 (0 handled) is not read
}


@pytest.mark.parametrize("sid", RECOGNISED)
def test_recognised(sid):
    entry = next(e for e in ENTRIES if e["id"] == sid)
    results, shares, stray = bench.read_claims(entry, verbose=False)
    assert sum(not hit for _, hit in results) == UNREAD.get(sid, 0)
    assert all(shares) and stray == 0
