"""The `xxgk` command line. Exit codes: 0 valid (warnings allowed), 1 errors found, 2 usage error."""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .errors import XxgkError
from .findings import SEVERITY_NAMES, Report
from .merge import DEFAULT_SUMMARY_ORG

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese usage errors and exit code 2."""

    def error(self, message):  # noqa: D102 - argparse API
        self.print_usage(sys.stderr)
        raise XxgkError(f"命令用法有误：{message}（运行 xxgk {self.prog.split()[-1]} -h 查看帮助）", kind="usage")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="xxgk", description="政府信息公开工作年度报告：填报工作簿、校验、数据导入导出。")
    p.add_argument("--version", action="version", version=f"xxgk {__version__}")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    s = sub.add_parser("new", help="新建空白年报工作簿", description="按报告年度新建一个受保护的年报填报工作簿。")
    s.add_argument("--year", type=int, required=True, help="报告年度，如 2025")
    s.add_argument("--org", help="机关名称（全称）；有 --previous 时默认取上一年度报告的机关名称")
    s.add_argument(
        "--format", choices=("2019", "2021"), help="年报格式；默认按年度确定（2019–2020 → 2019，2021 起 → 2021）"
    )
    s.add_argument(
        "--previous", metavar="LAST", help="上一年度的工作簿或 JSON 数据文件：预填上年结转和机关信息（不复制文字）"
    )
    s.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")
    s.add_argument("--overwrite", action="store_true", help="输出文件已存在时覆盖")

    s = sub.add_parser(
        "fill",
        help="把 JSON 数据写入工作簿的副本",
        description="读取工作簿，写入 JSON 数据文件中的数字、文字和基本信息，另存为新文件（原文件不变）。",
    )
    s.add_argument("workbook", help="年报工作簿 .xlsx")
    s.add_argument("data", help="JSON 数据文件")
    s.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")
    s.add_argument("--overwrite", action="store_true", help="输出文件已存在时覆盖")

    s = sub.add_parser("export", help="把工作簿导出为 JSON 数据文件")
    s.add_argument("workbook", help="年报工作簿 .xlsx")
    s.add_argument("-o", "--output", help="输出的 .json 文件（默认输出到屏幕）")
    s.add_argument("--overwrite", action="store_true", help="输出文件已存在时覆盖")

    s = sub.add_parser(
        "import",
        help="读取已发布的年度报告（网页、Word、PDF、文本），写成 JSON 数据文件",
        description="按国家格式的栏目标签读取已发布的年度报告的表格和文字。退出码：0 表格单元格全部读到，"
        "1 有表格单元格没有找到，2 不是年度报告或无法读取。",
    )
    s.add_argument(
        "file", metavar="FILE", help="年度报告：.html/.htm、.docx、.doc/.wps（需 LibreOffice）、.pdf（有文字层）、.txt"
    )
    s.add_argument("-o", "--output", help="输出的 JSON 数据文件（默认输出到屏幕）")
    s.add_argument("--year", type=int, help="报告年度（默认从标题和引言中读取）")
    s.add_argument("--org", help="机关名称（默认取署名或标题）")
    s.add_argument("--overwrite", action="store_true", help="输出文件已存在时覆盖")

    s = sub.add_parser(
        "compare",
        help="比较已发布的报告与报送的工作簿",
        description="逐格比较已发布的年度报告与单位报送的工作簿（或 JSON），列出不同的单元格、各部分文字的相似度，"
        "以及报送的数字通过而已发布的数字未通过的校验。两个参数都是文件夹时，按机关名称和年度配对逐份比较。"
        "退出码：0 全部一致，1 有不同或未配对的文件，2 文件无法读取或用法错误。",
    )
    s.add_argument(
        "published", metavar="PUBLISHED", help="已发布的报告（.html、.docx、.pdf、.txt 等），或这些报告所在的文件夹"
    )
    s.add_argument("submitted", metavar="SUBMITTED", help="报送的工作簿 .xlsx 或 JSON 数据文件，或它们所在的文件夹")
    s.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    s.add_argument("-o", "--output", help="把结果另存为文件（.json 结尾为 JSON，否则为文本）")
    s.add_argument("--overwrite", action="store_true", help="输出文件已存在时覆盖")

    s = sub.add_parser(
        "check",
        help="校验工作簿、JSON 数据文件或已发布的报告",
        description="按国家格式和勾稽关系校验。退出码：0 通过（可有警告），1 有错误，2 文件无法读取或用法错误。",
    )
    s.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="年报工作簿 .xlsx、JSON 数据文件，或已发布的报告（.html、.docx、.pdf 等，按审核口径校验）",
    )
    s.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    s.add_argument("--previous", metavar="PREV", help="上一年度的工作簿或 JSON 数据文件（核对上年结转）")

    s = sub.add_parser(
        "report",
        help="生成年度报告（Word，可选 PDF、HTML）",
        description="校验后生成 GB/T 9704 版式的年度报告。校验有错误时不生成（退出码 1），可加 --draft 生成草稿。",
    )
    s.add_argument("file", metavar="WORKBOOK", help="年报工作簿 .xlsx 或 JSON 数据文件")
    s.add_argument("-o", "--output", help="输出的 .docx（默认：输入文件旁，以机关名称和年度命名）")
    s.add_argument("--pdf", action="store_true", help="同时生成 PDF（需要 LibreOffice）")
    s.add_argument("--html", action="store_true", help="同时生成用于网站发布的 HTML 页面")
    s.add_argument("--draft", action="store_true", help="校验有错误时仍生成，页眉标注“草稿（校验未通过）”")
    s.add_argument("--overwrite", action="store_true", help="输出文件已存在时覆盖")
    s.add_argument("--previous", metavar="PREV", help="上一年度的工作簿或 JSON 数据文件（跨年核对）")

    s = sub.add_parser(
        "merge",
        help="汇总下级单位的年报",
        description="读取、校验下级单位的年报（工作簿、JSON、文件夹、.zip、.eml），把计入的单位逐格相加，"
        "生成同一格式的汇总工作簿。退出码：0 全部计入且无错误，1 有错误、未计入或未报送的单位，2 用法错误。",
    )
    s.add_argument("inputs", nargs="+", metavar="INPUT", help="工作簿、JSON 数据文件、文件夹、.zip 压缩包或 .eml 邮件")
    s.add_argument("-o", "--output", required=True, metavar="SUMMARY.xlsx", help="输出的汇总工作簿 .xlsx")
    s.add_argument(
        "--org", help=f"汇总单位名称（写入汇总表基本信息；不填时为“{DEFAULT_SUMMARY_ORG}”，可在汇总表中修改）"
    )
    s.add_argument("--year", type=int, help="报告年度；默认取多数报表的年度")
    s.add_argument("--roster", metavar="FILE", help="应报单位名单（.xlsx 或 .csv：第一列，或“机关名称”“单位名称”列）")
    s.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    s.add_argument("--html", metavar="REPORT.html", help="另生成汇总情况的 HTML 页面")
    s.add_argument("--jobs", type=int, metavar="N", help="并行读取的进程数（默认 CPU 核数；1 = 不并行）")
    s.add_argument("--overwrite", action="store_true", help="输出文件已存在时覆盖")

    s = sub.add_parser(
        "addin",
        help="Excel 功能区加载项：安装、卸载、生成",
        description="“信息公开年报”功能区（校验、生成报告、汇总下级报表等按钮）。加载项只装在本机，"
        "报送的工作簿始终是不含宏的 .xlsx。",
    )
    asub = s.add_subparsers(dest="action", metavar="操作", parser_class=_Parser)
    a = asub.add_parser("install", help="把加载项复制到 Excel 的启动文件夹，并记下本机的 Python")
    a.add_argument(
        "--startup-dir",
        metavar="DIR",
        help="Excel 启动文件夹（默认：Windows 为 %%APPDATA%%\\Microsoft\\Excel\\XLSTART）",
    )
    a = asub.add_parser("uninstall", help="删除加载项和它的配置")
    a.add_argument("--startup-dir", metavar="DIR", help="安装时指定的启动文件夹")
    a = asub.add_parser("build", help="由 addin/ 的源文件生成 xxgk.xlam（开发用）")
    a.add_argument("-o", "--output", metavar="PATH.xlam", help="输出文件（默认：软件自带的 addin/xxgk.xlam）")
    a.add_argument("--check", action="store_true", help="只检查已提交的 xxgk.xlam 是否最新，不写文件")

    s = sub.add_parser(
        "bundle",
        help="生成离线安装包（给没有互联网的办公电脑）",
        description="生成一个文件夹（或 .zip）：xxgk 及其全部依赖的 wheel、安装.cmd、卸载.cmd、使用说明、空白工作簿和示例。"
        "复制到办公电脑上双击安装.cmd 即可安装，全程不联网。生成安装包本身需要能访问 PyPI（或本单位的镜像）。",
    )
    s.add_argument("-o", "--output", required=True, metavar="DIR|ZIP", help="输出的文件夹，或以 .zip 结尾的压缩包")
    s.add_argument("--platform", choices=("win_amd64", "win32"), help="目标 Windows 平台（默认：本机的平台和 Python）")
    s.add_argument("--python", metavar="3.10,3.11,…", help="目标 Python 版本，逗号分隔（默认 3.10,3.11,3.12,3.13）")
    s.add_argument(
        "--python-installer", metavar="FILE", help="放进安装包的 Python 官方安装程序（python-3.x.y-amd64.exe）"
    )
    s.add_argument("--wheel", metavar="FILE", help="xxgk 自身的 wheel（默认由源代码生成）")
    s.add_argument("--overwrite", action="store_true", help="输出已存在时覆盖（只覆盖 xxgk 安装包）")

    sub.add_parser(
        "rules", help="列出全部校验规则", description="列出全部校验规则：编号、级别、适用格式、范围、在哪里检查、内容。"
    )

    s = sub.add_parser("workbook", help="生成随软件发布的空白工作簿")
    wsub = s.add_subparsers(dest="action", metavar="操作", parser_class=_Parser)
    b = wsub.add_parser("build", help="由 workbook/forms 生成两种格式的空白工作簿")
    b.add_argument("--out-dir", help="输出目录（默认：软件自带的 workbook/ 目录）")
    b.add_argument("--check", action="store_true", help="只检查已提交的工作簿是否最新，不写文件")
    return p


# -- commands ----------------------------------------------------------------------------------------


def cmd_new(args) -> int:
    from .build import write_workbook
    from .data import ReportData
    from .form import format_for_year, load_form

    fmt = format_for_year(args.year)
    if args.format and args.format != fmt:
        raise XxgkError(
            f"{args.year} 年度的报告应使用 {fmt} 格式，不能用 {args.format} 格式（见国办公开办函〔2021〕30号）",
            kind="wrong_format",
        )
    org = (args.org or "").strip()
    if not org and not args.previous:
        raise XxgkError("请用 --org 给出机关名称（全称），或用 --previous 给出上一年度的报告", kind="usage")
    out = _xlsx_output(args.output, args.overwrite)
    notes = []
    if args.previous:
        from .prefill import prefill
        from .read import load

        last = load(args.previous)
        org = org or (last.org or "").strip()
        if not org:
            raise XxgkError("上一年度的报告中没有机关名称，请用 --org 给出", file=args.previous, kind="usage")
        data, notes = prefill(last, args.year, org, fmt, out)
    else:
        data = ReportData(format=fmt, year=args.year, org=org)
    write_workbook(load_form(fmt), out, data, overwrite=args.overwrite)
    print(f"已新建 {fmt} 格式工作簿：{out}（{org}，{args.year} 年度）")
    for note in notes:
        print(note, file=sys.stderr)
    if args.previous:
        print(
            f"已从上一年度报告预填：表三“上年结转”各列、机关信息{'、表二“上一年项目数量”' if fmt == '2019' else ''}；文字部分请重新撰写。"
        )
    return EXIT_OK


def cmd_fill(args) -> int:
    from .build import write_workbook
    from .fill import merge_into
    from .pipeline import require_usable
    from .read import load, read_workbook

    out = _xlsx_output(args.output, args.overwrite)
    _refuse_same_file(out, args.workbook, args.data)
    if Path(args.data).suffix.lower() != ".json":
        raise XxgkError("第二个参数应为 JSON 数据文件（.json）", file=args.data, kind="usage")
    base = read_workbook(args.workbook)
    require_usable(base, "作为填写的底稿")
    incoming = load(args.data)
    merged, form = merge_into(base, incoming)
    write_workbook(form, out, merged, overwrite=args.overwrite)
    print(
        f"已写入 {sum(1 for k in incoming.cells)} 个单元格和 {sum(1 for v in incoming.text.values() if v)} 个文字部分：{out}"
    )
    return EXIT_OK


def cmd_export(args) -> int:
    from .data import save_json
    from .fsutil import check_output
    from .pipeline import require_usable
    from .read import read_workbook

    if args.output:
        check_output(Path(args.output), args.overwrite)
        _refuse_same_file(Path(args.output), args.workbook)
    data = read_workbook(args.workbook)
    require_usable(data, "导出")
    if args.output:
        out = Path(args.output)
        save_json(data, out, overwrite=args.overwrite)
        print(f"已导出：{out}")
    else:
        sys.stdout.write(data.dump())
    return EXIT_OK


def cmd_import(args) -> int:
    from .data import save_json
    from .fsutil import check_output
    from .published import import_file

    out = Path(args.output) if args.output else None
    if out:
        _refuse_same_file(out, args.file)
        check_output(out, args.overwrite)
    result = import_file(args.file, year=args.year, org=args.org)
    data = result.data
    if out:
        save_json(data, out, overwrite=args.overwrite)
    else:
        sys.stdout.write(data.dump())
    print(render_import(result, args.output), file=sys.stderr)
    return EXIT_FINDINGS if result.missing else EXIT_OK


def cmd_compare(args) -> int:
    from .compare import compare, pair_folders, render
    from .fsutil import check_output, write_atomic
    from .pipeline import load

    published, submitted = Path(args.published), Path(args.submitted)
    out = Path(args.output) if args.output else None
    if out:
        _refuse_same_file(out, args.published, args.submitted)
        check_output(out, args.overwrite)
    if published.is_dir() != submitted.is_dir():
        raise XxgkError("两个参数应同为文件（一份已发布的报告和一份报送的工作簿），或同为文件夹", kind="usage")
    if published.is_dir():
        pairs, notes = pair_folders(published, submitted, load)
        if not pairs and not notes:
            raise XxgkError("两个文件夹中没有可以比较的文件", file=str(published), kind="no_input")
    else:
        pairs, notes = [(load(published), load(submitted))], []
    results = [compare(a, b) for a, b in pairs]
    if args.json or (out and out.suffix.lower() == ".json"):
        text = json.dumps({"comparisons": [c.to_json() for c in results], "notes": notes}, ensure_ascii=False, indent=2)
    else:
        text = "\n".join(render(c) for c in results) + "".join(f"注意：{n}\n" for n in notes)
    if out:
        write_atomic(out, text.encode("utf-8"), overwrite=args.overwrite)
        print(f"已写入 {out}：比较 {len(results)} 份，{sum(not c.same for c in results)} 份有不同", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_FINDINGS if notes or any(not c.same for c in results) else EXIT_OK


def render_import(result, output: str | None) -> str:
    from .form import load_form
    from .published import KIND_NAMES

    data = result.data
    form = load_form(data.format)
    table_cells = [c for c in form.cells.values() if c.table != "extra"]
    read = len(table_cells) - len(result.missing)
    texts = [k for k in ("preamble", "part1", "part2", "part3", "part4", "part5", "part6") if data.text.get(k)]
    lines = [
        f"已读取{KIND_NAMES[result.kind]}：{data.org or '（未找到机关名称）'}，{data.year or '?'} 年度，{data.format} 格式"
        + (f" → {output}" if output else ""),
        f"  表格单元格：读到 {read}/{len(table_cells)} 个"
        + (
            f"，其中 {len(data.bad_values)} 个不是数字（{'、'.join(sorted({v for v, _ in data.bad_values.values()}))}）"
            if data.bad_values
            else ""
        )
        + (
            f"，{sum(1 for c in table_cells if c.id not in result.missing and data.cells.get(c.id) is None and c.id not in data.bad_values)} 个空白"
        ),
        f"  文字：{'、'.join({'preamble': '引言'}.get(k, f'第{k[-1]}部分') for k in texts) or '无'}",
    ]
    if result.missing:
        lines.append(
            f"  缺少 {len(result.missing)} 个表格单元格：{'、'.join(result.missing[:10])}{' 等' if len(result.missing) > 10 else ''}"
        )
    lines += [f"  未能放置：{u}" for u in result.unplaced]
    lines += [f"  说明：{n}" for n in result.notes]
    return "\n".join(lines)


def cmd_check(args) -> int:
    from .pipeline import check_file, load

    given = load(args.previous) if args.previous else None
    results, code = [], EXIT_OK
    for file in args.files:
        try:
            _, report = check_file(file, given)
        except XxgkError as exc:
            code = EXIT_USAGE
            results.append({"file": file, "valid": False, "error": exc.message, "code": exc.kind, "findings": []})
            if not args.json:
                print(f"✗ {file}\n  无法校验：{exc.message}\n", file=sys.stderr)
            continue
        if not report.valid and code == EXIT_OK:
            code = EXIT_FINDINGS
        results.append(report.to_json())
        if not args.json:
            print(render_report(report))
    if args.json:
        out = results[0] if len(args.files) == 1 else results
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return code


def cmd_report(args) -> int:
    from .pipeline import check_file, load, require_usable
    from .report.generate import generate, plan

    data, report = check_file(args.file, load(args.previous) if args.previous else None)
    require_usable(data, "生成报告")
    outputs = plan(data, args.output, args.pdf, args.html, args.overwrite)
    if not report.valid:
        print(render_report(report), file=sys.stderr)
    outputs = generate(data, report, outputs, draft=args.draft)
    mark = "草稿（校验未通过）" if outputs.draft else "报告"
    for path in outputs.written:
        print(f"已生成{mark}：{path}")
    for note in outputs.notes:
        print(f"注意：{note}")
    if report.warnings:
        print(f"注意：校验有 {report.warnings} 个警告，请核实（xxgk check {shell_arg(args.file)}）。")
    return EXIT_FINDINGS if outputs.draft else EXIT_OK


def cmd_merge(args) -> int:
    from .fsutil import check_output, write_atomic
    from .merge import merge, read_roster, render_html, render_text, to_json_text

    out = _xlsx_output(args.output, args.overwrite)
    outputs = [out] + ([Path(args.html)] if args.html else [])
    for path in outputs:
        check_output(path, args.overwrite)
        _refuse_same_file(path, *args.inputs)
    if args.html and out.resolve() == Path(args.html).resolve():
        raise XxgkError("--html 与 -o 不能是同一个文件", kind="usage")
    if args.jobs is not None and args.jobs < 1:
        raise XxgkError("--jobs 应为不小于 1 的整数", kind="usage")
    if args.org is None:
        args.org = DEFAULT_SUMMARY_ORG
        print(
            f"未指定 --org：汇总表的机关名称写为“{DEFAULT_SUMMARY_ORG}”，请在汇总表“基本信息”中改为本机关名称。",
            file=sys.stderr,
        )
    if not args.org.strip():
        raise XxgkError("--org 汇总单位名称不能为空", kind="usage")
    roster = read_roster(args.roster) if args.roster else None
    with _progress_bar("读取并校验") as progress:
        result = merge(
            args.inputs, args.org, year=args.year, roster=roster, jobs=args.jobs, progress=progress, exclude=outputs
        )
    written = None
    if result.summary is not None:
        written = str(result.write(out, overwrite=args.overwrite))
    if args.html:
        write_atomic(Path(args.html), render_html(result, written).encode("utf-8"), overwrite=args.overwrite)
    if args.json:
        sys.stdout.write(to_json_text(result, written))
    else:
        sys.stdout.write(render_text(result))
        print(
            f"已生成汇总表：{written}（计入 {len(result.included)} 个单位）"
            if written
            else "没有可计入的报表，未生成汇总表。"
        )
        if args.html:
            print(f"已生成汇总情况页面：{args.html}")
    return EXIT_OK if result.ok else EXIT_FINDINGS


@contextmanager
def _progress_bar(what: str):
    """A rich progress bar on a terminal, yielding the callback (done, total, name); None when not a TTY."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)
        yield lambda done, total, name: bar.update(task, completed=done, total=total, description=name[-40:])


