"""One input policy for text, used by every API serializer and every web form.

- **Single-line text** (titles, names, display names, kinds …): no line breaks and no
  control characters at all.
- **Multi-line text** (notes, descriptions, rationale, reasons …): no control characters
  other than line breaks (LF, and CR as browsers send CRLF from a text area) and tab.

"Control characters" are Unicode's C0 and C1 ranges and DEL, plus the line and paragraph
separators U+2028/U+2029 (which some clients render as a line break). The API applies the
policy to every writable string field (`apps.core.api.serializers`, a text-area field is
multi-line), a form through `TextPolicyForm`; the error names the field, as every other 400.

Values stored before the policy may still hold such characters: whatever builds a header or
a one-line text for another program (an e-mail subject, a calendar's SUMMARY) passes the
stored value through `one_line`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The characters each kind refuses, as a regular-expression class body that Python and
# ECMAScript (the schema's `pattern`) read alike.
_C1_AND_SEPARATORS = r"\u007f-\u009f\u2028\u2029"
SINGLE_LINE_REFUSES = rf"\u0000-\u001f{_C1_AND_SEPARATORS}"
MULTI_LINE_REFUSES = rf"\u0000-\u0008\u000b\u000c\u000e-\u001f{_C1_AND_SEPARATORS}"
# \A … \Z, so `$` cannot match before a final line break; drf-spectacular turns them into
# ECMA anchors.
SINGLE_LINE_PATTERN = rf"\A[^{SINGLE_LINE_REFUSES}]*\Z"
MULTI_LINE_PATTERN = rf"\A[^{MULTI_LINE_REFUSES}]*\Z"


@deconstructible
class TextPolicy:
    """A validator of one kind of text. Not a `RegexValidator` on purpose: the schema states
    the policy itself (`apps.core.api.schema`), for requests only, since stored values may
    predate it."""

    def __init__(self, pattern: str, *, message: StrOrPromise, code: str) -> None:
        self.regex = re.compile(pattern)
        self.message = message
        self.code = code

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and not self.regex.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextPolicy) and other.regex.pattern == self.regex.pattern

    def __hash__(self) -> int:
        return hash(self.regex.pattern)


single_line = TextPolicy(
    SINGLE_LINE_PATTERN,
    message=_("Use one line, without line breaks or control characters."),
    code="single_line",
)
multi_line = TextPolicy(
    MULTI_LINE_PATTERN,
    message=_("Remove the control characters (line breaks and tabs are fine)."),
    code="control_characters",
)

_UNSAFE_IN_ONE_LINE = re.compile(rf"[{SINGLE_LINE_REFUSES}]+")


def one_line(value: str) -> str:
    """`value` as one line: every run of line breaks and control characters becomes a space.
    For headers and one-line fields built from stored values, which may predate the policy."""
    return " ".join(_UNSAFE_IN_ONE_LINE.sub(" ", value).split())


def policy_for(*, multi: bool) -> TextPolicy:
    return multi_line if multi else single_line


def refused_by(policy: TextPolicy) -> str:
    """The class body of characters `policy` refuses (for a schema's pattern)."""
    return MULTI_LINE_REFUSES if policy is multi_line else SINGLE_LINE_REFUSES


class TextPolicyForm(forms.Form):
    """A form whose text fields follow the policy: a field with a text area is multi-line,
    any other text field single-line (passwords are left alone: they are never shown)."""

    def full_clean(self) -> None:
        # At cleaning, not in __init__: some forms add fields of their own after it.
        apply_to_form_fields(self.fields)
        super().full_clean()


def apply_to_form_fields(fields: dict[str, forms.Field]) -> None:
    for field in fields.values():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        validator = policy_for(multi=isinstance(field.widget, forms.Textarea))
        if validator not in field.validators:
            field.validators.append(validator)
