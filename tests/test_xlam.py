"""The add-in build (xxgk/xlam.py, cfb.py): reproducible, current, and read back by independent readers.

olefile reads the compound file, oletools (olevba, mraptor) the VBA project, lxml the package parts and
LibreOffice (through python3-uno, with macros never executed) the whole add-in. None of these is skipped:
LibreOffice and the system python3-uno are required, like the other LibreOffice tests (tests/lo.py).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import signal
import subprocess
import uuid
import zipfile
from pathlib import Path

import olefile
import pytest
import vba_dir
from lo import soffice_path
from lxml import etree
from oletools.mraptor import MacroRaptor
from oletools.olevba import VBA_Parser, decompress_stream

from xxgk import xlam
from xxgk.cfb import write_compound
from xxgk.errors import XxgkError
from xxgk.xlam import Module, build_xlam, committed_xlam_path, vba_project_bin

ROOT = Path(__file__).resolve().parent.parent
BAS = ROOT / "addin" / "XxgkRibbon.bas"
CUSTOMUI = ROOT / "addin" / "customUI.xml"
MODULES = {"ThisWorkbook", "Sheet1", "XxgkRibbon"}
CUSTOMUI_NS = "{http://schemas.microsoft.com/office/2006/01/customui}"
RED, BLACK = 0, 1  # directory entry colours (MS-CFB 2.6.1)
_SAFE = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


@pytest.fixture(scope="module")
def xlam_bytes() -> bytes:
    return build_xlam()


@pytest.fixture(scope="module")
def xlam_file(xlam_bytes, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlam") / "xxgk.xlam"
    path.write_bytes(xlam_bytes)
    return path


@pytest.fixture(scope="module")
def ole(xlam_bytes):
    with zipfile.ZipFile(io.BytesIO(xlam_bytes)) as zf:
        vba_bin = zf.read("xl/vbaProject.bin")
    with olefile.OleFileIO(io.BytesIO(vba_bin), raise_defects=olefile.DEFECT_INCORRECT) as f:
        yield f


def _code_lines(text: str) -> list[str]:
    """Source lines without line-ending differences, attribute lines and LibreOffice's additions."""
    lines = text.replace("\r\n", "\n").split("\n")
    drop = re.compile(r"Attribute VB_|Rem Attribute VBA_ModuleType=|Option VBASupport 1$")
    lines = [line for line in lines if not drop.match(line)]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def test_build_is_reproducible(xlam_bytes):
    assert build_xlam() == xlam_bytes


def test_committed_addin_is_current(xlam_bytes):
    path = committed_xlam_path()
    stale = not path.is_file() or path.read_bytes() != xlam_bytes
    assert not stale, (
        f"{path} is stale or missing (addin/XxgkRibbon.bas, addin/customUI.xml or the builder changed): "
        "run `xxgk addin build`"
    )


def test_package_parts(xlam_bytes):
    with zipfile.ZipFile(io.BytesIO(xlam_bytes)) as zf:
        assert zf.testzip() is None
        assert all(i.date_time == (2021, 1, 1, 0, 0, 0) for i in zf.infolist())
        parts = {n: zf.read(n) for n in zf.namelist()}
    types = etree.fromstring(parts["[Content_Types].xml"], _SAFE)
    ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    overrides = {e.get("PartName"): e.get("ContentType") for e in types.iter(f"{ns}Override")}
    defaults = {e.get("Extension"): e.get("ContentType") for e in types.iter(f"{ns}Default")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
    for name in overrides:
        assert name.lstrip("/") in parts
    rel = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

    def targets(rels_part):
        return {
            e.get("Type").rsplit("/", 1)[1]: (e.get("Type"), e.get("Target"))
            for e in etree.fromstring(parts[rels_part], _SAFE).iter(rel)
        }

    root_rels = targets("_rels/.rels")
    assert root_rels["extensibility"] == (
        "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
        "customUI/customUI.xml",
    )
    assert root_rels["officeDocument"][1] == "xl/workbook.xml"
    assert targets("xl/_rels/workbook.xml.rels")["vbaProject"] == (
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
        "vbaProject.bin",
    )
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    workbook = etree.fromstring(parts["xl/workbook.xml"], _SAFE)
    assert workbook.find(f"{main}workbookPr").get("codeName") == "ThisWorkbook"
    sheet = etree.fromstring(parts["xl/worksheets/sheet1.xml"], _SAFE)
    assert sheet.find(f"{main}sheetPr").get("codeName") == "Sheet1"
    assert parts["customUI/customUI.xml"] == CUSTOMUI.read_bytes()
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data, _SAFE)  # well-formed


