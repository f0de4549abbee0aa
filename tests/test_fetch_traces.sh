#!/usr/bin/env bash
# test_fetch_traces.sh - scripts/fetch-traces on a local "upstream" (file://
# URLs), since the real sources cannot be reached here: files whose SHA-256
# matches the list are kept (names with spaces, a file decompressed from a
# downloaded .xz), a file that does not match is deleted and the exit is 1,
# an unsafe path in a sources list is refused, a second run downloads nothing,
# and every shipped list is well formed (one tab-separated line per file,
# 64-hex SHA-256, a base URL). Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
src=$2; work=$3/fetch
source "$src/tests/cli_lib.sh"
cli_begin
command -v curl >/dev/null || { echo "SKIP: curl is not installed (scripts/install-deps installs it)"; exit 77; }
fetch=$src/scripts/fetch-traces

mkdir -p up/sub srcs
printf 'time,cpu\n0,1\n' >"up/sub/a b.csv"
printf 'x\n1\n2\n' >plain.csv && xz -c plain.csv >up/x.csv.xz
sha() { sha256sum -- "$1" | cut -c1-64; }
{
  printf 'base\tfile://%s/up\n' "$PWD"
  printf 'derive\txz-d\tx.csv.xz\tx.csv\n'
  printf '%s\t=\tsub/a b.csv\n' "$(sha "up/sub/a b.csv")"
  printf '%s\t=\tx.csv.xz\n' "$(sha up/x.csv.xz)"
  printf '%s\t-\tx.csv\n' "$(sha plain.csv)"
} >srcs/good.txt
expect_status 0 "good list" "$fetch" --sources srcs --dest d good
cmp -s "d/good/sub/a b.csv" "up/sub/a b.csv" && ok || bad "file with a space not fetched"
cmp -s d/good/x.csv plain.csv && ok || bad "x.csv not decompressed from x.csv.xz"
expect_status 0 "second run" "$fetch" --sources srcs --dest d good
grep -q "3 files present and checked, 0 failed" out.txt && ok || bad "second run: $(tail -1 out.txt)"

# one wrong checksum: that file is deleted (no .part left), the others kept, exit 1
sed "s/^$(sha "up/sub/a b.csv")/$(printf '0%.0s' $(seq 64))/" srcs/good.txt >srcs/bad.txt
expect_status 1 "wrong checksum" "$fetch" --sources srcs --dest d bad
expect_err "expected 0000000000000000000000000000000000000000000000000000000000000000: deleted" "checksum message"
[ ! -e "d/bad/sub/a b.csv" ] && ok || bad "a file with a wrong checksum was kept"
[ -z "$(find d/bad -name '*.part')" ] && ok || bad "a .part file was left"
[ -f d/bad/x.csv ] && ok || bad "the good files of a list with one bad file were not kept"

{ printf 'base\tfile://%s/up\n' "$PWD"; printf '%s\t=\t../evil.csv\n' "$(sha plain.csv)"; } >srcs/evil.txt
expect_status 1 "unsafe path" "$fetch" --sources srcs --dest d evil
expect_err "unsafe path '../evil.csv'" "unsafe path message"
[ ! -e d/evil.csv ] && ok || bad "wrote outside the trace folder"
expect_status 2 "unknown trace" "$fetch" --sources srcs --dest d nosuch
expect_status 2 "bad option" "$fetch" --nope

# the shipped lists
for f in "$src"/traces/sources/*.txt; do
  n=$(awk -F'\t' '!/^#/ && $1 != "base" && $1 != "derive" && !(NF == 3 && length($1) == 64 && $1 ~ /^[0-9a-f]+$/)' "$f" | wc -l)
  [ "$n" = 0 ] && ok || bad "$(basename "$f"): $n malformed lines"
  grep -qP '^base\thttps://' "$f" && ok || bad "$(basename "$f"): no https base URL"
done
expect_status 0 "--list" "$fetch" --list
grep -qx alibaba-gpu-v2023-openb out.txt && ok || bad "--list lacks alibaba-gpu-v2023-openb"
cli_end
