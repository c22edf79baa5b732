# ESG KPI warehouse: `make build` publishes warehouse.duckdb from reports/, `make test` runs every test.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements.sha256

# Where `make build` reads documents from (one or more folders) and publishes the warehouse to.
REPORTS ?= reports
# Folders of sidecars for documents kept elsewhere (read-only stores), found by the document's name.
METADATA ?= metadata
# The reference reports (Siemens, Shell, Samsung, SUEZ) `make test-reference` reads; not in the project.
REFERENCE_REPORTS ?= ../shared/reports-pdf
WAREHOUSE ?= warehouse.duckdb
# dbt's compiled SQL, logs and run results of `make build`.
BUILD_DIR ?= target/build
# The published Parquet exports of every served table: the warehouse's own folder beside it.
EXPORTS ?= $(basename $(WAREHOUSE))_exports
# Each build gets a folder here; WAREHOUSE and EXPORTS are links to the published one, switched in
# one atomic rename when every check passed (loaders/publish.py).
BUILDS = $(dir $(abspath $(WAREHOUSE))).$(notdir $(WAREHOUSE)).builds
# `make test` works on a scratch warehouse of its own, never on $(WAREHOUSE).
TEST_DIR := target/test
TEST_WAREHOUSE := $(TEST_DIR)/warehouse.duckdb
# Where `make audit` writes report.html and manifest.json.
AUDIT_DIR ?= audit

METADATA_ARGS = $(addprefix --metadata ,$(METADATA))

export DO_NOT_TRACK := 1
export DBT_PROFILES_DIR := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help
help: ## List the targets
	@echo "usage: make <target> [REPORTS=\"dir ...\"] [METADATA=\"dir ...\"] [WAREHOUSE=file]"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

# The virtual environment is (re)made when missing or when requirements.txt changed since.
$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	@if [ -f $(STAMP) ]; then echo "requirements.txt changed: recreating $(VENV)"; rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@sha256sum requirements.txt > $(STAMP)

.PHONY: venv
venv: $(STAMP) ## Create .venv from the pinned requirements (done by build and test when needed)

# Spark (dbt-spark, pyspark) goes into the same environment only when a target asks for it.
SPARK_STAMP := $(VENV)/.requirements-spark.sha256
$(SPARK_STAMP): requirements-spark.txt $(STAMP)
	@command -v java >/dev/null || { echo "error: Spark needs Java 17 or later (java not found)"; exit 1; }
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	@sha256sum requirements-spark.txt > $(SPARK_STAMP)

# The browser tests' Playwright goes into the same environment only when asked for; it drives Debian's
# Chromium (installed with apt-get when missing), not a browser of Playwright's own download.
CHROMIUM ?= /usr/bin/chromium
BROWSER_STAMP := $(VENV)/.requirements-browser.sha256
$(BROWSER_STAMP): requirements-browser.txt $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-browser.txt
	@sha256sum requirements-browser.txt > $(BROWSER_STAMP)

