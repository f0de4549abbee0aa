#!/usr/bin/env bash
# test_completion.sh - bash completion (scripts/vdcsim-completion.bash) and
# the man page (scripts/make-man, docs/vdcsim.1): subcommands, flags and
# scenario keys complete; the committed man page is what make-man writes
# from the --help texts, and groff formats it without warnings.
# Args: VDCSIM SOURCE_DIR WORK_DIR
set -u
vdcsim=$1; src=$2; work=$3/completion
source "$src/tests/cli_lib.sh"
cli_begin
source "$src/scripts/vdcsim-completion.bash"

# complete WORD... : COMPREPLY for the command line "vdcsim WORD..." with the
# cursor on the last word.
complete_line() {
  COMP_WORDS=("$vdcsim" "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _vdcsim
}
has() { printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$1"; }

complete_line sw;                 has sweep && ok || bad "'sw' -> sweep"
complete_line e;                  has export && ok || bad "'e' -> export"
complete_line sweep x.cfg --re;   has --replications && ok || bad "sweep --re -> --replications"
complete_line run x.cfg --set simulation.unt
has simulation.until= && ok || bad "--set simulation.unt -> simulation.until="
complete_line run x.cfg --set hosts.
has 'hosts.[0].count=' && ok || bad "--set hosts. -> hosts.[0].count="
has 'hosts=' && bad "a list is not a key to set" || ok
complete_line metrics --js;       has --json && ok || bad "metrics --js -> --json"
complete_line v;                  has verify && ok || bad "'v' -> verify"
complete_line verify r.h5 p.cfg --fa; has --fail-on-violation && ok || bad "verify --fa -> --fail-on-violation"
complete_line op;                 has optimal && ok || bad "'op' -> optimal"
complete_line optimal x.cfg --objective b; has balance && ok || bad "optimal --objective b -> balance"

scripts_out=$("$src/scripts/make-man" "$vdcsim")
[ "$scripts_out" = "$(cat "$src/docs/vdcsim.1")" ] && ok || bad "docs/vdcsim.1 is not scripts/make-man's output (regenerate it)"
warnings=$(groff -man -Tutf8 -ww -z "$src/docs/vdcsim.1" 2>&1)
[ -z "$warnings" ] && ok || bad "groff warnings: $warnings"
grep -q '^\.SS sweep$' "$src/docs/vdcsim.1" && ok || bad "the man page has a sweep section"
cli_end
