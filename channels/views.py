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
    ids = webhook.page_ids(payload)
    account = webhook.facebook_accounts().filter(handle__in=ids).first()
    if account is None:
        logger.warning("Facebook webhook for unknown page(s) %s acknowledged, not processed", ids[:5])
        return HttpResponse("ok", content_type="text/plain")
    if not webhook.signature_ok(body, signature, (account.credentials or {}).get("app_secret", "")):
        logger.warning("Facebook webhook POST for page %s with a wrong signature refused", account.handle)
        return HttpResponseForbidden("signature invalid")
    delivery, new = webhook.delivery_store(body=body, account=account)
    if not new:
        logger.info("Facebook webhook delivery %s received again; already stored", delivery.pk)
    return HttpResponse("ok", content_type="text/plain")
