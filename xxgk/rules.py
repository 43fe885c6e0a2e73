"""The rule catalogue: ids of ../shared/spec/rules.md plus our workbook-integrity rules (WB-*, I-01).

Each rule: severity when a report is checked for generating/publishing it, severity when auditing
received or third-party data (rules.md gives both where they differ), and a short Chinese title.
"""
from __future__ import annotations

RULES: dict[str, tuple[str, str, str]] = {
    # id: (severity generate, severity audit, title)
    "S-02": ("error", "warning", "表格标签、行列与国家格式模板一致"),
    "S-03": ("error", "error", "按报告年度使用正确的年报格式"),
    "S-04": ("error", "warning", "每个数据单元格都填写数字（没有的填 0）"),
    "S-05": ("error", "error", "输入单元格填写数字，不填写公式"),
    "V-01": ("error", "error", "件数为不小于 0 的整数"),
    "V-02": ("error", "error", "2019 格式“本年增/减”为整数（可为负数）"),
    "V-03": ("error", "error", "金额不小于 0，2019 格式采购总金额注明单位"),
    "V-04": ("warning", "warning", "不具有规章制定权的机关规章数一般为 0"),
    "V-05": ("warning", "warning", "表三、表四的件数不超过 100000（更大的数多半是误填）"),
    "T3-01": ("error", "error", "表三每列：第一项 + 第二项 = 第三项（七）总计 + 第四项"),
    "T3-02": ("error", "error", "表三（七）总计 = 各办理结果之和"),
    "T3-03": ("error", "error", "表三每行总计 = 各申请人类别之和"),
    "T3-04": ("warning", "warning", "（六）其他处理占比不宜过高（超过 10% 提示）"),
    "T3-06": ("error", "error", "分组小计 = 其子项之和"),
    "T4-01": ("error", "error", "表四 行政复议 总计 = 各结果之和"),
    "T4-02": ("error", "error", "表四 未经复议直接起诉 总计 = 各结果之和"),
    "T4-03": ("error", "error", "表四 复议后起诉 总计 = 各结果之和"),
    "T2-02": ("warning", "warning", "2021 格式表二：现行有效件数 + 本年废止件数 ≥ 本年制发件数"),
    "T2v19-03": ("warning", "warning", "2019 格式表二：本年新公开数量 ≤ 对外公开总数量"),
    "N-01": ("warning", "warning", "文字所写收到（新收）申请件数与表三一致"),
    "N-01b": ("warning", "warning", "文字所写办结（答复）件数与表三（七）总计一致"),
    "N-01c": ("warning", "warning", "文字所写上年结转、结转下年度件数与表三一致"),
    "N-02": ("warning", "warning", "文字所写行政复议、行政诉讼件数及结果（含“均获维持”）与表四一致"),
    "N-03": ("warning", "warning", "文字所写规章、规范性文件件数与表二一致"),
    "N-04": ("warning", "warning", "文字所写办理结果件数及占比与表三一致"),
    "N-07": ("warning", "warning", "文字中的百分比与其件数和总数相符"),
    "N-05": ("error", "warning", "2021 格式第六部分报告信息处理费收取情况"),
    "N-06": ("warning", "warning", "2021 格式总体情况篇幅原则上不超过一千字"),
    "X-01": ("error", "warning", "表三 上年结转 = 上一年度报告的 结转下年度继续办理"),
    "X-02": ("info", "info", "跨格式年度（2020 → 2021）不作表二跨年核对"),
    "X-03": ("warning", "warning", "第五部分与上一年度相似度不超过 50%"),
    "X-04": ("warning", "warning", "第一部分和第五部分合计与上一年度相似度不超过 50%"),
    "T2-01": ("warning", "warning", "2021 格式表二：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止"),
    "T2v19-01": ("warning", "warning", "2019 格式表二：上一年项目数量 = 上年的上一年项目数量 + 上年本年增/减"),
    "T2v19-02": ("warning", "warning", "2019 格式表二：对外公开总数量 = 上年对外公开总数量 + 本年新公开数量"),
    "WB-01": ("error", "error", "合计单元格保留公式，不得改为常数"),
    "WB-02": ("error", "error", "工作表齐全、未被改名"),
    "WB-03": ("warning", "warning", "工作簿由当前版本的模板生成"),
    "WB-04": ("error", "error", "文本段落不超过 32767 个字符"),
    "WB-05": ("info", "info", "工作簿含宏：只读取数据，宏不会被运行"),
    "WB-06": ("error", "error", "表格的行、列未被插入、删除或移动"),
    "WB-07": ("error", "error", "内容都在模板的填写位置（不在其中的内容不会被读取）"),
    "I-01": ("error", "warning", "机关名称、报告年度已填写；日期是日期"),
    "I-02": ("error", "warning", "正式报告的基本信息齐全：发文机关标志、发文字号、成文日期、印发机关、印发日期"),
    "P-01": ("error", "warning", "第一、五、六部分有内容（第六部分没有需要报告的事项时写“无”）"),
    "P-02": ("warning", "warning", "小标题下有内容（空的小标题不印入报告）"),
}

MODES = ("generate", "audit")


def severity(rule: str, mode: str = "generate") -> str:
    gen, audit, _ = RULES[rule]
    return gen if mode == "generate" else audit


def title(rule: str) -> str:
    return RULES[rule][2]
