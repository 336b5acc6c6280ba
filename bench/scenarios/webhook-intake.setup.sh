#!/usr/bin/env bash
# Creates an account (enterprise plan) and an Evolution provider through the API; prints WEBHOOK_PATH=...
# Needs a super_admin: BENCH_ADMIN_EMAIL (default admin@whatpro.local) and BENCH_ADMIN_PASSWORD.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" "$here/../gateway/GatewayBench.java" setup "${BASE_URL:?}"
