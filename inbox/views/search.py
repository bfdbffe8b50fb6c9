"""The search page behind the top bar's box: an exact case number opens the case, anything else
lists the conversations it finds, newest first, with "more results" after the last."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import selectors as case_selectors

from ..forms import SearchForm
from ..permissions import can_view_case
from ..selectors.search import InvalidSearchCursor, conversations_search
from .common import require_inbox


@login_required
def search(request):
    require_inbox(request.user)
    query, after = SearchForm(request.GET).cleaned()
    if query and not after:
        case = case_selectors.case_by_number(query)
        if case is not None and can_view_case(request.user, case):
            return redirect("cases:detail", number=case.number)
    try:
        page = conversations_search(user=request.user, query=query, after=after) if query else None
    except InvalidSearchCursor:
        return HttpResponseBadRequest(_("This link to more search results is not valid any more."))
    context = {"query": query, "page": page, "after": after}
    if request.htmx and after:
        return render(request, "inbox/search.html#search-hits", context)
    return render(request, "inbox/search.html", context)
