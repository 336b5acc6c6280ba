#!/usr/bin/env bash
# A board of 5 stages x 200 cards, read whole (stages with card counts, amounts, overdue counts).
set -euo pipefail
. "$(dirname "$0")/../lib/kanban.sh"
kanban_board 5 200 | grep -v '^CARD_IDS='
