"""Locust users of bench/run.py when wrk is missing: one page, one user's sessions rotated.

Environment as for ``bench/wrk.lua``: BENCH_PATH, BENCH_COOKIES ("a|b|…"), BENCH_THINK_MS.
"""

from __future__ import annotations

import itertools
import os

from locust import HttpUser, between, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
COOKIES = itertools.cycle(os.environ.get("BENCH_COOKIES", "").split("|"))
THINK = int(os.environ.get("BENCH_THINK_MS", "0")) / 1000


class PageUser(HttpUser):
    wait_time = between(THINK / 2, THINK * 1.5) if THINK else constant(0)

    def on_start(self) -> None:
        self.cookie = next(COOKIES)

    @task
    def page(self) -> None:
        with self.client.get(
            PATH, headers={"Cookie": self.cookie}, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