def test_compound_file_streams(ole):
    streams = {"/".join(p) for p in ole.listdir(streams=True, storages=False)}
    assert streams == {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"} | {f"VBA/{m}" for m in MODULES}
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000100")
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert project.endswith("\r\n") and "\n" not in project.replace("\r\n", "")
    declared = re.findall(r"^(?:Document|Module)=(\w+)", project, re.M)
    assert declared == ["ThisWorkbook", "Sheet1", "XxgkRibbon"]
    assert re.search(r'^ID="\{[0-9A-F-]{36}\}"\r$', project, re.M)
    dir_stream = decompress_stream(bytearray(ole.openstream("VBA/dir").read()))
    count = dir_stream.index(b"\x0f\x00\x02\x00\x00\x00")  # PROJECTMODULES
    assert int.from_bytes(dir_stream[count + 6 : count + 8], "little") == len(declared)
    wm = ole.openstream("PROJECTwm").read()
    assert wm == b"".join(m.encode() + b"\0" + m.encode("utf-16-le") + b"\0\0" for m in declared) + b"\0\0"
    for m in MODULES:
        decompress_stream(bytearray(ole.openstream(f"VBA/{m}").read()))


def _check_siblings(ole, sid: int) -> tuple[int, list[str]]:
    """Black height and in-order names of the red-black tree under `sid`; asserts the red-black rules."""
    if sid == olefile.NOSTREAM:
        return 1, []
    entry = ole.direntries[sid]
    left_height, left = _check_siblings(ole, entry.sid_left)
    right_height, right = _check_siblings(ole, entry.sid_right)
    assert left_height == right_height, f"unequal black heights under {entry.name}"
    if entry.color == RED:
        for child in (entry.sid_left, entry.sid_right):
            assert child == olefile.NOSTREAM or ole.direntries[child].color == BLACK
    return left_height + (entry.color == BLACK), left + [entry.name] + right


def _check_storages(ole, sid: int = 0) -> int:
    """Check every storage's sibling tree (black root, red-black rules, MS-CFB 2.6.4 order); count entries."""
    entry = ole.direntries[sid]
    if entry.sid_child == olefile.NOSTREAM:
        return 0
    assert ole.direntries[entry.sid_child].color == BLACK
    _, names = _check_siblings(ole, entry.sid_child)
    assert names == sorted(names, key=lambda n: (len(n), n.upper()))
    count = len(names)
    for kid in entry.kids:
        if kid.entry_type == olefile.STGTY_STORAGE:
            count += _check_storages(ole, kid.sid)
    return count


def test_directory_trees_are_red_black(ole):
    assert _check_storages(ole) == 3 + 2 + len(MODULES)  # PROJECT, PROJECTwm, VBA; _VBA_PROJECT, dir, modules


@pytest.mark.parametrize("n", range(1, 18))
def test_compound_writer_any_size(n):
    streams = {f"S/{'x' * (i % 4)}{i}": bytes([i]) * (i * 700) for i in range(n)}  # mini and regular streams
    streams["Big"] = random.Random(n).randbytes(70_000)  # more than one FAT sector
    with olefile.OleFileIO(io.BytesIO(write_compound(streams)), raise_defects=olefile.DEFECT_INCORRECT) as f:
        assert _check_storages(f) == n + 2
        for path, data in streams.items():
            assert f.openstream(path).read() == data


def test_olevba_extracts_the_modules(xlam_file):
    parser = VBA_Parser(str(xlam_file))
    try:
        assert parser.detect_vba_macros()
        codes = {vba_filename.rsplit(".", 1)[0]: code for _, _, vba_filename, code in parser.extract_macros()}
    finally:
        parser.close()
    assert set(codes) == MODULES
    assert _code_lines(codes["XxgkRibbon"]) == _code_lines(BAS.read_text(encoding="ascii"))
    assert _code_lines(codes["ThisWorkbook"]) == _code_lines(codes["Sheet1"]) == []
    raptor = MacroRaptor("\n".join(codes.values()))
    raptor.scan()
    print("mraptor flags:", raptor.get_flags())
    assert not raptor.autoexec, f"the add-in must not run code by itself (mraptor flags {raptor.get_flags()})"


def test_ribbon_callbacks_exist():
    root = etree.fromstring(CUSTOMUI.read_bytes(), _SAFE)
    assert root.tag == f"{CUSTOMUI_NS}customUI"
    buttons = list(root.iter(f"{CUSTOMUI_NS}button"))
    assert buttons
    tags = [b.get("tag") for b in buttons]
    assert len(set(tags)) == len(tags), f"duplicate tags: {tags}"
    for tag in tags:  # what IsActionName in the VBA accepts
        assert re.fullmatch(r"[a-z_]{1,32}", tag), tag
    subs = dict(re.findall(r"^Public Sub (\w+)\(([^)]*)\)", BAS.read_text(encoding="ascii"), re.M))
    for element in root.iter():
        if element.get("onAction"):
            module, _, sub = element.get("onAction").partition(".")
            assert module == "XxgkRibbon" and sub in subs, element.get("onAction")
            assert len(subs[sub].split(",")) == 1 and subs[sub].strip(), f"{sub}({subs[sub]}): one parameter"


@pytest.fixture
def addin_dir(tmp_path, monkeypatch) -> Path:
    """A copy of addin/ that the builder reads instead of the real one."""
    for source in (BAS, CUSTOMUI):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    monkeypatch.setattr(xlam, "data_dir", lambda name: tmp_path)
    return tmp_path


def test_refuses_non_ascii_vba(addin_dir):
    code = 'Attribute VB_Name = "XxgkRibbon"\n\' 校验年报\nOption Explicit\n'
    with pytest.raises(XxgkError, match="XxgkRibbon 第 2 行.*ASCII"):
        vba_project_bin("xxgk", [Module("XxgkRibbon", code)])
    with pytest.raises(XxgkError, match="VB_Name"):
        vba_project_bin("xxgk", [Module("Other", 'Attribute VB_Name = "XxgkRibbon"\n')])
    for encoding in ("utf-8", "gbk", "cp1252"):  # whatever the editor saved, a non-ASCII byte is refused
        (addin_dir / BAS.name).write_bytes(BAS.read_bytes() + "' 校验 é\n".encode(encoding, errors="replace"))
        with pytest.raises(XxgkError, match="非 ASCII"):
            build_xlam()


def test_refuses_customui_with_dtd(addin_dir):
    (addin_dir / CUSTOMUI.name).write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
        b'<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"/>'
    )
    with pytest.raises(XxgkError, match="customUI.xml"):
        build_xlam()


