"""The portal's tests start and end with an empty SMS outbox (the test settings' backend)."""

from __future__ import annotations

import pytest

from sifasuo.core import sms


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()
