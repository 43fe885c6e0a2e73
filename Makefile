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

# LibreOffice recalculates the workbooks' formulas in the tests; installed when missing and we are root.
sysdeps:
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      libreoffice-calc libreoffice-writer fonts-noto-cjk poppler-utils >/dev/null; \
	  else echo "需要 LibreOffice：请以管理员身份运行 apt-get install libreoffice-calc libreoffice-writer fonts-noto-cjk poppler-utils" >&2; exit 1; fi; }

# The main job on the bundled example: new workbook → fill the seed report's data → check.
demo: install
	mkdir -p $(OUT)
	$(BIN)/xxgk new --year 2020 --org 福州市鼓楼区审计局 -o $(OUT)/空白-2020.xlsx --overwrite
	$(BIN)/xxgk fill $(OUT)/空白-2020.xlsx workbook/examples/gulou-audit-2020.json -o $(OUT)/gulou-audit-2020.xlsx --overwrite
	$(BIN)/xxgk check $(OUT)/gulou-audit-2020.xlsx

test: install sysdeps
	$(BIN)/python -m pytest -q

# Regenerate the committed workbooks (blank templates and the filled example) from workbook/forms.
workbooks: install
	$(BIN)/xxgk workbook build
	$(BIN)/xxgk fill $(BLANK19) workbook/examples/gulou-audit-2020.json -o workbook/examples/gulou-audit-2020.xlsx --overwrite

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
