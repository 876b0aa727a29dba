# Two entry points: `make serve` (the course site on http://127.0.0.1:8000) and `make test`.
# Each installs what it needs: uv (from PyPI, into .tools/ when it is not on PATH), then
# the locked environment in .venv.

UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build lint bench bench-cohort env release learner-pack

serve: env
	$(UV) run --locked mkdocs serve --dev-addr 127.0.0.1:8000

test: env
	$(UV) run --locked pytest

build: env
	$(UV) run --locked mkdocs build --strict

lint: env
	$(UV) run --locked ruff check .

bench: env
	$(UV) run --locked python bench/bench_grade.py
	$(UV) run --locked python bench/bench_advisor.py
	$(UV) run --locked python bench/bench_probe_grade.py
	$(UV) run --locked python bench/bench_batch.py
	$(UV) run --locked python bench/bench_autograde.py
	$(UV) run --locked python bench/bench_synthesis.py

bench-cohort: env
	$(UV) run --locked python bench/bench_cohort_routine.py

env: $(UV)
	$(UV) sync --locked

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

# The learner version of every assignment, in exercises/release/ (nbgrader strips solutions).
release: env
	cd exercises && $(abspath $(UV)) run --locked nbgrader generate_assignment failure-audit --force && \
		$(abspath $(UV)) run --locked nbgrader generate_assignment red-team-probe --force && \
		$(abspath $(UV)) run --locked nbgrader generate_assignment cross-domain-synthesis --force

# The learner packs (dist/<project>-learner-pack.zip): released notebook, public data, labkit
# and grader check, pinned requirements; no answer key. The site offers the same zips.
learner-pack: env
	$(UV) run --locked python -m grader.pack --out dist
