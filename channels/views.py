"""Platform webhooks. Answered quickly: the work happens in a task."""

import json
import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .facebook import webhook

logger = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def facebook_webhook(request):
    if request.method == "GET":
        # Subscription check: echo hub.challenge when the verify token is one of ours.
        if request.GET.get("hub.mode") == "subscribe" and webhook.verify_token_ok(
            request.GET.get("hub.verify_token", "")
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        logger.warning("Facebook webhook verification refused")
        return HttpResponseForbidden("verification failed")

    body = request.body
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not signature:
        logger.warning("Facebook webhook POST without a signature (X-Hub-Signature-256) refused")
        return HttpResponseForbidden("signature missing")
    try:
        payload = json.loads(body)
    except ValueError:
        logger.warning("Facebook webhook POST with a body that is not JSON refused")
        return HttpResponseBadRequest("not JSON")
    # Each entry is checked against its own page's app secret: a delivery signed for one page never
    # brings in another page's entries. Unknown pages are acknowledged (Facebook would only retry)
    # and logged.
    ids = webhook.page_ids(payload)
    accounts = {account.handle: account for account in webhook.facebook_accounts().filter(handle__in=ids)}
    unknown = [page for page in dict.fromkeys(ids) if page not in accounts]
    if unknown:
        logger.warning(
            "Facebook webhook entries for unknown page(s) %s acknowledged, not processed", unknown[:5]
        )
    if not accounts:
        return HttpResponse("ok", content_type="text/plain")
    verified = [
        handle
        for handle, account in accounts.items()
        if webhook.signature_ok(body, signature, (account.credentials or {}).get("app_secret", ""))
    ]
    refused = [handle for handle in accounts if handle not in verified]
    if refused:
        logger.warning(
            "Facebook webhook entries for page(s) %s refused: the signature does not match their own app secret", refused
        )
    if not verified:
        return HttpResponseForbidden("signature invalid")
    delivery, new = webhook.delivery_store(body=body, account=accounts[verified[0]], pages=verified)
    if not new:
        logger.info("Facebook webhook delivery %s received again; already stored", delivery.pk)
    return HttpResponse("ok", content_type="text/plain")
