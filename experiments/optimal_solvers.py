#!/usr/bin/env python3
"""Solve times of the exact placement (vdcsim optimal) with GLPK, CBC and Z3.

Regenerates the solver table of docs/optimal.md:

    experiments/optimal_solvers.py [--vdcsim build/vdcsim] [--limit 10s] [--objective hosts]

Part 1: every shipped scenario (scenarios/*.cfg) with at_start VMs.
Part 2: generated instances of increasing size: N VMs of distinct random
memory sizes (uniform 4..128 GiB, seed 17, so every VM is its own type: the
hard case) on N/3 + 1 hosts of 256 GiB, written as scenarios to a temporary folder.
Part 3: ten uniform one-dimensional instances (seed 2026 + i): 36 VMs of
10..70 GiB each on 36 hosts of 100 GiB: the proofs that stall some solvers.
Prints markdown tables: solve CPU seconds, or "limit (gap g%)" when the
(wall) time limit was hit before the optimum was proven.
"""
import argparse
import glob
import os
import random
import re
import subprocess
import sys
import tempfile

SOLVERS = ["glpk", "cbc", "z3"]


def solve(vdcsim, path, solver, limit, objective):
    out = subprocess.run([vdcsim, "optimal", path, "--solver", solver, "--time-limit", limit,
                          "--objective", objective], capture_output=True, text=True)
    text = out.stdout
    if out.returncode != 0:
        return None, "error: " + out.stderr.strip()[:60]
    # CPU seconds: the machine may be shared, wall time is not comparable
    m = re.search(r"solve time: [0-9.]+ s \(CPU ([0-9.]+) s", text)
    secs = float(m.group(1)) if m else 0.0
    vm = re.search(r"(optimum|best found): +(.*)", text)
    value = vm.group(2) if vm else "?"
    if "proven optimal" in text:
        return secs, f"{secs:.3f}"
    if "infeasible" in text:
        return secs, f"{secs:.3f} (infeasible)"
    g = re.search(r"gap ([0-9.]+)%", text)
    return secs, f"limit (gap {g.group(1)}%)" if g else "limit (no bound)"


def instance(n, folder):
    rng = random.Random(17)
    path = os.path.join(folder, f"gen_{n}.cfg")
    with open(path, "w") as f:
        f.write('simulation = { seed = 1; until = "1h"; };\n')
        f.write(f'hosts = ( {{ name = "h"; count = {max(2, n // 3 + 1)}; sockets = 2; cores_per_socket = 16; '
                f'cpu = "2.6GHz"; memory = "256GiB"; }} );\n')
        f.write("vms = (\n")
        for i in range(n):
            mem = rng.randint(4, 128)
            sep = "," if i + 1 < n else ""
            f.write(f'  {{ name = "v{i}"; count = 1; vcpus = 2; memory = "{mem}GiB"; '
                    f'cpu_demand = {{ kind = "constant"; mean = "1GHz"; }}; }}{sep}\n')
        f.write(");\n")
    return path


def uniform_instance(i, folder):
    rng = random.Random(2026 + i)
    path = os.path.join(folder, f"uniform_{i}.cfg")
    with open(path, "w") as f:
        f.write('simulation = { seed = 1; until = "1h"; };\n')
        f.write('hosts = ( { name = "h"; count = 36; sockets = 2; cores_per_socket = 16; '
                'cpu = "2.6GHz"; memory = "100GiB"; } );\n')
        f.write("vms = (\n")
        for v in range(36):
            sep = "," if v + 1 < 36 else ""
            f.write(f'  {{ name = "v{v}"; count = 1; vcpus = 1; memory = "{rng.randint(10, 70)}GiB"; '
                    f'cpu_demand = {{ kind = "constant"; mean = "100MHz"; }}; }}{sep}\n')
        f.write(");\n")
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vdcsim", default="build/vdcsim")
    ap.add_argument("--limit", default="10s")
    ap.add_argument("--objective", default="hosts")
    ap.add_argument("--sizes", default="10,20,40,80,160,320,640")
    a = ap.parse_args()
    print(f"| scenario | {' | '.join(SOLVERS)} |")
    print("|---|" + "---|" * len(SOLVERS))
    totals = {s: 0.0 for s in SOLVERS}
    for path in sorted(glob.glob("scenarios/*.cfg")):
        row = []
        for s in SOLVERS:
            secs, cell = solve(a.vdcsim, path, s, a.limit, a.objective)
            totals[s] += secs or 0.0
            row.append(cell)
        print(f"| {os.path.basename(path)[:-4]} | {' | '.join(row)} |", flush=True)
    print(f"| total CPU seconds | {' | '.join(f'{totals[s]:.2f}' for s in SOLVERS)} |")
    print()
    print(f"| generated VMs / hosts | {' | '.join(SOLVERS)} |")
    print("|---|" + "---|" * len(SOLVERS))
    with tempfile.TemporaryDirectory() as folder:
        for n in [int(x) for x in a.sizes.split(",")]:
            path = instance(n, folder)
            row = [solve(a.vdcsim, path, s, a.limit, a.objective)[1] for s in SOLVERS]
            print(f"| {n} / {max(2, n // 3 + 1)} | {' | '.join(row)} |", flush=True)
        print()
        print(f"| uniform 36 VMs, seed | {' | '.join(SOLVERS)} |")
        print("|---|" + "---|" * len(SOLVERS))
        proven = {s: 0 for s in SOLVERS}
        for i in range(10):
            path = uniform_instance(i, folder)
            row = []
            for s in SOLVERS:
                cell = solve(a.vdcsim, path, s, a.limit, a.objective)[1]
                proven[s] += not cell.startswith("limit")
                row.append(cell)
            print(f"| {2026 + i} | {' | '.join(row)} |", flush=True)
        print(f"| proven | {' | '.join(f'{proven[s]} of 10' for s in SOLVERS)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