def cmd_addin(args) -> int:
    from . import addin

    if args.action == "install":
        done = addin.install(args.startup_dir)
        print("已安装“信息公开年报”加载项：\n  " + "\n  ".join(done))
        print("请重新启动 Excel：功能区出现“信息公开年报”选项卡。")
        return EXIT_OK
    if args.action == "uninstall":
        removed = addin.uninstall(args.startup_dir)
        print("已删除：\n  " + "\n  ".join(removed) if removed else "没有找到已安装的加载项。")
        return EXIT_OK
    if args.action == "build":
        from .fsutil import write_atomic
        from .xlam import build_xlam, committed_xlam_path

        target = Path(args.output) if args.output else committed_xlam_path()
        if target.suffix.lower() != ".xlam":
            raise XxgkError("输出文件应以 .xlam 结尾", file=str(target), kind="output")
        blob = build_xlam()
        if args.check:
            if not target.is_file() or target.read_bytes() != blob:
                print(f"{target} 不是最新的，请运行 xxgk addin build", file=sys.stderr)
                return EXIT_FINDINGS
            print("加载项为最新。")
            return EXIT_OK
        write_atomic(target, blob)
        print(f"已生成：{target}（{len(blob)} 字节）")
        return EXIT_OK
    raise XxgkError("用法：xxgk addin install | uninstall | build", kind="usage")


