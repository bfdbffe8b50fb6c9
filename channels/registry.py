"""Which adapter serves which platform."""

from inbox.models import Account

from .base import Adapter
from .facebook.adapter import FacebookAdapter
from .sandbox import SandboxAdapter
from .x.adapter import XAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    SandboxAdapter.platform: SandboxAdapter,
    XAdapter.platform: XAdapter,
    FacebookAdapter.platform: FacebookAdapter,
}


def adapter_for(account: Account) -> Adapter:
    try:
        return ADAPTERS[account.platform](account)
    except KeyError:
        raise LookupError(f"No adapter for platform {account.platform!r}") from None
