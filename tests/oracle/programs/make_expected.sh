#!/bin/sh
# Writes expected/<program>.cost<C>.jsonl: cpboard.py's trace of each program
# at the poll costs the tests use (7, 10, 25 µs), for 1000 ms of virtual time.
# Run from anywhere; the library folder is $BATON_CP_ASYNCIO or target/cp-asyncio.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
cp=${BATON_CP_ASYNCIO:-$root/target/cp-asyncio}
mkdir -p "$here/expected"
for program in "$here"/*.py; do
    name=$(basename "$program" .py)
    for cost in 7 10 25; do
        python3 "$here/../cpboard.py" "$program" --cp-asyncio "$cp" --for-ms 1000 --poll-cost-us "$cost" \
            > "$here/expected/$name.cost$cost.jsonl"
    done
done