# The start of every client run by the system python3 (python3-uno): connect to the soffice listening on the
# pipe named by the first argument; `desktop` and `prop` for the rest of the script.
_UNO_CONNECT = r"""
import json, sys, time
import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p

local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(600):
    try:
        ctx = resolver.resolve(f"uno:pipe,name={sys.argv[1]};urp;StarOffice.ComponentContext")
        break
    except NoConnectException:
        time.sleep(0.1)
else:
    sys.exit("soffice did not answer on its pipe")
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
"""


def _run_uno(tmp_path: Path, script: str, *args: str) -> dict:
    """Run `script` (after _UNO_CONNECT) against a private headless soffice; the JSON it prints last."""
    pipe = f"xxgk_test_{uuid.uuid4().hex}"
    client = tmp_path / "uno_client.py"
    client.write_text(_UNO_CONNECT + script, encoding="utf-8")
    # stdout to DEVNULL: soffice's children keep inherited pipes open, which would hang a reader
    office = subprocess.Popen(
        [
            soffice_path(),
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        done = subprocess.run(
            ["/usr/bin/python3", str(client), pipe, *args], capture_output=True, text=True, timeout=180
        )
    finally:
        try:
            os.killpg(office.pid, signal.SIGKILL)  # soffice → oosplash → soffice.bin: the whole group
        except ProcessLookupError:
            pass
        office.wait()
    assert done.returncode == 0, f"the python3-uno client failed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


# Load the add-in (the second argument), macros never executed, and print every Basic library's modules and
# source as JSON.
_IMPORT = r"""
doc = desktop.loadComponentFromURL(sys.argv[2], "_blank", 0, (
    prop("FilterName", "Calc MS Excel 2007 VBA XML"), prop("MacroExecutionMode", 0),  # NEVER_EXECUTE
    prop("Hidden", True), prop("ReadOnly", True)))
libraries = {}
if doc is not None:
    libs = doc.BasicLibraries
    for name in libs.getElementNames():
        libs.loadLibrary(name)
        lib = libs.getByName(name)
        libraries[name] = {m: lib.getByName(m) for m in lib.getElementNames()}
    doc.close(True)
print(json.dumps({"loaded": doc is not None, "libraries": libraries}))
desktop.terminate()
"""


def test_libreoffice_imports_the_vba_project(xlam_file, tmp_path):
    result = _run_uno(tmp_path, _IMPORT, xlam_file.as_uri())
    assert result["loaded"], "LibreOffice did not open the add-in"
    modules = result["libraries"].get("xxgk", {})
    assert set(modules) == MODULES, result["libraries"].keys()
    ribbon = modules["XxgkRibbon"]
    assert "Option VBASupport 1" in ribbon and "Public Sub OnAction(control As Object)" in ribbon
    assert _code_lines(ribbon) == _code_lines(BAS.read_text(encoding="ascii"))


# -- The review's checks as tests: dir record order, encrypted PROJECT values, the customUI schema, imageMso
# names, compilation in LibreOffice Basic ------------------------------------------------------------------


def _excel_saved_reference() -> Path:
    """An Excel-saved VBA project from the installed xlwings wheel (test extra): quickstart.xlsm. Its
    _VBA_PROJECT carries Excel's own version and performance cache, unlike the wheel's .xlam files, which are
    source-only (written by a tool, as ours is) and so cannot show what Excel itself writes."""
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart.xlsm"
    with zipfile.ZipFile(path) as zf, olefile.OleFileIO(io.BytesIO(zf.read("xl/vbaProject.bin"))) as f:
        assert f.openstream("VBA/_VBA_PROJECT").read()[2:4] != b"\xff\xff", "not saved by Excel"
    return path


def _dir_records(xlam: Path):
    with zipfile.ZipFile(xlam) as zf, olefile.OleFileIO(io.BytesIO(zf.read("xl/vbaProject.bin"))) as f:
        return vba_dir.records(decompress_stream(bytearray(f.openstream("VBA/dir").read())))


def test_dir_stream_records_in_the_order_of_the_spec_and_of_excel(xlam_file):
    ours, excel = _dir_records(xlam_file), _dir_records(_excel_saved_reference())
    for recs in (ours, excel):  # MS-OVBA §2.3.4.2, record by record
        assert vba_dir.GRAMMAR.fullmatch(vba_dir.shape(recs)), vba_dir.shape(recs)
    # project information: the same records in the same order as Excel, PROJECTCOMPATVERSION included
    info = vba_dir.shape(ours).split(" 16 3E ")[0]
    assert info == vba_dir.shape(excel).split(" 16 3E ")[0] == "01 4A 02 14 03 04 05 40 06 3D 07 08 09 0C 3C"
    assert vba_dir.value(ours, 0x004A) == vba_dir.value(excel, 0x004A)
    # references: stdole as Excel refers to it, a name then a registered reference
    references = vba_dir.GRAMMAR.fullmatch(vba_dir.shape(ours)).group("references")
    assert references == "16 3E 0D " and "16 3E 0D " in vba_dir.GRAMMAR.fullmatch(vba_dir.shape(excel)).group(
        "references"
    )
    # modules: each as Excel writes one, as many as PROJECTMODULES says, named as in the PROJECT stream
    assert set(vba_dir.module_shapes(ours)) <= set(vba_dir.module_shapes(excel))
    assert vba_dir.value(ours, vba_dir.PROJECTMODULES) == len(vba_dir.module_shapes(ours)) == len(MODULES)
    names = [payload.decode("cp1252") for record_id, payload in ours if record_id == vba_dir.MODULENAME]
    assert names == ["ThisWorkbook", "Sheet1", "XxgkRibbon"]


def test_project_stream_values_decrypt_to_what_was_meant(ole):
    """CMG (protection state: none), DPB (password: none, one 0x00 byte), GC (visibility: visible, 0xFF)."""
    from test_ovba import _decrypt

    project = ole.openstream("PROJECT").read().decode("cp1252")
    project_id = re.search(r'^ID="(\{[0-9A-F-]{36}\})"', project, re.M).group(1)
    values = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"', project, re.M))
    assert _decrypt(values["CMG"], project_id)[2] == bytes(4)
    assert _decrypt(values["DPB"], project_id)[2] == b"\x00"
    assert _decrypt(values["GC"], project_id)[2] == b"\xff"


def _sdk_findings(path: Path) -> list:
    """The Open XML SDK's validation (schemas and package rules, as ported by openxml-audit) of a package."""
    from openxml_audit.errors import FileFormat
    from openxml_audit.validator import OpenXmlValidator

    return OpenXmlValidator(file_format=FileFormat.MICROSOFT_365).validate(path).errors


def test_the_addin_passes_the_open_xml_sdk_validation(xlam_file):
    findings = _sdk_findings(xlam_file)
    assert not findings, [(f.part_uri, f.path, f.description) for f in findings]


def test_the_validation_reads_our_customui(xlam_bytes, tmp_path):
    """The same validator rejects a customUI.xml with an element or a value the schema does not allow."""
    bad = CUSTOMUI.read_text(encoding="utf-8").replace(
        'size="large" imageMso="DataValidation"', 'size="huge" imageMso="DataValidation"'
    )
    bad = bad.replace('<group id="xxgkHelp"', '<grop id="x"/><group id="xxgkHelp"')
    with zipfile.ZipFile(io.BytesIO(xlam_bytes)) as src, zipfile.ZipFile(tmp_path / "bad.xlam", "w") as dst:
        for item in src.infolist():
            dst.writestr(item, bad.encode() if item.filename == "customUI/customUI.xml" else src.read(item))
    findings = [f for f in _sdk_findings(tmp_path / "bad.xlam") if f.part_uri == "/customUI/customUI.xml"]
    assert {f.node for f in findings} == {"grop", "size"}, [f.description for f in findings]


def test_every_customui_attribute_is_declared_by_the_schema():
    """Attributes the validator lets pass (it checks undeclared ones only where the SDK data is unambiguous):
    each must be declared for its element in the SDK's customUI schema data."""
    from importlib.resources import files

    schema = json.loads(
        (files("openxml_audit") / "data/openxml/schemas/schemas_microsoft_com_office_2006_01_customui.json").read_text(
            encoding="utf-8"
        )
    )
    declared: dict[str, set] = {}
    for element_type in schema["Types"]:
        element = element_type["Name"].rsplit("/mso:", 1)[-1]
        declared.setdefault(element, set()).update(a["QName"].lstrip(":") for a in element_type.get("Attributes", []))
    for element in etree.fromstring(CUSTOMUI.read_bytes(), _SAFE).iter(f"{CUSTOMUI_NS}*"):
        name = etree.QName(element).localname
        assert set(element.attrib) <= declared[name], (name, set(element.attrib) - declared[name])


def test_imagemso_names_are_reviewed_excel_controls():
    listed = {
        line.strip()
        for line in (ROOT / "tests" / "data" / "imagemso.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    used = {e.get("imageMso") for e in etree.fromstring(CUSTOMUI.read_bytes(), _SAFE).iter() if e.get("imageMso")}
    assert used and used <= listed, used - listed


# For each .bas file named on the command line: put its source, behind Option VBASupport 1, into a Basic
# library of a new, empty Calc document and call a probe function appended to it. LibreOffice compiles the
# whole module before it runs anything in it; when the source does not compile the probe does not run and
# returns nothing. Only the probe runs: none of the module's own procedures is ever called.
_COMPILE_PROBE = r"""
results = {}
for path in sys.argv[2:]:
    doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (prop("Hidden", True),))
    source = open(path, encoding="ascii").read()
    source = "\n".join(line for line in source.splitlines() if not line.startswith("Attribute VB_"))
    library = doc.BasicLibraries.createLibrary("Probe")
    library.insertByName("Probed", "Option VBASupport 1\n" + source
                         + "\nPublic Function XxgkCompileProbe()\n    XxgkCompileProbe = 4242\nEnd Function\n")
    script = doc.getScriptProvider().getScript(
        "vnd.sun.star.script:Probe.Probed.XxgkCompileProbe?language=Basic&location=document")
    results[path] = script.invoke((), (), ())[0]
    doc.close(True)
print(json.dumps(results))
desktop.terminate()
"""


def test_the_vba_compiles_in_libreoffice_basic(tmp_path):
    """A weak probe (LibreOffice is not VBA), but it rejects syntax errors: the fixture shows that it can fail."""
    broken = tmp_path / "broken.bas"
    broken.write_text(
        BAS.read_text(encoding="ascii")
        + (ROOT / "tests" / "data" / "vba_syntax_error.bas").read_text(encoding="ascii"),
        encoding="ascii",
    )
    results = _run_uno(tmp_path, _COMPILE_PROBE, str(BAS), str(broken))
    assert results == {str(BAS): 4242, str(broken): None}