def cmd_bundle(args) -> int:
    from .bundle import build

    out = build(
        args.output,
        platform=args.platform,
        pythons=args.python,
        python_installer=args.python_installer,
        wheel=args.wheel,
        overwrite=args.overwrite,
    )
    print(f"已生成安装包：{out}（{_size(out) / 2**20:.1f} MB）")
    return EXIT_OK


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def cmd_rules(args) -> int:
    from .rules.__main__ import listing

    sys.stdout.write(listing())
    return EXIT_OK


def cmd_workbook(args) -> int:
    from .build import blank_workbook_path, build_bytes
    from .form import FORMATS, load_form
    from .fsutil import write_atomic

    if args.action != "build":
        raise XxgkError("用法：xxgk workbook build [--out-dir DIR] [--check]", kind="usage")
    stale = []
    for fmt in FORMATS:
        target = blank_workbook_path(fmt)
        if args.out_dir:
            target = Path(args.out_dir) / target.name
        blob = build_bytes(load_form(fmt))
        if args.check:
            if not target.exists() or target.read_bytes() != blob:
                stale.append(str(target))
            continue
        write_atomic(target, blob)
        print(f"已生成：{target}")
    if stale:
        print("以下空白工作簿不是最新的，请运行 xxgk workbook build：\n  " + "\n  ".join(stale), file=sys.stderr)
        return EXIT_FINDINGS
    if args.check:
        print("空白工作簿均为最新。")
    return EXIT_OK


