#!/usr/bin/env bash
# Shared set-up of the kanban scenarios, through the API only: signs in as the bootstrap
# super_admin, creates an account on the enterprise plan with an admin of its own, signs in as
# that admin (the load runs as a normal account admin, not as super_admin) and builds a board.
# Needs BASE_URL and WHATPRO_BOOTSTRAP_ADMIN_PASSWORD (+ _EMAIL, default admin@whatpro.local);
# BENCH_ADMIN_PASSWORD / BENCH_ADMIN_EMAIL work too, as for guarded-read. The service's rate
# limits must be above what the set-up and the load send (one admin: WHATPRO_RATE_LIMITS_ROLES_ADMIN,
# the enterprise plan: WHATPRO_RATE_LIMITS_PLANS_ENTERPRISE), or they measure 429s.
set -euo pipefail

base="${BASE_URL:?BASE_URL is set by bench/run}"
sa_email="${BENCH_ADMIN_EMAIL:-${WHATPRO_BOOTSTRAP_ADMIN_EMAIL:-admin@whatpro.local}}"
sa_password="${BENCH_ADMIN_PASSWORD:-${WHATPRO_BOOTSTRAP_ADMIN_PASSWORD:?set WHATPRO_BOOTSTRAP_ADMIN_PASSWORD (or BENCH_ADMIN_PASSWORD) to the bootstrap admin password the service started with}}"

# first value of a string field / of a number field in a JSON document on stdin
json_string() { grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }
json_number() { grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }

api() { # METHOD PATH TOKEN [BODY]
  local method="$1" path="$2" token="$3" body="${4:-}"
  if [ -n "$body" ]; then
    curl -fsS -X "$method" "$base$path" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body"
  else
    curl -fsS -X "$method" "$base$path" -H "Authorization: Bearer $token"
  fi
}

login() { # EMAIL PASSWORD -> access token
  curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" | json_string access_token
}

# kanban_board STAGES CARDS_PER_STAGE: prints TOKEN, ACCOUNT_ID, BOARD_ID, BOARD_PATH, STAGE_IDS, CARD_IDS
kanban_board() {
  local stages="$1" per_stage="$2" stamp
  stamp="$(date +%s)-$$"
  local sa_token account email password token board stage_ids
  sa_token="$(login "$sa_email" "$sa_password")"
  [ -n "$sa_token" ] || { echo "cannot sign in as $sa_email" >&2; exit 1; }
  account="$(api POST /api/v1/accounts "$sa_token" "{\"name\":\"Bench kanban $stamp\",\"plan\":\"enterprise\"}" | json_number id)"
  email="bench-$stamp@bench.invalid"
  password="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  api POST "/api/v1/accounts/$account/users" "$sa_token" \
    "{\"email\":\"$email\",\"name\":\"Bench admin\",\"role\":\"admin\",\"password\":\"$password\"}" >/dev/null
  token="$(login "$email" "$password")"

  local spec="" i
  for i in $(seq 1 "$stages"); do spec="$spec${spec:+,}{\"name\":\"Stage $i\"}"; done
  board="$(api POST "/api/v1/accounts/$account/boards" "$token" "{\"name\":\"Bench $stamp\",\"stages\":[$spec]}")"
  local board_id
  board_id="$(printf '%s' "$board" | json_string id)"
  # every "id" after the board's own is a stage id, in position order
  stage_ids="$(printf '%s' "$board" | grep -o '"id":"[^"]*"' | cut -d'"' -f4 | tail -n +2 | paste -sd, -)"

  local cards_file
  cards_file="$(mktemp)"
  export base token account cards_file
  for stage in ${stage_ids//,/ }; do
    for i in $(seq 1 "$per_stage"); do echo "$stage $i"; done
  done | xargs -P 8 -n 2 bash -c '
      curl -fsS -X POST "$base/api/v1/accounts/$account/boards/'"$board_id"'/cards" \
        -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
        -d "{\"stage_id\":\"$0\",\"title\":\"Card $1 of $0\",\"amount_minor\":$((RANDOM * 100)),\"currency\":\"BRL\",\"labels\":[\"bench\"],\"contact\":{\"name\":\"Contact $1\",\"phone\":\"+55 11 9$RANDOM$RANDOM\"}}" \
        | grep -o "\"id\":\"[^\"]*\"" | head -1 | cut -d\" -f4 >> "$cards_file"'
  local card_ids made
  card_ids="$(paste -sd, - < "$cards_file")"
  made="$(grep -c . "$cards_file" || true)"
  rm -f "$cards_file"
  if [ "$made" -ne $((stages * per_stage)) ]; then
    echo "only $made of $((stages * per_stage)) cards were created: start the service with rate limits above" \
      "what the set-up and the benchmark send (see bench/RESULTS.md, Kanban)" >&2
    exit 1
  fi

  echo "TOKEN=$token"
  echo "ACCOUNT_ID=$account"
  echo "BOARD_ID=$board_id"
  echo "BOARD_PATH=/api/v1/accounts/$account/boards/$board_id"
  echo "STAGE_IDS=$stage_ids"
  echo "CARD_IDS=$card_ids"
  echo "CARD_COUNT=$made"
}
