# vdcsim-completion.bash - bash completion for vdcsim: subcommands, their
# flags, files, and scenario keys after --set (from `vdcsim keys`, list
# elements shown as [0]). Use:  source scripts/vdcsim-completion.bash
# (or copy it to /usr/share/bash-completion/completions/vdcsim).

# "key=" for every scenario key that holds a value, cached per shell.
_vdcsim_keys() {
  if [[ -z ${_vdcsim_key_cache-} ]]; then
    _vdcsim_key_cache=$("$1" keys 2>/dev/null |
      awk -F'|' '/^\| `/ { k = $2; t = $3; gsub(/[ `]/, "", k); gsub(/ /, "", t)
                           if (t != "group" && t != "list") { gsub(/\[\]/, "[0]", k); print k "=" } }')
  fi
}

_vdcsim() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local commands="run check summary metrics export report verify optimal sweep keys policies failures"
  if ((COMP_CWORD == 1)); then
    mapfile -t COMPREPLY < <(compgen -W "$commands --help --version --modules" -- "$cur")
    return
  fi
  case $prev in
    --set)
      _vdcsim_keys "${COMP_WORDS[0]}"
      compopt -o nospace 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -W "$_vdcsim_key_cache" -- "$cur")
      return ;;
    -o | --output | --csv | --plugin | --traces)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return ;;
    --solver)
      mapfile -t COMPREPLY < <(compgen -W "glpk cbc z3" -- "$cur")
      return ;;
    --objective)
      mapfile -t COMPREPLY < <(compgen -W "hosts balance" -- "$cur")
      return ;;
    --jobs | -j | --threads | --seed | --until | --replications | --group-window | --time-limit | --openb)
      COMPREPLY=()
      return ;;
  esac
  local flags="--help"
  case ${COMP_WORDS[1]} in
    run) flags="-o --threads --seed --until --set --plugin --traces --quiet --force --mpi --help" ;;
    run) flags="-o --threads --seed --until --set --plugin --traces --quiet --force --fail-on-violation --help" ;;
    check) flags="--set --plugin --traces --help" ;;
    policies) flags="--plugin --help" ;;
    metrics) flags="--csv --json --reference --help" ;;
    export) flags="--csv --help" ;;
    report) flags="-o --output --help" ;;
    verify) flags="--json --fail-on-violation --help" ;;
    optimal) flags="--objective --time-limit --solver --compare --openb --traces --set --help" ;;
    sweep) flags="--jobs -o --set --replications --dry-run --quiet --help" ;;
    failures) flags="fit --group-window --help" ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}
complete -F _vdcsim vdcsim
