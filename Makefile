# Two commands do all set-up on a fresh machine:
#   make demo   - create .venv, install alkannot, run the workflow on test-data/, print where reports are
#   make test   - same set-up, then the whole test suite (lint and workflow dry run included)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo test test-fast lint workflow-check system-deps test-cluster clean resources

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,cluster]'
	@touch $(STAMP)

# Debian packages the tests compare against: chromium (headless-browser tests), bcftools/tabix (the annotated
# VCF read as other tools read it). Elsewhere those tests skip with a reason; in CI a skip is a failure.
SYSTEM_TOOLS := chromium bcftools tabix
system-deps:
	@missing=""; for t in $(SYSTEM_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian packages for the tests:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing) >/dev/null 2>&1 \
	    || echo "could not install$$missing: the tests that need them will be skipped"; \
	fi

demo: $(STAMP)
	snakemake --cores 2 --quiet rules
	@echo
	@echo "alkannot demo finished. Reports (open in a browser):"
	@for f in results/*/*.report.html results/patients/*.html results/cohort/summary.html; do \
	  [ -f "$$f" ] && echo "  $(CURDIR)/$$f"; done; true
	@echo "Per sample also: .alkannot.json, .variants.tsv, .drugs.tsv, .fusions.tsv, .maf.tsv, .alkannot.vcf.gz(.tbi);"
	@echo "cohort: results/cohort/summary.tsv, cohort.maf.tsv, alkannot_mqc.tsv (MultiQC)."

lint: $(STAMP)
	ruff check src tests test-data $(wildcard benchmarks)
	snakefmt --check Snakefile workflow/rules/*.smk

workflow-check: $(STAMP)
	snakemake --lint
	snakemake --cores 1 --dry-run --quiet rules

# The real one-node SLURM test runs in `make test` when we are root (it installs Debian slurm/munge and
# starts daemons it stops again); elsewhere it is skipped with a reason. `make test-cluster` forces it.
test: $(STAMP) system-deps lint workflow-check
	ALKANNOT_TEST_CLUSTER=$$( [ "$$(id -u)" = 0 ] && echo 1 || echo 0) pytest -q

test-cluster: $(STAMP)
	ALKANNOT_TEST_CLUSTER=1 pytest -q tests/cluster/test_cluster.py

test-fast: $(STAMP)
	pytest -q -x

# Rebuild the bundled transcript resources from the reference kit (documented in README.md).
resources: $(STAMP)
	for b in GRCh37 GRCh38; do alkannot build-resources --gtf ../shared/refdata/$$b.genes.gtf \
	  --cds-fasta ../shared/refdata/cds.fa --build $$b --out resources; done

clean:
	rm -rf results logs .snakemake benchmarks/out
