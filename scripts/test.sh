#!/usr/bin/env bash
# `npm test`: every phase in order, stopping at the first that fails, then the time each phase took.
# When PHASE_TIMES is set (as .ci/run does), each phase's line is also appended to that file.
set -uo pipefail
cd "$(dirname "$0")/.."

lines=()
finish() {
  printf '\n== Phase times\n'
  printf '%s\n' "${lines[@]}"
}
phase() {
  local name=$1 start=$SECONDS status
  shift
  printf '\n== %s: %s\n' "$name" "$*"
  "$@"
  status=$?
  local line
  line=$(printf '%-10s %5ss  %s' "$name" $((SECONDS - start)) "$([ "$status" -eq 0 ] && echo ok || echo "FAILED ($status)")")
  lines+=("$line")
  [ -n "${PHASE_TIMES:-}" ] && echo "$line" >>"$PHASE_TIMES"
  if [ "$status" -ne 0 ]; then
    finish
    exit "$status"
  fi
}

phase typecheck npx tsc --noEmit
phase lint npx eslint --max-warnings 0 .
phase format npx biome ci .
phase cycles npm run -s check:cycles
phase unit npx vitest run
phase build npx next build
phase bundle npx tsx scripts/check-client-bundle.ts
phase durability npx tsx --conditions=react-server scripts/check-durability.ts
phase e2e npx playwright test
finish
