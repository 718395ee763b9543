"""Store every e-mail address in the one normal form (apps.core.email_address).

Addresses were stored lower-cased by Python; the normal form also applies NFKC and case
folding. Two accounts whose addresses meet in the normal form cannot both keep theirs: the
migration stops and names them, for an operator to decide (nothing is merged silently).
"""

from django.db import migrations

from apps.core.email_address import normalize_email_address


def normalize_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    seen: dict[str, int] = {}
    changes = []
    for pk, email in User.objects.order_by("pk").values_list("pk", "email"):
        normal = normalize_email_address(email)
        if normal in seen:
            raise RuntimeError(
                f"Accounts {seen[normal]} and {pk} have the same e-mail address in normal "
                f"form ({normal!r}): change one of them, then migrate again."
            )
        seen[normal] = pk
        if normal != email:
            changes.append((pk, normal))
    for pk, normal in changes:
        User.objects.filter(pk=pk).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_api_token")]

    operations = [migrations.RunPython(normalize_existing, migrations.RunPython.noop)]
