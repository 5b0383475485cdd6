"""Move the second factors out of django-otp's plaintext tables (SECURITY.md check 19).

Forward: every ``otp_totp.TOTPDevice`` becomes an ``accounts.AuthenticatorDevice`` whose
secret is SM4-encrypted (the field encrypts on save), with its step, drift, ``last_t``,
throttling state and timestamps; every ``otp_static.StaticDevice`` becomes an
``accounts.RecoveryDevice`` and each of its tokens a ``RecoveryCode`` holding only the
code's keyed HMAC-SM3. The old rows are deleted, so no plaintext secret stays behind.

Backward: the authenticator devices go back to ``otp_totp`` (decrypted). A recovery code
cannot be recovered from its hash: the recovery devices go back without codes, and their
users get new codes by enrolling again (the security administrator resets two-factor).

Sessions verified with an old device name it by ``otp_totp.totpdevice/<id>``: after the
move they are asked for a code again.
"""

from django.db import migrations

TOTP_FIELDS = ("name", "confirmed", "step", "t0", "digits", "tolerance", "drift", "last_t")
THROTTLE_FIELDS = ("throttling_failure_timestamp", "throttling_failure_count", "last_used_at")
RECOVERY_CODE_PURPOSE = "accounts.recovery_code"  # as sifasuo.accounts.models


def _copy_device(source, target_model, extra):
    """Create the copy of ``source``; keep its creation time (auto_now_add would not)."""
    values = {f: getattr(source, f) for f in THROTTLE_FIELDS}
    values.update(extra)
    copy = target_model.objects.create(
        user_id=source.user_id, name=source.name, confirmed=source.confirmed, **values
    )
    target_model.objects.filter(pk=copy.pk).update(created_at=source.created_at)
    return copy


def forward(apps, schema_editor):
    from sifasuo.core import crypto

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    AuthenticatorDevice = apps.get_model("accounts", "AuthenticatorDevice")
    RecoveryDevice = apps.get_model("accounts", "RecoveryDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")

    for old in TOTPDevice.objects.order_by("pk"):
        extra = {f: getattr(old, f) for f in TOTP_FIELDS if f not in ("name", "confirmed")}
        _copy_device(old, AuthenticatorDevice, {**extra, "key": old.key})
    TOTPDevice.objects.all().delete()

    for old in StaticDevice.objects.order_by("pk"):
        new = _copy_device(old, RecoveryDevice, {})
        RecoveryCode.objects.bulk_create(
            RecoveryCode(
                device=new,
                code_hash=crypto.blind_index(token, purpose=RECOVERY_CODE_PURPOSE),
            )
            for token in StaticToken.objects.filter(device=old).values_list("token", flat=True)
        )
    StaticDevice.objects.all().delete()  # the tokens go with their devices (CASCADE)


def backward(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    AuthenticatorDevice = apps.get_model("accounts", "AuthenticatorDevice")
    RecoveryDevice = apps.get_model("accounts", "RecoveryDevice")

    for new in AuthenticatorDevice.objects.order_by("pk"):
        extra = {f: getattr(new, f) for f in TOTP_FIELDS if f not in ("name", "confirmed")}
        _copy_device(new, TOTPDevice, {**extra, "key": new.key})
    AuthenticatorDevice.objects.all().delete()

    for new in RecoveryDevice.objects.order_by("pk"):
        _copy_device(new, StaticDevice, {})  # without codes: only their hashes were kept
    RecoveryDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_encrypted_otp_devices"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(forward, backward)]
