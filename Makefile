# Two commands for a fresh machine:  make demo   |   make test
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out
BLANK19 := workbook/政府信息公开工作年度报告（2019格式）.xlsx

.PHONY: demo test install sysdeps workbooks clean

$(BIN)/xxgk: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(BIN)/xxgk

# Debian packages: LibreOffice (recalculates the workbooks, renders the report to PDF; python3-uno lets it
# read the built add-in's VBA project), poppler (PDF measurements), Chromium (HTML screenshots), the CJK
# fonts and the 楷体 stand-in. Installed when missing and we are root; otherwise the missing ones are named.
DEB_PACKAGES := libreoffice-calc libreoffice-writer python3-uno poppler-utils chromium fonts-noto-cjk \
	fonts-lxgw-wenkai fonts-liberation2

sysdeps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "安装系统软件包：$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "缺少系统软件包，请以管理员身份运行：apt-get install $$missing" >&2; exit 1; fi; \
	fi

# The main job on the bundled example: the seed report's workbook → checked → report (Word, PDF, HTML).
demo: install sysdeps
	mkdir -p $(OUT)
	$(BIN)/xxgk check workbook/examples/gulou-audit-2020.xlsx
	$(BIN)/xxgk report workbook/examples/gulou-audit-2020.xlsx -o $(OUT)/gulou-audit-2020.docx --pdf --html --overwrite

test: install sysdeps
	$(BIN)/ruff format --check $$(git ls-files '*.py')
	$(BIN)/ruff check $$(git ls-files '*.py')
	$(BIN)/python -m pytest -q

# Regenerate the committed artefacts: blank workbooks and the filled example (from workbook/forms), the
# Word templates (templates/make_templates.py: overwrites edits made in Word), the variable list, the
# ribbon add-in (from addin/customUI.xml and addin/XxgkRibbon.bas) and the staff's guide in the bundle
# (installer/使用说明.pdf from installer/使用说明.md).
workbooks: install
	$(BIN)/xxgk workbook build
	$(BIN)/xxgk addin build
	$(BIN)/python -m xxgk.guide
	$(BIN)/python templates/make_templates.py
	$(BIN)/python -m xxgk.report.context
	$(BIN)/python -m xxgk.rules --readme
	$(BIN)/xxgk fill $(BLANK19) workbook/examples/gulou-audit-2020.json -o workbook/examples/gulou-audit-2020.xlsx --overwrite

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
