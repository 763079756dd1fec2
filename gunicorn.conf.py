"""gunicorn settings of the checkout, read by ``gunicorn wsgi:app`` run here (or ``-c`` this file).

- The start-up checks run once, in the master before any worker boots: an unusable setting prints
  one line each and gunicorn exits 2, instead of every worker printing a traceback and gunicorn
  giving up with "Worker failed to boot".
- The workers share their Prometheus metrics through files in ``PROMETHEUS_MULTIPROC_DIR`` (a
  temporary directory unless the unit sets one), emptied at each start so old counts do not linger.
  It is set here, at load, because prometheus_client reads it when first imported.
"""
import os
import shutil
import tempfile
from pathlib import Path

_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="jingsai-metrics-")
_metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])


def on_starting(server):
    """gunicorn hook, once in the master before any worker boots: refuse unusable settings (exit 2, after
    removing our metrics directory) and empty the metrics directory of a previous run."""
    from app.startup_checks import enforce

    try:
        enforce()
    except SystemExit:
        on_exit(server)
        raise
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in _metrics_dir.glob("*.db"):
        stale.unlink()


def on_exit(server):
    """gunicorn hook at shutdown: remove the metrics directory if this file made it (a unit's own is left)."""
    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
