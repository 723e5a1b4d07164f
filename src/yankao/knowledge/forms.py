from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yankao.calendar.forms import ROCDateField
from yankao.core.forms import ModelChoiceField
from yankao.knowledge.models import Category
from yankao.knowledge.services import ArticleFields
from yankao.organisation.models import Agency
from yankao.search.forms import QueryField


class SearchForm(forms.Form):
    q = QueryField(
        label=_("Search the knowledge base"),
        widget=forms.SearchInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                # With htmx, results follow the typing; without it, the form submits.
                "hx-get": reverse_lazy("knowledge:index"),
                "hx-trigger": "input changed delay:250ms, search",
                "hx-target": "#kb-results",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-push-url": "true",
            }
        ),
    )
    include_expired = forms.BooleanField(label=_("Include expired articles"), required=False)


class ArticleForm(forms.Form):
    """The fields of an article; a field with an error points at its message
    (includes/field.html gives it the id `<field id>_error`)."""

    owner = ModelChoiceField(label=_("Owning agency"), queryset=Agency.objects.none())
    category = ModelChoiceField(
        label=pgettext_lazy("knowledge", "Category"),
        queryset=Category.objects.filter(is_active=True),
    )
    question = forms.CharField(label=pgettext_lazy("knowledge", "Question"), max_length=200)
    answer = forms.CharField(
        label=_("Answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 10})
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=200,
        required=False,
        help_text=_("Other words callers use for this matter, separated by spaces."),
    )
    valid_until = ROCDateField(
        label=_("Valid until"),
        required=False,
        help_text=_(
            "After this day agents no longer find the article unless they ask for expired "
            "ones. For example 116/12/31."
        ),
    )
    review_on = ROCDateField(
        label=_("Review by"),
        required=False,
        help_text=_("The agency is reminded to check the answer by this day."),
    )
    change_note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            ids = [f"{bound.auto_id}_helptext"] if self.fields[name].help_text else []
            ids.append(f"{bound.auto_id}_error")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("question", "answer", "keywords", "change_note"):
            if "\x00" in str(data.get(name, "")):
                self.add_error(name, _("This text contains a character that is not allowed."))
        until, review = data.get("valid_until"), data.get("review_on")
        if until and review and review > until:
            self.add_error("review_on", _("The review date must not be after the article expires."))
        return data

    def fields_value(self) -> ArticleFields:
        data = self.cleaned_data
        return ArticleFields(
            question=data["question"],
            answer=data["answer"],
            category=data["category"],
            keywords=data.get("keywords", ""),
            valid_until=data.get("valid_until"),
            review_on=data.get("review_on"),
        )
