#!/usr/bin/env bash
# `npm run test:e2e:stress`: the whole e2e suite three times in a row (no retries) while two busy loops keep
# both cores of a CI-sized machine at 100 %. Prints each run's time and outcome; fails if any run failed.
# RUNS=n changes the number of runs; SKIP_BUILD=1 reuses the current production build.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}

if [ -z "${SKIP_BUILD:-}" ]; then
  npx next build || exit 1
fi

hogs=()
stop_hogs() { [ ${#hogs[@]} -gt 0 ] && kill "${hogs[@]}" 2>/dev/null; }
trap stop_hogs EXIT
for _ in 1 2; do
  node -e "for (;;) {}" &
  hogs+=($!)
done
echo "CPU hogs running: ${hogs[*]}"

results=()
failed=0
for run in $(seq 1 "$runs"); do
  start=$SECONDS
  CI=1 npx playwright test --retries=0
  status=$?
  [ "$status" -eq 0 ] || failed=1
  results+=("$(printf 'run %d: %4ss  %s' "$run" $((SECONDS - start)) "$([ "$status" -eq 0 ] && echo passed || echo FAILED)")")
done
stop_hogs

printf '\n== e2e under load (2 CPU hogs, no retries)\n'
printf '%s\n' "${results[@]}"
exit "$failed"
