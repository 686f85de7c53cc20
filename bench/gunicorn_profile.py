"""A gunicorn config that profiles each worker (`bench/profile_gunicorn.py` uses it).

cProfile (in CPU time) runs from the worker's start to its exit, so it sees what a
request costs outside the view too: gunicorn's parsing and access log, the WSGI
adapter, Flask's hooks and teardown, the connection pools. Each worker writes
`PROFILE_DIR/worker-<pid>.prof` when it exits (SIGTERM to the arbiter).
"""

import os

workers = 2
loglevel = "warning"


def post_worker_init(worker):
    import cProfile
    import time

    if os.environ.get("PROFILE_SPLIT"):
        return _split(worker)

    worker.profiler = cProfile.Profile(time.process_time)
    worker.profiler.enable()


def worker_exit(server, worker):
    split = getattr(worker, "split", None)
    if split is not None and split["requests"]:
        t = os.times()
        print(
            f"worker {worker.pid}: {split['requests']} requests, in the app "
            f"{split['app'] * 1000 / split['requests']:.3f} ms CPU each; whole worker "
            f"user {t.user:.2f} s system {t.system:.2f} s",
            flush=True,
        )
    profiler = getattr(worker, "profiler", None)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(os.path.join(os.environ["PROFILE_DIR"], f"worker-{worker.pid}.prof"))


def _split(worker):
    """PROFILE_SPLIT=1: no cProfile; the CPU spent inside the app (the WSGI call and its
    body) against the worker's whole CPU, user and system apart, printed at exit."""
    import time

    app = worker.wsgi
    worker.split = {"app": 0.0, "requests": 0}

    def timed(environ, start_response):
        started = time.process_time()
        try:
            body = app(environ, start_response)
            chunks = list(body)
            if hasattr(body, "close"):
                body.close()
            return chunks
        finally:
            worker.split["app"] += time.process_time() - started
            worker.split["requests"] += 1

    worker.wsgi = timed
