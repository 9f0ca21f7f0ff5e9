"""Each request observed once, outermost: its id (taken from the edge or made, and returned),
its metrics (newsportal/metrics.py), its log line (newsportal/logs.py) and the minute counts of
the site health page (newsportal/traffic.py)."""

import time

from newsportal import logs, metrics, traffic


class ObserveMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.id = logs.request_id(request)
        token = logs.current_request_id.set(request.id)
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            response["X-Request-Id"] = request.id
            view = metrics.view_label(request)
            metrics.observe(request, response, view, seconds)
            # The edge's health checks and Prometheus' scrapes, every few seconds, are no
            # traffic, and logged only when they fail.
            probe = view in metrics.PROBES
            if not probe or response.status_code >= 400:
                logs.request_line(request, response, view, seconds)
            if not probe:
                traffic.count(view, response.status_code, response.get("X-Cache"), seconds)
            return response
        finally:
            logs.current_request_id.reset(token)
