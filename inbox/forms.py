from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors.queue import QUEUE_FILTERS


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}), strip=True)
    private = forms.BooleanField(required=False)
    # The newest message the writer had seen when they began; a newer inbound message makes the
    # server refuse the reply until the writer confirms they read it.
    last_seen = forms.IntegerField(required=False, min_value=0)
    confirm_newer = forms.BooleanField(required=False)
    # A public reply naming personal data is refused until the writer confirms it may be public.
    confirm_personal_data = forms.BooleanField(required=False)


class QueueFilterForm(forms.Form):
    filter = forms.ChoiceField(choices=[(f, f) for f in QUEUE_FILTERS], required=False)
    team = forms.SlugField(required=False)

    def cleaned(self) -> tuple[str, str]:
        if not self.is_valid():
            return "all", ""
        return self.cleaned_data["filter"] or "all", self.cleaned_data["team"] or ""
