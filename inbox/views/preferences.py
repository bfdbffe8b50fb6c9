"""A person's own settings page: keyboard shortcuts off, or keys of their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..forms import ShortcutsForm
from ..services.preferences import shortcuts_save
from ..shortcuts import SHORTCUTS, shortcut_settings
from .common import require_inbox


@login_required
def settings(request):
    require_inbox(request.user)
    current = shortcut_settings(request.user)
    if request.method == "POST":
        form = ShortcutsForm(request.POST, shortcuts=SHORTCUTS)
        if form.is_valid():
            shortcuts_save(user=request.user, enabled=form.cleaned_data["enabled"], keys=form.keys())
            messages.success(request, _("Your settings are saved."))
            return redirect("inbox:settings")
        status = 422
    else:
        initial = {"enabled": current.enabled, **{f"key_{a}": k for a, k in current.keys.items()}}
        form = ShortcutsForm(initial=initial, shortcuts=SHORTCUTS)
        status = 200
    rows = [(shortcut, form[f"key_{shortcut.action}"]) for shortcut in SHORTCUTS]
    return render(request, "inbox/settings.html", {"form": form, "rows": rows}, status=status)
