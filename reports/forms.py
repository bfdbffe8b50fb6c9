import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inbox.models import Account, Team

from .selectors import Scope


class DashboardFilterForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All teams"),
    )
    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=Account.objects.all(),
        to_field_name="handle",
        required=False,
        empty_label=_("All accounts"),
    )

    def day_and_scope(self) -> tuple[dt.date, Scope]:
        if not self.is_valid():
            return timezone.localdate(), Scope()
        data = self.cleaned_data
        return (
            data["date"] or timezone.localdate(),
            Scope(
                team=data["team"].slug if data["team"] else "",
                account=data["account"].handle if data["account"] else "",
            ),
        )


class ExportForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Up to and including"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end date lies before the start date."))
        return data
