"""The forms of the contacts import page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.contacts import transfer


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A vCard file (.vcf) or a CSV file, as Apple Contacts, Google Contacts or "
            "Outlook export them."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Tell from the file")), (transfer.VCARD, "vCard"), (transfer.CSV, "CSV")],
        required=False,
    )


class ImportConfirmForm(forms.Form):
    skip_duplicates = forms.BooleanField(
        label=_("Leave out the duplicates"),
        help_text=_("Contacts whose e-mail address you already have."),
        required=False,
        initial=True,
    )
