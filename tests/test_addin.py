"""`xxgk addin install / uninstall` and the contract between the VBA runner and the Python side."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from xxgk import __version__, addin
from xxgk.cli import main
from xxgk.excel.actions import ACTIONS
from xxgk.xlam import committed_xlam_path

BAS = (ROOT / "addin" / "XxgkRibbon.bas").read_text(encoding="ascii")


@pytest.fixture
def appdata(tmp_path, monkeypatch):
    monkeypatch.setenv("APPDATA", str(tmp_path / "用户 张三" / "AppData" / "Roaming"))
    return tmp_path / "用户 张三" / "AppData" / "Roaming"


def test_install_and_uninstall_on_a_windows_layout(appdata, capsys):
    assert main(["addin", "install"]) == 0
    xlstart = appdata / "Microsoft" / "Excel" / "XLSTART" / "xxgk.xlam"
    assert xlstart.read_bytes() == committed_xlam_path().read_bytes()
    conf = appdata / "xxgk" / "addin.conf"
    raw = conf.read_bytes()
    assert raw[:2] == b"\xff\xfe"  # UTF-16 LE with BOM: what the VBA's FileSystemObject reads in Unicode mode
    lines = raw.decode("utf-16").split("\r\n")
    python = lines[0].removeprefix("python=")
    assert lines[0].startswith("python=") and __import__("pathlib").Path(python).is_file()
    assert lines[1] == f"addin={xlstart}" and lines[2] == f"version={__version__}"
    out = capsys.readouterr().out
    assert str(xlstart) in out and "重新启动 Excel" in out

    assert main(["addin", "install"]) == 0  # again: replaced, not duplicated
    assert main(["addin", "uninstall"]) == 0
    assert not xlstart.exists() and not (appdata / "xxgk").exists()
    assert xlstart.parent.is_dir()  # Excel's own folder stays
    assert main(["addin", "uninstall"]) == 0
    assert "没有找到已安装的加载项" in capsys.readouterr().out


def test_install_to_a_chosen_folder_keeps_the_users_files(appdata, tmp_path):
    startup = tmp_path / "启动"
    assert main(["addin", "install", "--startup-dir", str(startup)]) == 0
    (startup / "同事的加载项.xlam").write_bytes(b"not ours")
    (appdata / "xxgk" / "notes.txt").write_text("mine")
    assert main(["addin", "uninstall"]) == 0  # finds the folder from the configuration
    assert sorted(p.name for p in startup.iterdir()) == ["同事的加载项.xlam"]
    assert (appdata / "xxgk" / "notes.txt").read_text() == "mine"
    assert not (appdata / "xxgk" / "addin.conf").exists()


def test_install_needs_xlwings_and_a_startup_folder(appdata, monkeypatch, capsys):
    real = addin.importlib.util.find_spec
    monkeypatch.setattr(addin.importlib.util, "find_spec", lambda name: None if name == "xlwings" else real(name))
    assert main(["addin", "install"]) == 2
    assert 'pip install "xxgk[excel]"' in capsys.readouterr().err
    monkeypatch.setattr(addin.importlib.util, "find_spec", real)
    monkeypatch.delenv("APPDATA")
    monkeypatch.setattr(addin.sys, "platform", "linux")
    assert main(["addin", "install"]) == 2
    assert "--startup-dir" in capsys.readouterr().err


def test_the_vba_runs_the_python_contract():
    """The command line the VBA builds is the one xxgk.excel.__main__ and xlwings' Book.caller() read."""
    assert '" -I -m xxgk.excel " & action' in BAS
    assert 'Quoted("--wb=" & CallerName())' in BAS and '" --from_xl=1 --hwnd=" & CStr(Application.Hwnd)' in BAS
    assert '"\\addin.conf"' in BAS and '"\\last-error.txt"' in BAS
    assert addin.CONFIG_FILE == "addin.conf" and addin.LAST_ERROR_FILE == "last-error.txt"
    assert '"xxgk.applescript", "runXxgk"' in BAS and "on runXxgk(params)" in addin.APPLESCRIPT_TEXT
    # Tags go on the command line: the VBA lets only lower-case words through; every action is one.
    assert 'Like "[a-z_]"' in BAS and all(re.fullmatch(r"[a-z_]{1,32}", tag) for tag in ACTIONS)


def test_the_vba_is_ascii_and_its_messages_decode_to_chinese():
    raw = (ROOT / "addin" / "XxgkRibbon.bas").read_bytes()
    assert max(raw) < 128
    for word in (
        "Declare",
        "Lib ",
        "VBProject",
        "Shell(",
        "Environ(",
        "Environ$(",
        "Kill ",
        "Workbook_Open",
        "Auto_Open",
    ):
        assert word not in BAS, word  # nothing antivirus heuristics look for, no code run on open

    def decode(text):
        return re.sub(r"\\u([0-9A-F]{4})", lambda m: chr(int(m.group(1), 16)), text)

    messages = dict(re.findall(r'Private Const (MSG_\w+) As String = "([^"]*)"', BAS))
    assert {k: decode(v) for k, v in messages.items()} == {
        "MSG_NOT_INSTALLED": "没有找到 xxgk 的 Python 环境。请在命令行运行“xxgk addin install”重新安装加载项。",
        "MSG_NO_START": "无法启动 Python（可能被安全软件拦截，请联系信息技术人员把 Python 加入允许名单）：",
        "MSG_FAILED": "xxgk 未能完成操作（退出码 {code}）。请在命令行对该工作簿运行“xxgk check”查看原因。",
    }
