"""Where a request comes from: the client address (behind WEBCARE_PROXY_COUNT reverse proxies)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with N trusted proxies the address the N-th proxy from the end saw.

    Also django-axes' AXES_CLIENT_IP_CALLABLE, so lockout and audit agree on "from where".
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "WEBCARE_PROXY_COUNT", 0)
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
