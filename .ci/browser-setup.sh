#!/usr/bin/env bash
# What tests/test_browser.py needs: Debian's Chromium (Playwright cannot download its own browser
# here), the playwright Python package, JupyterLab, and the notebook extra (itables, anywidget,
# ipykernel, nbclient). Safe to run twice. Called from .ci/run before the test run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
    else
        echo "browser-setup: no /usr/bin/chromium and cannot apt-get install it; the browser test will skip" >&2
    fi
fi

PY=.venv/bin/python
[ -x "$PY" ] || python3 -m venv .venv
"$PY" -m pip install -q -e '.[dev,notebook,browser]' \
    itables anywidget ipykernel nbclient nbformat jupyterlab playwright
# Playwright drives the system Chromium through executable_path: no `playwright install`.
"$PY" -m jupyter labextension list 2>&1 | grep -q "jupyterlab-manager" || echo "browser-setup: ipywidgets lab extension missing" >&2
