#!/bin/sh
# Writes expected/<program>.cost<C>.jsonl: the judge's (cpboard.py's) trace of
# each program at 7, 10 and 25 us per poll, for 2000 ms of virtual time, with
# <program>.inputs.jsonl when there is one. Run from anywhere; the library
# folder is $BATON_CP_ASYNCIO or target/cp-asyncio.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
cp=${BATON_CP_ASYNCIO:-$root/target/cp-asyncio}
mkdir -p "$here/expected"
for program in "$here"/*.py; do
    name=$(basename "$program" .py)
    inputs=""
    [ -f "$here/$name.inputs.jsonl" ] && inputs="--inputs $here/$name.inputs.jsonl"
    for cost in 7 10 25; do
        python3 "$root/tests/oracle/cpboard.py" "$program" --cp-asyncio "$cp" --for-ms 2000 \
            --poll-cost-us "$cost" $inputs > "$here/expected/$name.cost$cost.jsonl"
    done
done
