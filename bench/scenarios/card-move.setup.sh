#!/usr/bin/env bash
# A board of 5 stages x 50 cards whose cards the scenario moves around.
set -euo pipefail
. "$(dirname "$0")/../lib/kanban.sh"
kanban_board 5 50
