# `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.tno-installed
STRICT_CLIENT := tests/e2e/strict_client
STRICT_STAMP := $(STRICT_CLIENT)/node_modules/.tno-installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv strict-client demo test catalogs docs-images screenshots clean distclean

venv: $(STAMP)

# Reinstalled only when pyproject.toml changes (or the venv is missing).
$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $@

# The e2e tests' strict client (matrix-js-sdk, and node 22 from the npm package `node`), reinstalled only when
# its package-lock.json changes.
strict-client: $(STRICT_STAMP)

$(STRICT_STAMP): $(STRICT_CLIENT)/package-lock.json $(STRICT_CLIENT)/package.json
	cd $(STRICT_CLIENT) && npm ci --no-audit --no-fund
	@touch $@

demo: venv
	$(VENV)/bin/tno-bot demo

# Two workers (each with its own Synapse), a test file kept on one worker: its module fixtures hold.
test: venv strict-client
	$(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# After adding or changing a message: rebuild the fr/en catalogs, then translate what it lists.
catalogs: venv
	$(VENV)/bin/python -m tno_bot.i18n.catalogs

# The first page of the compte rendu and of the convocation as PNG, under docs/.
docs-images: venv
	$(VENV)/bin/python -m docs.render_documents

# The bot's messages of a scripted séance of nine representatives as a phone shows them, under docs/screenshots.
# Needs headless Chromium and an emoji font, installed by hand (never by `make test`): the script says which.
screenshots: venv
	PYTHONPATH=$(CURDIR) $(VENV)/bin/python bench/screenshots.py docs/screenshots

clean:
	rm -rf build .pytest_cache *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(STRICT_CLIENT)/node_modules
