#!/usr/bin/env bash
# Set-up of guarded-read: signs in as the super_admin, creates an account with an admin and
# prints ACCOUNT_ID and TOKEN (the admin's access token, valid 15 minutes).
# Needs BENCH_ADMIN_PASSWORD (or WHATPRO_BOOTSTRAP_ADMIN_PASSWORD); BENCH_ADMIN_EMAIL defaults to
# admin@whatpro.local. Start the service with rate limits above what the benchmark sends, or the
# scenario measures 429s (see bench/RESULTS.md for the settings used).
set -euo pipefail
base="${BASE_URL:?}"
email="${BENCH_ADMIN_EMAIL:-${WHATPRO_BOOTSTRAP_ADMIN_EMAIL:-admin@whatpro.local}}"
password="${BENCH_ADMIN_PASSWORD:-${WHATPRO_BOOTSTRAP_ADMIN_PASSWORD:?set BENCH_ADMIN_PASSWORD to the super_admin password}}"

field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p"; }
post() { curl -fsS -X POST -H 'Content-Type: application/json' ${3:+-H "Authorization: Bearer $3"} -d "$2" "$base$1"; }

root=$(post /api/v1/auth/login "{\"email\":\"$email\",\"password\":\"$password\"}" | field access_token)
account=$(post /api/v1/accounts "{\"name\":\"Bench $(date -u +%FT%TZ)\",\"plan\":\"enterprise\"}" "$root" | field id)
member="bench-$(date +%s)-$RANDOM@example.test"
member_password="bench-password-$RANDOM-$RANDOM"
post "/api/v1/accounts/$account/users" \
  "{\"email\":\"$member\",\"name\":\"Bench Admin\",\"role\":\"admin\",\"password\":\"$member_password\"}" "$root" >/dev/null
for i in 1 2 3 4 5 6 7 8 9; do
  post "/api/v1/accounts/$account/users" \
    "{\"email\":\"agent$i-$member\",\"name\":\"Agent $i\",\"role\":\"agent\"}" "$root" >/dev/null
done
token=$(post /api/v1/auth/login "{\"email\":\"$member\",\"password\":\"$member_password\"}" | field access_token)
echo "ACCOUNT_ID=$account"
echo "TOKEN=$token"
