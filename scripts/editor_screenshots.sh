#!/bin/sh
# Retake docs/screenshots/{editor,preview}-{1366,390}.png: the browser test that walks a marketer through
# the rich-text editor and the preview takes them on the way (and none when SYNADMIN_SCREENSHOTS is unset).
set -e
cd "$(dirname "$0")/.."
SYNADMIN_SANDBOX=1 SYNADMIN_SCREENSHOTS="$PWD/docs/screenshots" \
  .venv/bin/pytest tests/e2e/test_marketer_edits_rich_text.py -q -p no:cacheprovider -n 0