# Arelle (make xbrl-check) has a virtual environment of its own: its pins need not match the warehouse's.
XBRL_VENV := .venv-xbrl
XBRL_STAMP := $(XBRL_VENV)/.requirements.sha256
$(XBRL_STAMP): requirements-xbrl.txt
	@rm -rf $(XBRL_VENV)
	$(PYTHON) -m venv $(XBRL_VENV)
	$(XBRL_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-xbrl.txt
	@sha256sum requirements-xbrl.txt > $(XBRL_STAMP)
# Where make xbrl writes the taxonomy and the xBRL-JSON reports: the warehouse's own folder beside it.
XBRL ?= $(basename $(WAREHOUSE))_xbrl

# Where dbt runs: duckdb, or spark (a local Spark session; requirements-spark.txt, Java 17).
ENGINE ?= duckdb

.PHONY: build
build: $(STAMP) $(if $(filter spark,$(ENGINE)),$(SPARK_STAMP)) ## Load REPORTS, run dbt models and tests, summarise; publish atomically (exit 3: some refused; STRICT=1; FULL=1; ENGINE=spark)
	$(BIN)/python -m loaders build $(REPORTS) $(METADATA_ARGS) --warehouse $(WAREHOUSE) --exports $(EXPORTS) \
		--target-path $(BUILD_DIR) --engine $(ENGINE) $(if $(STRICT),--strict) $(if $(FULL),--full)

.PHONY: audit
audit: $(STAMP) ## Build, then write AUDIT_DIR (audit/) report.html and manifest.json; a failed build is audited too
	@status=0; $(MAKE) --no-print-directory build || status=$$?; \
	$(BIN)/python -m loaders audit --warehouse $(BUILDS)/last/build.duckdb --out $(AUDIT_DIR) || status=1; \
	exit $$status

# The metrics `make metrics` queries, by company and fiscal year (any of `mf list metrics`).
METRICS ?= ghg_scope_1,energy_total,energy_intensity_headcount,packaging_per_revenue,ghg_scope_1_2_intensity_revenue

.PHONY: metrics
metrics: $(STAMP) ## Query METRICS from the semantic layer (MetricFlow) by company and year, read-only
	@[ -e $(WAREHOUSE) ] || $(MAKE) --no-print-directory build
	@DBT_TARGET=read_only $(BIN)/dbt parse --quiet
	DBT_TARGET=read_only WAREHOUSE=$(abspath $(WAREHOUSE)) $(BIN)/mf query --metrics $(METRICS) \
		--group-by company,metric_time__year --order company,metric_time__year

.PHONY: explain
explain: $(STAMP) ## Print one figure's lineage from WAREHOUSE: COMPANY=xiaomi YEAR=2019 METRIC=ghg_scope_1 [MEMBERS="axis=member ..."]
	$(BIN)/python -m loaders explain $(COMPANY) $(YEAR) $(METRIC) $(addprefix --members ,$(MEMBERS)) --warehouse $(WAREHOUSE)

.PHONY: xbrl
xbrl: $(STAMP) ## Write WAREHOUSE's taxonomy (from the seeds) and each document's facts as xBRL-JSON into XBRL (<name>_xbrl)
	$(BIN)/python -m loaders xbrl --warehouse $(WAREHOUSE) --out $(XBRL)

.PHONY: xbrl-check
xbrl-check: $(STAMP) $(XBRL_STAMP) ## make xbrl, then Arelle's Calculations 1.1 (round to nearest) on every report, compared one to one with the identity findings
	$(BIN)/python -m loaders xbrl-check --warehouse $(WAREHOUSE) --out $(XBRL) --arelle $(XBRL_VENV)/bin/arelleCmdLine

.PHONY: docs
docs: $(STAMP) ## Generate the dbt docs site (target/docs/static_index.html); fail if anything is undescribed
	@[ -f $(WAREHOUSE) ] || $(MAKE) --no-print-directory build
	DBT_TARGET=read_only WAREHOUSE=$(abspath $(WAREHOUSE)) $(BIN)/dbt docs generate --static --quiet --target-path target/docs --log-path target/docs
	$(BIN)/python -m loaders docs-check target/docs
	@echo "docs: open $(abspath target/docs/static_index.html) in a browser"

.PHONY: test
test: $(STAMP) $(XBRL_STAMP) ## Run every test: pytest with lint beside it, then test-dbt and xbrl-check on its warehouse
	@# pytest's workers mostly wait on the builds they start, so lint uses the idle core (its output follows
	@# pytest's); a module's shared builds stay on one worker (--dist loadfile).
	@mkdir -p target; $(MAKE) --no-print-directory lint > target/lint.log 2>&1 & lint=$$!; \
	$(BIN)/pytest -m "not reference" -n auto --dist loadfile; pytest=$$?; \
	wait $$lint; linted=$$?; cat target/lint.log; [ $$pytest -eq 0 ] && [ $$linted -eq 0 ]
	@$(MAKE) --no-print-directory test-dbt
	@$(MAKE) --no-print-directory xbrl-check WAREHOUSE=$(TEST_WAREHOUSE)

.PHONY: test-dbt
test-dbt: $(STAMP) ## dbt unit and data tests and the docs check on a scratch warehouse of the bundled reports
	@rm -rf $(TEST_DIR) && mkdir -p $(TEST_DIR)
	$(BIN)/python -m loaders load reports $(METADATA_ARGS) --warehouse $(TEST_WAREHOUSE) --prune
	WAREHOUSE=$(abspath $(TEST_WAREHOUSE)) $(BIN)/dbt build --target-path $(TEST_DIR)/dbt --log-path $(TEST_DIR)/dbt
	WAREHOUSE=$(abspath $(TEST_WAREHOUSE)) $(BIN)/dbt docs generate --quiet --target-path $(TEST_DIR)/dbt --log-path $(TEST_DIR)/dbt
	$(BIN)/python -m loaders docs-check $(TEST_DIR)/dbt

SPARK_TEST_DIR := target/test-spark
# Company-years of the panel make test-spark generates beside the bundled reports.
SPARK_COMPANY_YEARS ?= 100

.PHONY: test-spark
test-spark: $(SPARK_STAMP) ## Build the bundled reports and a panel on DuckDB and on Spark, compare every mart; again with a total that fails
	$(BIN)/python -m loaders compare-engines reports $(METADATA_ARGS) --folder $(SPARK_TEST_DIR)/honest \
		--company-years $(SPARK_COMPANY_YEARS)
	$(BIN)/python -m loaders compare-engines reports $(METADATA_ARGS) --folder $(SPARK_TEST_DIR)/broken \
		--company-years $(SPARK_COMPANY_YEARS) --broken

.PHONY: test-browser
test-browser: $(BROWSER_STAMP) ## The audit report in headless Chromium (Playwright): header, filters, search, source links, printing
	@[ -x $(CHROMIUM) ] || { \
		command -v apt-get >/dev/null || { echo "error: $(CHROMIUM) not found and no apt-get to install chromium with"; exit 1; }; \
		[ "$$(id -u)" -eq 0 ] || { echo "error: $(CHROMIUM) not found; install it as root: apt-get install --no-install-recommends chromium"; exit 1; }; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; }
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest tests/browser

.PHONY: test-reference
test-reference: $(STAMP) $(XBRL_STAMP) ## Tests on the reference reports in REFERENCE_REPORTS (../shared/reports-pdf), not carried here
	@[ -d "$(REFERENCE_REPORTS)" ] || { echo "error: REFERENCE_REPORTS=$(REFERENCE_REPORTS) is not a folder:" \
		"put the reference reports there or name their folder (see README, Reference reports)"; exit 1; }
	REFERENCE_REPORTS=$(abspath $(REFERENCE_REPORTS)) $(BIN)/pytest -m reference

.PHONY: lint
lint: $(STAMP) ## Lint Python (ruff) and SQL (sqlfluff, dbt templater)
	$(BIN)/ruff check loaders tests
	$(BIN)/ruff format --check loaders tests
	@mkdir -p $(TEST_DIR)
	WAREHOUSE=$(abspath $(TEST_DIR)/lint.duckdb) $(BIN)/sqlfluff lint models tests/singular analyses

COMPANY_YEARS ?= 50000

.PHONY: bench
bench: $(STAMP) ## Time make build of a panel of COMPANY_YEARS (20 values each) beside plain DuckDB SQL doing its core
	$(BIN)/python -m loaders bench --company-years $(COMPANY_YEARS) --folder target/bench

.PHONY: bench-add
bench-add: $(STAMP) ## Time make build with one report added to the panel make bench built
	$(BIN)/python -m loaders bench --add --folder target/bench

MEGABYTES ?= 50

.PHONY: bench-text
bench-text: $(STAMP) ## Load one generated text report of MEGABYTES (50) line by line; print lines/s and peak memory
	$(BIN)/python -m loaders bench --text-megabytes $(MEGABYTES) --folder target/bench-text

.PHONY: map
map: $(STAMP) ## List labels in REPORTS that map to no metric, with proposals (ACCEPT="3 7" [INTO=aliases] writes them)
	$(BIN)/python -m loaders map $(REPORTS) $(METADATA_ARGS) $(if $(ACCEPT),--accept $(ACCEPT)) $(if $(INTO),--into $(INTO))

.PHONY: seeds
seeds: $(STAMP) ## Fill the seed columns derived by the loaders' rules (alias keys, reference units) and generate the KPI metrics
	$(BIN)/python -m loaders seeds

.PHONY: lock
lock: ## Re-pin requirements.txt from requirements.in (needs the package registry)
	rm -rf target/lock && $(PYTHON) -m venv target/lock
	target/lock/bin/pip install --quiet --disable-pip-version-check -r requirements.in
	{ echo "# Every package pinned, generated from requirements.in by 'make lock'. Python 3.11."; \
	  target/lock/bin/pip freeze --exclude-editable; } > requirements.txt

.PHONY: clean
clean: ## Remove build output (target/, logs/, audit/), the published warehouse, its builds, exports and XBRL
	rm -rf target logs $(AUDIT_DIR) $(WAREHOUSE) $(WAREHOUSE).wal $(BUILDS) $(EXPORTS) $(XBRL)

.PHONY: distclean
distclean: clean ## Also remove the virtual environments
	rm -rf $(VENV) $(XBRL_VENV)