# -- output --------------------------------------------------------------------------------------------


def render_report(report: Report) -> str:
    head = f"{report.org or '（未填机关名称）'}，{report.year or '?'} 年度，{report.format} 格式"
    verdict = report.verdict()
    lines = [f"{report.file}（{head}）", f"  {verdict}"]
    from .form import load_form

    order = ["整体", *load_form(report.format).sheets]
    groups: dict[str, list] = {}
    for f in report.findings:
        groups.setdefault(f.sheet or "整体", []).append(f)
    for sheet, findings in sorted(groups.items(), key=lambda g: order.index(g[0]) if g[0] in order else len(order)):
        lines.append(f"  【{sheet}】")
        for f in findings:
            said = "（已说明）" if f.explained else ""
            lines.append(f"    {SEVERITY_NAMES[f.severity]}{said} {f.rule}：{f.message}")
            if f.explained:
                lines.append(f"      已说明：{f.explained}")
    return "\n".join(lines) + "\n"


def _xlsx_output(path: str, overwrite: bool) -> Path:
    """An output workbook's path, refused before any work when it cannot or must not be written."""
    from .fsutil import check_output

    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise XxgkError("输出文件应以 .xlsx 结尾（不要保存为含宏的 .xlsm）", file=path, kind="output")
    check_output(out, overwrite)
    return out


