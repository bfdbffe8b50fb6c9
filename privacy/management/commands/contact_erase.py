"""`contact_erase HANDLE_OR_ID --reason TEXT`: a citizen's personal data removed everywhere."""

from django.core.management.base import BaseCommand, CommandError

from ...services.erase import contact_erase
from ...services.lookup import ContactNotFound, contact_find


class Command(BaseCommand):
    help = (
        "Remove one citizen's personal data everywhere (names, handles, texts, raw payloads, webhook bodies) "
        "for a verwijderverzoek; counts, dates and case numbers stay. Audited with the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "handle_or_id", help="our contact id (123 or #123), an @handle, or a platform user id"
        )
        parser.add_argument(
            "--reason", required=True, help="why (the request's reference); kept in the audit log"
        )

    def handle(self, *args, **options):
        if not options["reason"].strip():
            raise CommandError("--reason may not be empty.")
        try:
            contact = contact_find(options["handle_or_id"])
        except ContactNotFound as exc:
            raise CommandError(str(exc)) from None
        summary = contact_erase(contact=contact, reason=options["reason"], via="command")
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased contact #{contact.pk}: {summary['conversations']} conversations, {summary['messages']} "
                f"messages, cases {', '.join(summary['cases']) or 'none'} kept without their reporter."
            )
        )
