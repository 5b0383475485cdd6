"""Re-encrypt every encrypted field under the current key and recompute blind indexes.

Run after adding a new key to SIFASUO_FIELD_KEYS and pointing SIFASUO_FIELD_KEY_ID at it
(the old key stays in the ring until this finishes), or after changing the blind-index key.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from sifasuo.core import audit
from sifasuo.core.fields import BlindIndexField, EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields with the current key; recompute blind indexes."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
            count = self._rewrite(model, fields, indexes, options["batch_size"])
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")

    def _rewrite(self, model: Any, fields: list[Any], indexes: list[Any], size: int) -> int:
        count = 0
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), size):
            with transaction.atomic():
                for obj in model._default_manager.filter(pk__in=pks[start : start + size]):
                    values = {f.attname: getattr(obj, f.attname) for f in fields}
                    for index in indexes:
                        plain = values.get(index.source) or getattr(obj, index.source)
                        values[index.attname] = index.index_of(plain) if plain else None
                    # update() skips save(): the version stays, as nothing visible changed.
                    model._default_manager.filter(pk=obj.pk).update(**values)
                    count += 1
        with transaction.atomic():
            audit.record(
                "reencrypt",
                username=audit.command_user(),
                object_type=model._meta.label_lower,
                changes={"rows": count},
            )
        return count
