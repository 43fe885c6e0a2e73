"""The one Jinja environment of the report: sandboxed, strict, autoescaping; its filters; template lint.

Staff text is data, never a template: it only ever reaches a template as a context value, so
"{{ 7*7 }}" typed into the workbook is printed as typed. Templates (the Word template, the HTML
template, the narrative snippets) are ours or a template editor's; the sandbox keeps even those
from reaching into Python objects (`''.__class__` → SecurityError), and StrictUndefined turns a
misspelt variable into an error instead of a silent blank.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from ..resources import data_dir

NARRATIVE_DIR = "narrative"
BLANK = ""  # how a blank cell is displayed in the tables


# -- filters -------------------------------------------------------------------------------------------

_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def cn_date(value) -> str:
    """'2021-01-08' (or a date) → '2021年1月8日', month and day without zero padding (GB/T 9704 7.3.5).

    Blank → ''. Text that is not a date is returned unchanged (the checker reports it, rule I-01).
    """
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year}年{value.month}月{value.day}日"
    text = str(value)
    m = _DATE.match(text)
    if not m:
        return text
    y, mo, d = (int(g) for g in m.groups())
    try:
        dt.date(y, mo, d)
    except ValueError:
        return text
    return f"{y}年{mo}月{d}日"


def to_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def num(value, blank: str = BLANK) -> str:
    """A number as printed in the report: exactly as entered, no float noise, no exponent, no separators.

    3 → '3'; Decimal('12.50') → '12.50'; 0.1 (float) → '0.1'; None → `blank`; text is returned as is.
    """
    if value is None:
        return blank
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    d = to_decimal(value)
    if d is None:
        return str(value)
    if d == d.to_integral_value() and d.as_tuple().exponent > 0:  # 1E+3 → 1000
        d = d.quantize(Decimal(1))
    return format(d, "f")


def pct(value, total, digits: int = 1) -> str:
    """value / total as a percentage with `digits` decimals, rounded half up: pct(1, 3) → '33.3%'.

    Blank value or a zero/blank total → ''.
    """
    v, t = to_decimal(value), to_decimal(total)
    if v is None or t is None or t == 0:
        return ""
    q = Decimal(1).scaleb(-digits) if digits > 0 else Decimal(1)
    return f"{(v * 100 / t).quantize(q, rounding=ROUND_HALF_UP)}%"


FILTERS = {"cn_date": cn_date, "num": num, "pct": pct}


def make_env(loader=None, **options) -> SandboxedEnvironment:
    """SandboxedEnvironment(undefined=StrictUndefined, autoescape=True) with the report's filters.

    Pass it to docxtpl as `tpl.render(context, jinja_env=make_env(), autoescape=True)`.
    """
    settings = {"undefined": StrictUndefined, "autoescape": True, "keep_trailing_newline": False}
    settings.update(options)
    env = SandboxedEnvironment(loader=loader, **settings)
    env.filters.update(FILTERS)
    return env


# -- narrative snippets --------------------------------------------------------------------------------


def snippet_env(folder: str | Path | None = None) -> SandboxedEnvironment:
    """The environment of templates/narrative/*.j2.

    Autoescape is off here, on purpose: a snippet's output is plain text (a context value), which the
    Word or HTML template escapes when it prints it; escaping here too would print '&amp;'.
    The snippet context holds numbers only, never staff text.
    """
    folder = Path(folder) if folder else data_dir("templates") / NARRATIVE_DIR
    env = make_env(FileSystemLoader(str(folder)), autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v, blank="（空白）": num(v, blank)  # a blank shows, never a silent 0
    return env


def render_snippet(name: str, context: Mapping, folder: str | Path | None = None) -> list[str]:
    """Render templates/narrative/<name> (e.g. 'part3.j2') → its paragraphs.

    Paragraphs are separated by a blank line; the lines inside one paragraph are joined without a
    separator (Chinese needs none), so an editor may break a long sentence over several lines.
    """
    env = snippet_env(folder)
    text = env.get_template(name).render(context)
    paragraphs, current = [], []
    for line in text.splitlines():
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            paragraphs.append("".join(current))
            current = []
    if current:
        paragraphs.append("".join(current))
    return paragraphs


# -- lint ------------------------------------------------------------------------------------------------

_OPEN_LOOKALIKE = re.compile(r"[{｛][ \u3000]*[{｛%％]")
_CLOSE_LOOKALIKE = re.compile(r"[}｝%％][ \u3000]*[}｝]")
_FULLWIDTH = set("｛｝％")
_TAG = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_PAIRS = {"{{": "}}", "{%": "%}", "{#": "#}"}


def _excerpt(text: str, start: int, end: int) -> str:
    a, b = max(0, start - 10), min(len(text), end + 10)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


def _delimiter_problems(text: str, where: str) -> list[str]:
    """Unbalanced {{ }}, {% %}, {# #} in one piece of text (a paragraph of a Word template)."""
    problems, stack = [], []
    for m in _TAG.finditer(text):
        tok = m.group()
        if tok in _PAIRS:
            if stack:
                problems.append(
                    f"{where}标签没有闭合就开始了新标签：“{_excerpt(text, stack[-1][1], m.end())}”"
                    f"（“{stack[-1][0]}”缺少“{_PAIRS[stack[-1][0]]}”）"
                )
                stack.pop()
            stack.append((tok, m.start()))
        else:
            if stack and _PAIRS[stack[-1][0]] == tok:
                stack.pop()
            else:
                opener = next(k for k, v in _PAIRS.items() if v == tok)
                problems.append(
                    f"{where}多出的“{tok}”（缺少与之配对的“{opener}”）：“{_excerpt(text, m.start(), m.end())}”"
                )
                if stack:
                    stack.pop()
    for tok, pos in stack:
        problems.append(f"{where}“{tok}”没有闭合（缺少“{_PAIRS[tok]}”）：“{_excerpt(text, pos, pos + 2)}”")
    return problems


def _lookalike_problems(text: str, where: str) -> list[str]:
    """Full-width look-alikes of the tag delimiters (｛｛ ｝｝ ｛％ ％｝, also mixed as {％ or ｛{), and "{ {"."""
    problems = []
    for pattern in (_OPEN_LOOKALIKE, _CLOSE_LOOKALIKE):
        for m in pattern.finditer(text):
            tag = m.group()
            if _FULLWIDTH & set(tag):
                problems.append(
                    f"{where}发现全角字符组成的标签“{tag}”：“{_excerpt(text, m.start(), m.end())}”。"
                    f"标签必须在英文（半角）输入状态下输入，如 {{{{ org }}}}，否则会原样印出"
                )
            elif " " in tag or "\u3000" in tag:
                problems.append(
                    f"{where}标签的两个括号之间有空格“{tag}”：“{_excerpt(text, m.start(), m.end())}”，"
                    f"应连写为“{tag.replace(' ', '').replace(chr(0x3000), '')}”"
                )
    return problems


def _syntax_problem(exc: TemplateSyntaxError, where: str) -> str:
    return f"{where}模板语法错误（第 {exc.lineno} 行）：{exc.message}"


def _names_problems(
    ast, context: Mapping | Iterable[str] | None, where: str, bound: frozenset[str] = frozenset()
) -> list[str]:
    """Undeclared top-level names; with a full context dict also misspelt keys below them (t3.x.y).

    `bound`: names the template binds elsewhere (loop variables), when `ast` is only a fragment.
    """
    if context is None:
        return []
    keys = set(context.keys()) if isinstance(context, Mapping) else set(context)
    problems = [
        f"{where}使用了不存在的变量“{name}”（可用的变量见 templates/变量清单.md）"
        for name in sorted(meta.find_undeclared_variables(ast) - keys - bound)
    ]
    if isinstance(context, Mapping):
        problems += _path_problems(ast, context, where)
    return problems


def _path_of(node) -> list[str] | None:
    """t3.denied.state_secret.total → ['t3', 'denied', 'state_secret', 'total'] (Getattr / Getitem with a constant)."""
    path = []
    while True:
        if isinstance(node, nodes.Getattr):
            path.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            path.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name):
            path.append(node.name)
            return path[::-1]
        else:
            return None


def _path_problems(ast, context: Mapping, where: str) -> list[str]:
    # names bound inside the template (loop variables, set) are not context paths
    bound = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    seen, problems = set(), []
    inner = set()
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node.node, (nodes.Getattr, nodes.Getitem)):
            inner.add(id(node.node))
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        if id(node) in inner:
            continue  # only the longest chain: t3.a.b, not also t3.a
        path = _path_of(node)
        if not path or path[0] in bound or path[0] not in context:
            continue
        value = context[path[0]]
        for i, key in enumerate(path[1:], 1):
            if isinstance(value, Mapping) and key in value:
                value = value[key]
                continue
            if isinstance(value, Mapping):
                dotted = ".".join(path[: i + 1])
                if dotted not in seen:
                    seen.add(dotted)
                    problems.append(
                        f"{where}变量“{'.'.join(path)}”不存在：“{'.'.join(path[:i])}”下没有“{key}”"
                        f"（编号见 templates/变量清单.md）"
                    )
            break
    return problems


def lint_text(
    source: str,
    context: Mapping | Iterable[str] | None = None,
    *,
    rendered: bool = False,
    allowed: Iterable[str] = (),
    where: str = "",
) -> list[str]:
    """Problems of one piece of template text, as Chinese sentences (empty list = fine).

    - template source (`rendered=False`): full-width look-alike tags (｛｛ ｝｝ ｛％ ％｝), unbalanced
      {{ }} / {% %}, syntax errors, and — when `context` (a context dict or its keys) is given — names
      that are not in the context (with a dict, also misspelt keys such as t3.new_recieved.total);
    - rendered output (`rendered=True`): any leftover tag ({{ }} {% %} {# #}) and look-alikes. Text in
      `allowed` (the staff's own text, which may legitimately contain braces) is ignored.
    """
    problems = []
    text = source
    for piece in sorted({a for a in allowed if a}, key=len, reverse=True):
        text = text.replace(piece, " ")
    problems += _lookalike_problems(text, where)
    if rendered:
        for m in _TAG.finditer(text):
            problems.append(f"{where}输出中残留未处理的模板标签“{m.group()}”：“{_excerpt(text, m.start(), m.end())}”")
        return problems
    problems += _delimiter_problems(text, where)
    try:
        ast = make_env().parse(source)
    except TemplateSyntaxError as exc:
        problems.append(_syntax_problem(exc, where))
        return problems
    problems += _names_problems(ast, context, where)
    return problems


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPECIAL_TAG = re.compile(r"\{%\s*(p|tr|tc|r)\s.*?%\}")


def _docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(part name, text) of every paragraph of the body, headers, footers and notes of a docx."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    out = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", name):
                continue
            root = etree.fromstring(zf.read(name), parser)
            for p in root.iter(f"{_W}p"):
                text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
                if text:
                    out.append((name, text))
    return out


_PART_NAMES = {"word/document.xml": "正文"}


def lint_docx(path: str | Path, context: Mapping | Iterable[str] | None = None) -> list[str]:
    """Problems of a docxtpl Word template, as Chinese sentences (empty list = fine).

    Undeclared variables (docxtpl's get_undeclared_template_variables with our environment) not in
    `context` (a context dict or its keys; a dict also catches misspelt keys like t3.new_recieved.total),
    full-width look-alike tags, unbalanced {{ }} / {% %} in a paragraph, two {%p %} tags in one
    paragraph, '%' or '}' inside a {%p %} tag (docxtpl bug #644), and syntax errors.
    """
    from docxtpl import DocxTemplate

    path = Path(path)
    problems: list[str] = []
    for part, text in _docx_paragraphs(path):
        where = f"{_PART_NAMES.get(part, '页眉页脚' if 'header' in part or 'footer' in part else '注释')}段落“{text[:20]}{'…' if len(text) > 20 else ''}”："
        problems += _lookalike_problems(text, where)
        problems += _delimiter_problems(text, where)
        special = list(_SPECIAL_TAG.finditer(text))
        if sum(1 for m in special if m.group(1) == "p") > 1:
            problems.append(f"{where}一个段落里有两个“{{%p … %}}”标签；每个“{{%p … %}}”必须单独占一段")
        for m in special:
            inner = m.group()[2:-2]
            if "%" in inner or "}" in inner:
                problems.append(f"{where}“{m.group()}”中含有“%”或“}}”，docxtpl 无法处理，请改写条件")
    env = make_env()
    tpl = DocxTemplate(str(path))
    try:
        names = tpl.get_undeclared_template_variables(jinja_env=env)
    except TemplateSyntaxError as exc:
        problems.append(
            _syntax_problem(exc, "Word 模板：") + "。常见原因：某个标签没有写完整，"
            "或 {%p if %}/{%p for %} 与 {%p endif %}/{%p endfor %} 不配对"
        )
        problems += _expression_problems(_docx_paragraphs(path), context)
        return problems
    if context is not None:
        keys = set(context.keys()) if isinstance(context, Mapping) else set(context)
        problems += [
            f"Word 模板使用了不存在的变量“{name}”（可用的变量见 templates/变量清单.md）"
            for name in sorted(set(names) - keys)
        ]
        if isinstance(context, Mapping):
            problems += _path_problems(env.parse(_docx_source(tpl)), context, "Word 模板：")
    return problems


_EXPRESSION = re.compile(r"\{\{[rp]?\s(.*?)\}\}")
_BINDING = re.compile(r"\{%[ptrc]{0,2}\s*(?:for\s+([\w\s,]+?)\s+in|set\s+(\w+))\s")


def _expression_problems(paragraphs: list[tuple[str, str]], context) -> list[str]:
    """When the whole template does not parse: check the names of each {{ … }} on its own."""
    if context is None:
        return []
    bound = set()
    for _, text in paragraphs:
        for m in _BINDING.finditer(text):
            bound.update(n.strip() for n in (m.group(1) or m.group(2)).split(","))
    env, problems = make_env(), []
    for _, text in paragraphs:
        for m in _EXPRESSION.finditer(text):
            try:
                ast = env.parse("{{ " + m.group(1) + " }}")
            except TemplateSyntaxError:
                continue
            problems += _names_problems(ast, context, "Word 模板：", frozenset(bound))
    return list(dict.fromkeys(problems))


def _docx_source(tpl) -> str:
    """The Jinja source docxtpl renders (body, headers, footers), as in get_undeclared_template_variables."""
    from docx import Document
    from docx.oxml import parse_xml

    doc = Document(tpl.template_file)
    xml = tpl.patch_xml(tpl.xml_to_string(doc._element.body))
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for rel in doc._part.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    return xml
