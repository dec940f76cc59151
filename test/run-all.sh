#!/usr/bin/env bash
# `npm test`: every tier, in order, failing fast. Real PostgreSQL and NATS are started by the jest
# global setups (testcontainers when a Docker engine is reachable, local binaries otherwise).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n=== %s ===\n' "$*"; }

step "docker-compose.yml"
if command -v docker-compose >/dev/null 2>&1; then
  docker-compose -f docker-compose.yml config -q && echo "docker-compose config: valid"
elif [ "${CI:-}" = "true" ]; then
  echo "docker-compose is not installed (apt-get install docker-compose); CI must validate docker-compose.yml" >&2
  exit 1
else
  echo "docker-compose not installed: skipping the compose file check (apt-get install docker-compose)"
fi

step "typecheck and build"
npx tsc -p tsconfig.json --noEmit
npm run -s build

step "unit and integration tests"
npx jest --ci --selectProjects unit integration

step "end-to-end tests (whole suite as processes, HTTP and SIP2 sockets)"
npx jest --ci --selectProjects e2e

if [ -f dist/apps/bench/src/main.js ]; then
  step "benchmark smoke run (checks the report, never a speed)"
  node dist/apps/bench/src/main.js --smoke --out "$(mktemp -d)/bench-smoke.json"
fi
