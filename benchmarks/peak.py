"""Peak memory of the current process alone, for the benchmarks' fresh child processes.

``ru_maxrss`` is not that on Linux: it keeps the peak of the memory the process had before
``exec``, which is the forking parent's (a benchmark that has just generated a 100,000-matter
catalog in memory, or a grown pytest worker). ``VmHWM`` in ``/proc/self/status`` is the peak
of this process's own address space.
"""

from __future__ import annotations

import resource

# Run as ``python -c CONSOLE_WITH_PEAK ARGS…``: the qingdan command line, which writes its own
# peak (KB) to the file named by QINGDAN_BENCH_PEAK when it exits.
CONSOLE_WITH_PEAK = (
    "import atexit, os, sys; sys.path.insert(0, os.environ['QINGDAN_BENCH_DIR']); import peak; "
    "atexit.register(lambda: open(os.environ['QINGDAN_BENCH_PEAK'], 'w').write(str(peak.own_peak_kb()))); "
    "from qingdan.cli import console_main; console_main()"
)


def own_peak_kb() -> int:
    """The peak resident memory of this process's own address space, in KB (``ru_maxrss`` where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
