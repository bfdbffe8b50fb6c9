"""Register every waiting klantcontact in Open Klant now, in this process: `klantcontacten_push`."""

from django.core.management.base import BaseCommand, CommandError

from ...models import Klantcontact
from ...pushing import RetryLater, push_klantcontact
from ...services import enabled, klantcontacten_stale_unknown, klantcontacten_waiting


class Command(BaseCommand):
    help = (
        "Register every waiting klantcontact (pending, or with an unknown outcome) in Open Klant now, "
        "in this process (without Celery), and print what happened to each."
    )

    def handle(self, *args, **options):
        if not enabled():
            raise CommandError(
                "Open Klant is not configured: set KLANTINTERACTIES_API_URL and KLANTINTERACTIES_API_TOKEN."
            )
        interrupted = klantcontacten_stale_unknown()
        if interrupted:
            self.stdout.write(
                f"{interrupted} interrupted attempt(s): looked up in Open Klant before anything is written."
            )
        outcomes: dict[str, int] = {}
        for klantcontact_id in klantcontacten_waiting(include_fresh=True):
            try:
                outcome = push_klantcontact(klantcontact_id)
            except RetryLater:
                outcome = "will retry"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            klantcontact = Klantcontact.objects.get(pk=klantcontact_id)
            line = (
                f"conversation {klantcontact.conversation_id}: {outcome} "
                f"(referentienummer {klantcontact.referentienummer}"
                + (f", uuid {klantcontact.remote_uuid})" if klantcontact.remote_uuid else ")")
            )
            if klantcontact.error and outcome != "skipped":
                line += f"\n    {klantcontact.error}"
            self.stdout.write(line)
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "nothing waiting"
        self.stdout.write(summary)
