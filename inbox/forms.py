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


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, strip=True)
    after = forms.CharField(required=False, max_length=100)

    def cleaned(self) -> tuple[str, str]:
        """The query and the cursor; a query too long for the form is cut, not refused."""
        if self.is_valid():
            return self.cleaned_data["q"], self.cleaned_data["after"]
        return str(self.data.get("q", ""))[:200].strip(), ""


class QueueFilterForm(forms.Form):
    filter = forms.ChoiceField(choices=[(f, f) for f in QUEUE_FILTERS], required=False)
    team = forms.SlugField(required=False)

    def cleaned(self) -> tuple[str, str]:
        if not self.is_valid():
            return "all", ""
        return self.cleaned_data["filter"] or "all", self.cleaned_data["team"] or ""


class SavedViewForm(QueueFilterForm):
    """Save the current view of the queue under a name."""

    name = forms.CharField(max_length=60, strip=True)


class ShortcutsForm(forms.Form):
    """Shortcuts on or off, and a key of one's own for each action (WCAG 2.1.4)."""

    enabled = forms.BooleanField(label=_("Use single-key shortcuts"), required=False)

    def __init__(self, *args, shortcuts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.shortcuts = shortcuts
        for shortcut in shortcuts:
            self.fields[f"key_{shortcut.action}"] = forms.CharField(
                label=shortcut.help, max_length=1, min_length=1, strip=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "size": 2, "class": "key-input"}),
            )

    def clean(self):
        data = super().clean()
        taken: dict[str, str] = {}
        for shortcut in self.shortcuts:
            name = f"key_{shortcut.action}"
            key = data.get(name)
            if key is None:
                continue
            if not key.isprintable() or key.isspace():
                self.add_error(name, _("Choose a letter, digit or sign."))
            elif key in taken:
                self.add_error(name, _("This key is already used for “%(other)s”.") % {"other": taken[key]})
            else:
                taken[key] = str(shortcut.help)
        return data

    def keys(self) -> dict[str, str]:
        return {s.action: self.cleaned_data[f"key_{s.action}"] for s in self.shortcuts}
