"""A model choice filter whose options come from one ordinary query.

Django's ``ModelChoiceIterator`` reads its queryset with ``.iterator()``. On PostgreSQL,
outside a transaction, that is a server-side cursor declared ``WITH HOLD``: DECLARE, FETCH
and CLOSE, and the rows materialised at commit, for the dozen rows of a select box, on
every render of every filter form. A select's options are few by design (a list of
thousands is no select), so the filter reads them with one plain query, kept by the field's own
queryset for the form's lifetime (validation still queries afresh with ``.get()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import django_filters
from django.forms.models import ModelChoiceIterator
from django_filters import fields as filter_fields


class ListedModelChoiceIterator(ModelChoiceIterator):
    """Yield the choices of the field's queryset, fetched by one ordinary query."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class _FilterChoiceIterator(filter_fields.ModelChoiceIterator, ListedModelChoiceIterator):
    """django-filter's iterator (its null choice) over one plain query."""


class _FilterModelChoiceField(filter_fields.ModelChoiceField):
    iterator = _FilterChoiceIterator


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """``django_filters.ModelChoiceFilter`` with its options from one plain query."""

    field_class = _FilterModelChoiceField
