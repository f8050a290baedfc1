"""gunicorn's settings for plantracker: ``gunicorn -c python:plantracker.gunicorn_conf
plantracker.wsgi:application --bind ...`` (docs/deployment.md#the-web-server, ADR 0090).

One process per CPU core, each serving requests on several threads. Each process keeps its
own evaluated plans (ADR 0064) and computes them again after every write, once however many
of its threads ask at the same time (``tracker.selectors.cached``): fewer processes compute
fewer copies. The threads let cheap requests (a warm page, `/healthz`, a report's "being
prepared") be served while another thread evaluates the plan or waits for the database,
instead of queueing behind it as they do behind a single-threaded worker.

The deployment's own systemd unit, `make run` (``plantracker demo``), the load test
(``benchmarks/load.py``) and the two-server test all start gunicorn with this file. Options
on gunicorn's command line or in ``GUNICORN_CMD_ARGS`` (e.g. ``--workers 4``) override it.
"""

from __future__ import annotations

import os

# The cores this process may run on (a container's or a CPU set's, not the host's).
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

worker_class = "gthread"
workers = max(2, CORES)
threads = 4
# No request renders a report (ADR 0067): the timeout is only a margin for slow clients.
timeout = 120
