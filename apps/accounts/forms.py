from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Language
from apps.accounts.rules import valid_timezones


class SignUpForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    display_name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    timezone = forms.ChoiceField(label=_("Timezone"), initial="Europe/Berlin")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["timezone"].choices = [(tz, tz) for tz in sorted(valid_timezones())]  # type: ignore[attr-defined]
