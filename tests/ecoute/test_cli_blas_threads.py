from __future__ import annotations

import subprocess
import sys

from ecoute.cli import one_blas_thread


def test_the_command_pins_openblas_to_one_thread_unless_configured() -> None:
    environ: dict[str, str] = {}
    one_blas_thread(environ)
    assert environ == {"OPENBLAS_NUM_THREADS": "1"}
    configured = {"OPENBLAS_NUM_THREADS": "4"}
    one_blas_thread(configured)
    assert configured == {"OPENBLAS_NUM_THREADS": "4"}


def test_loading_the_command_does_not_import_numpy_before_the_thread_count_is_set() -> None:
    """OpenBLAS reads ``OPENBLAS_NUM_THREADS`` once, when numpy loads: if importing ``ecoute.cli``
    imported numpy, ``main`` would set it too late."""
    code = "import sys, ecoute.cli; sys.exit('numpy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
