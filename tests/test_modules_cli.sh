#!/usr/bin/env bash
# test_modules_cli.sh - vdcsim's optional modules (sim/builtin_module.h) as
# an installed program finds them: a copy of vdcsim laid out as `cmake
# --install` lays it out (bin/vdcsim, lib/vdcsim/*.so), outside the build
# tree, in a directory whose name HTML must escape. The module there is
# found and works; a module that is not there is reported with the path
# looked at; a module or directory that others may write is refused, named;
# a report drawn by a program without the PLplot module says why, escaped,
# and shows no image.
set -u
vdcsim=$1; src=$2; work=$3/modules_cli
source "$src/tests/cli_lib.sh"
cli_begin
mods=$(dirname "$vdcsim")/modules
if [ ! -f "$mods/vdcsim_mip_glpk.so" ]; then
  echo "SKIP: this build has no GLPK module (libglpk-dev)"; exit 77
fi
root=$(mktemp -d /tmp/vdcsim-mods.XXXXXX) || exit 1
trap 'chmod -R u+w,o-w "$root" 2>/dev/null; rm -rf "$root"' EXIT
inst="$root/x <a&b>"
mkdir -p "$inst/bin" "$inst/lib/vdcsim" && cp "$vdcsim" "$inst/bin/vdcsim" &&
  cp "$mods/vdcsim_mip_glpk.so" "$inst/lib/vdcsim/" && chmod 755 "$inst/lib/vdcsim" || exit 1
copy=$inst/bin/vdcsim

expect_status 0 "--modules of the copy" "$copy" --modules
grep -qF "vdcsim_mip_glpk  $inst/bin/../lib/vdcsim/vdcsim_mip_glpk.so" out.txt && ok \
  || bad "--modules names the installed GLPK module: $(grep glpk out.txt)"
grep -qF "vdcsim_mip_cbc   module vdcsim_mip_cbc.so not found (looked for $inst/bin/../lib/vdcsim/vdcsim_mip_cbc.so)" \
  out.txt && ok || bad "--modules says where CBC was looked for: $(grep mip_cbc out.txt)"

# 30 + 30 + 40 GiB and 40 GiB on 100 GiB hosts: 2 hosts at the optimum
cat > two.cfg <<CFG
hosts = ( { name = "esx"; count = 3; sockets = 1; cores_per_socket = 16; memory = "100GiB"; } );
vms = ( { name = "a"; count = 2; memory = "30GiB"; cpu_demand = { kind = "constant"; mean = "100MHz"; }; },
        { name = "b"; count = 2; memory = "40GiB"; cpu_demand = { kind = "constant"; mean = "100MHz"; }; } );
CFG
expect_status 0 "optimal through the installed GLPK module" "$copy" optimal two.cfg --solver glpk
grep -q "optimum:    2 hosts (proven optimal)" out.txt && ok || bad "GLPK's optimum: $(head -3 out.txt)"
expect_status 1 "optimal with a solver whose module is not there" "$copy" optimal two.cfg --solver cbc
expect_err "module vdcsim_mip_cbc.so not found (looked for $inst/bin/../lib/vdcsim/vdcsim_mip_cbc.so)" \
  "the missing module's path"

chmod o+w "$inst/lib/vdcsim"
expect_status 1 "a module directory others may write" "$copy" optimal two.cfg --solver glpk
expect_err "refused directory $inst/lib/vdcsim" "the refused directory is named"
chmod o-w "$inst/lib/vdcsim"; chmod o+w "$inst/lib/vdcsim/vdcsim_mip_glpk.so"
expect_status 1 "a module others may write" "$copy" optimal two.cfg --solver glpk
expect_err "refused module $inst/lib/vdcsim/vdcsim_mip_glpk.so" "the refused module is named"
chmod o-w "$inst/lib/vdcsim/vdcsim_mip_glpk.so"

# a report without the PLplot module: the figures' data, and why there is no drawing
expect_status 0 "a run to report on" "$vdcsim" run "$src/scenarios/quickstart.cfg" --until 1h -o r.h5 --quiet
expect_status 0 "report from the copy" "$copy" report r.h5 -o rep
grep -qF "This vdcsim draws no figures (module vdcsim_plot.so not found (looked for $root/x &lt;a&amp;b&gt;/bin/../lib/vdcsim/vdcsim_plot.so))" \
  rep/index.html && ok || bad "index.html says why, escaped: $(grep -o 'This vdcsim[^<]*' rep/index.html)"
grep -q "<img" rep/index.html && bad "index.html shows an image that was not drawn" || ok
[ -s rep/cpu.csv ] && [ ! -e rep/cpu.png ] && ok || bad "the data without the drawing"
cli_end
