"""Each later app's contribution to the URL walker and the permission matrix.

An app lists, in ``tests/<app>/walker.py``: its public routes (``PUBLIC``), the model of
each page route that names a record (``ROUTE_MODELS``), keyword arguments that name no
record (``NON_OBJECT_VALUES``), the records of 西一路 the walker tries
(``walker_records(office_clerk)``) and its lines of the permission matrix
(``MATRIX_MODELS``), and optionally the citizens' own pages (``CITIZEN_ROUTES``).
Adding an app here is the only edit the shared tests need.
"""

from __future__ import annotations

from tests.correction import walker as correction
from tests.governance import walker as governance
from tests.legalservice import walker as legalservice
from tests.portal import walker as portal
from tests.publicity import walker as publicity
from tests.resettlement import walker as resettlement
from tests.stats import walker as stats
from tests.workorders import walker as workorders

WALKERS = (
    legalservice,
    portal,
    correction,
    resettlement,
    governance,
    publicity,
    workorders,
    stats,
)
