from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

QUERY_MAX = 200


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Words from the case"),
        required=False,
        max_length=10000,
        widget=forms.SearchInput(attrs={"autofocus": True, "autocomplete": "off"}),
        help_text=_("Every word must appear, for example: 路燈 不亮 三民區."),
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=50, widget=forms.HiddenInput)
    exclude = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_q(self) -> str:
        # A pasted letter still searches: cut, do not refuse.
        return str(self.cleaned_data.get("q") or "").replace("\x00", "")[:QUERY_MAX]