def shell_arg(text: str) -> str:
    """A path as it can be pasted into a command line (Windows cmd and POSIX shells): quoted when needed."""
    text = str(text)
    if text and not any(ch.isspace() or ch in "\"'&|<>()^;$`!*?[]{}#~" for ch in text):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def _refuse_same_file(out: Path, *inputs: str) -> None:
    for src in inputs:
        if Path(src).exists() and out.exists() and out.resolve() == Path(src).resolve():
            raise XxgkError("输出文件不能与输入文件相同（xxgk 从不修改输入文件）", file=str(out), kind="output")


COMMANDS = {
    "import": cmd_import,
    "compare": cmd_compare,
    "new": cmd_new,
    "fill": cmd_fill,
    "export": cmd_export,
    "check": cmd_check,
    "report": cmd_report,
    "merge": cmd_merge,
    "addin": cmd_addin,
    "bundle": cmd_bundle,
    "rules": cmd_rules,
    "workbook": cmd_workbook,
}


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):  # pragma: no cover - a replaced stream
            pass
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return EXIT_USAGE
        return COMMANDS[args.command](args)
    except XxgkError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `xxgk check … | head`: the reader has all it wanted; nothing more to print
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except MemoryError:
        print("错误：内存不足，文件可能过大或已损坏", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # the last net: never a traceback for the user
        if os.environ.get("XXGK_DEBUG"):
            raise
        print(
            f"内部错误：{exc.__class__.__name__}: {exc}\n请把命令和文件反馈给维护者（设置 XXGK_DEBUG=1 可显示详细信息）。",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
