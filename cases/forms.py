from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, ManualContact
from .workflow import Status


class CaseRegisterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices])
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class CaseLinkForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=60)


class ManualContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ManualContact.Channel.choices)
    text = forms.CharField(
        label=_("What was said"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    happened_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class TellForm(forms.Form):
    conversation = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Message to the citizen"), widget=forms.Textarea(attrs={"rows": 3}))


class CaseSearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False)
