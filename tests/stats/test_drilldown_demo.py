"""On the demo data, every dashboard figure's drill-down list counts exactly the figure.

Drives the seeded demo server (``tests/browsing.py``) as a city officer, a district officer
and an office clerk. For every module of ``reports.REPORTS`` (whatever modules are there),
it reads the figures of this year from the JSON API ``/api/v1/stats/<module>/`` (session
authentication: the logged-in page's own cookies), builds each figure's drill-down link as
the dashboard does (``reports.records_url``: the summary figures, every breakdown cell and
every unit of the comparison) and reads the count the list shows:

- on the generic page ``stats:records``: ``data-count`` (``data-sum`` for a sum, ``data-value``
  for a figure that is not a count, such as a percentage);
- on a module's own list (``mediation:case_list``): the count it displays
  (``.sf-result-count``), and the same figure on ``stats:records`` as well, since that list
  has no machine-readable count and shows no sum.

The browser test that runs it is in ``tests/stats/test_browser.py`` (the suite keeps every
test of the seeded server in a ``test_browser.py`` file): ``check_demo_drilldowns``.

Breakdown cells use ``breakdown=<name>&key=<value>`` on the generic page and
``<parameter>=<value>`` on a module list (issue 8's decisions).
"""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from sifasuo.core.measures import Measure, registry
from sifasuo.stats import reports
from sifasuo.stats.specs.base import BY_UNIT
from tests.browsing import PHONE, login

GENERIC = "stats:records"
USERS = ("city_officer", "xincheng_reviewer", "xiyilu_clerk")
BUDGET_SECONDS = 300  # the three users together: ~170 s measured on a loaded 2-core machine
COUNT = re.compile(r'data-count="(\d+)"')
SUM = re.compile(r'data-sum="([-\d.]+)"')
VALUE = re.compile(r'data-value="([-\d.]+)"')
RESULT_COUNT = re.compile(r'class="sf-result-count"[^>]*>([^<]*)<')


def _generic_link(code: str, unit: str, period: Any, filters: dict[str, str]) -> str:
    """The figure on ``stats:records`` (what ``reports.records_url`` gives for its specs)."""
    params = {"measure": code, "unit": unit, **period.params(), **filters}
    return f"{reverse(GENERIC)}?{urlencode(params)}"


def _links(spec: Any, data: dict[str, Any], period: Any) -> list[tuple[str, Any, str, str, str]]:
    """Every figure of a report: (what, its value, measure code, list link, generic link)."""
    unit = data["unit"]
    found: list[Any] = []

    def add(
        what: str, value: Any, code: str, unit_code: str, name: str = "", key: str = ""
    ) -> None:
        if name:
            module_filters = {spec.breakdowns[name].parameter: key}
            generic_filters = {"breakdown": name, "key": key}
        else:
            module_filters = generic_filters = {}
        filters = generic_filters if spec.records_url_name == GENERIC else module_filters
        link = reports.records_url(spec, code=code, unit=unit_code, period=period, **filters)
        generic = _generic_link(code, unit_code, period, generic_filters)
        found.append((what, value, code, link, generic))

    for key, code in spec.figures.items():
        add(key, data[key], code, unit)
    if spec.breakdown_figure:
        code = spec.figures[spec.breakdown_figure]
        for name in spec.breakdowns:
            for key, n in data[name].items():
                add(f"{name}[{key}]", n, code, unit, name, key)
    if spec.comparison_figure:
        code = spec.figures[spec.comparison_figure]
        for row in data[BY_UNIT]:
            add(f"{BY_UNIT}[{row['code']}]", row["total"], code, row["code"])
    return found


def _shown(html: str) -> dict[str, Decimal]:
    shown: dict[str, Decimal] = {}
    for name, pattern in (("count", COUNT), ("sum", SUM), ("value", VALUE)):
        if match := pattern.search(html):
            shown[name] = Decimal(match.group(1))
    return shown


def _expected_on_generic(measure: Measure, value: Any, shown: dict[str, Decimal]) -> str:
    """An empty string when the generic page shows ``value``, else what differs."""
    if measure.sum_field:
        return "" if shown.get("sum") == Decimal(str(value)) else f"sum {shown.get('sum')}"
    if "value" in shown:
        return "" if shown["value"] == Decimal(str(value)) else f"value {shown['value']}"
    return "" if shown.get("count") == Decimal(str(value)) else f"count {shown.get('count')}"


def check_figures(request: Any, server: str, year: int) -> tuple[int, list[str]]:
    """Compare every figure of every module with its drill-down list, as the logged-in user.

    ``request`` is a Playwright ``APIRequestContext`` carrying the user's session. Returns
    the number of figures checked and a line for each list whose count is not the figure.
    """
    period = reports.Period(year)
    wrong: list[str] = []
    seen = 0
    for module, spec in reports.REPORTS.items():
        # given: the module's figures for the user's own unit, this year
        api = request.get(f"{server}/api/v1/stats/{module}/?year={year}")
        if api.status != 200:
            wrong.append(f"{module}: the API answers {api.status} {api.text()[:200]}")
            continue
        for what, value, code, link, generic in _links(spec, api.json(), period):
            measure = registry.get(code)
            # when: the figure's drill-down list
            response = request.get(f"{server}{link}")
            label = f"{module}.{what}={value} {link}"
            if response.status != 200:
                wrong.append(f"{label}: HTTP {response.status}")
                continue
            html = response.text()
            # then: the list's count is the figure
            if spec.records_url_name != GENERIC:
                if not measure.sum_field:
                    match = RESULT_COUNT.search(html)
                    digits = re.sub(r"\D", "", match.group(1)) if match else ""
                    if digits != str(value):
                        wrong.append(f"{label}: the list shows {digits or 'no count'}")
                html = request.get(f"{server}{generic}").text()
            if problem := _expected_on_generic(measure, value, _shown(html)):
                wrong.append(f"{label}: {problem}")
            seen += 1
    return seen, wrong


def check_demo_drilldowns(server: str, browser: Any) -> None:
    """The test's body: browser tests live in ``test_browser.py`` (``tests/conftest.py``), so
    ``tests/stats/test_browser.py`` calls this with its ``server`` and ``browser`` fixtures."""
    year = timezone.localdate().year
    started = time.monotonic()
    wrong: list[str] = []
    checked: dict[str, int] = {}
    for username in USERS:
        # given: the user logged in on a phone
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        context.set_default_timeout(20_000)
        try:
            page = context.new_page()
            login(page, server, username)
            # when / then: every figure of every module against its list
            seen, problems = check_figures(page.request, server, year)
        finally:
            context.close()
        checked[username] = seen
        wrong += [f"{username} {line}" for line in problems]
    elapsed = time.monotonic() - started
    assert wrong == [], "\n".join(wrong[:40])
    # every user checked figures of every module; the requests stayed within the budget
    assert all(checked[user] >= len(reports.REPORTS) for user in USERS), checked
    assert elapsed < BUDGET_SECONDS, f"{elapsed:.0f}s for {sum(checked.values())} figures"
