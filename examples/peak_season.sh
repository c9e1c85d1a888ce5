#!/bin/sh
# Peak season: sweep the as-is and the to-be order flow over 100-300 orders a
# day and see where each one breaks and who saturates first.
#
#   sh examples/peak_season.sh [OUT]        (default OUT: out; FLOWMAP=.venv/bin/flowmap to pick the command)
#
# Writes OUT/peak_asis.html and OUT/peak_tobe.html (lead time mean and p90
# against orders per day, one line per staffing option, saturation points
# marked; utilization per owner; the table) and prints the text tables.
set -eu
FLOWMAP=${FLOWMAP:-flowmap}
OUT=${1:-out}
HERE=$(dirname "$0")/..
mkdir -p "$OUT"
COMMON="--vary orders_per_day=100:300:25 --days 20 --replications 3 --seed 1 --start 2026-11-30"

echo "== as-is: one more admin staff member (事務スタッフ 2 -> 3)?"
# shellcheck disable=SC2086  # COMMON is a list of options
"$FLOWMAP" sweep "$HERE/models/ec_order_asis.yaml" $COMMON --vary headcount.事務スタッフ=2,3 --format text
"$FLOWMAP" sweep "$HERE/models/ec_order_asis.yaml" $COMMON --vary headcount.事務スタッフ=2,3 --format html -o "$OUT/peak_asis.html"

echo "== to-be (next-day batch, one customer system): three or four in the warehouse?"
# shellcheck disable=SC2086
"$FLOWMAP" sweep "$HERE/models/ec_order_tobe.yaml" $COMMON --vary headcount.物流チーム=3,4 --format text
"$FLOWMAP" sweep "$HERE/models/ec_order_tobe.yaml" $COMMON --vary headcount.物流チーム=3,4 --format html -o "$OUT/peak_tobe.html"
