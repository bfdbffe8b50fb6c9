"""Show a case by number, however written: `case_lookup NUMBER [--json]`."""

import json

from django.core.management.base import BaseCommand, CommandError

from cases import selectors as case_selectors

from ...api.schemas import case_detail
from ...models import Conversation


class Command(BaseCommand):
    help = "Show a case (status, contact, conversations on every channel, contacts, timeline) by its number."

    def add_arguments(self, parser):
        parser.add_argument("number", help='the case number, e.g. ZAAK-2026-0001234 or "zaak 2026 0001234"')
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object, as GET /api/v1/cases/{number}"
        )

    def handle(self, *args, **options):
        case = case_selectors.case_by_number(options["number"])
        if case is None:
            raise CommandError(f"No case with number {options['number'][:60]!r}.")
        conversations = list(
            Conversation.objects.filter(case=case)
            .select_related("account", "contact")
            .order_by("-last_message_at")
        )
        detail = case_detail(case, conversations)
        if options["json"]:
            self.stdout.write(json.dumps(detail, sort_keys=True, ensure_ascii=False))
            return
        write = self.stdout.write
        write(f"{detail['number']}  {case.get_status_display()}  ({detail['status']})")
        write(f"  category      {detail['category']}")
        write(f"  location      {detail['location'] or '-'}")
        write(
            f"  contact       {detail['contact_name'] or '-'} ({detail['contact_platform']} @{detail['contact_handle']})"
        )
        write(f"  registered    {detail['created_at']} by {detail['registered_by'] or '-'}")
        write(
            f"  back office   {detail['backend']} {detail['sync_state']} {detail['backend_reference']}".rstrip()
        )
        if detail["sync_error"]:
            write(f"  error         {detail['sync_error']}")
        write(f"  description   {detail['description']}")
        write(f"  conversations ({len(detail['conversations'])})")
        for c in detail["conversations"]:
            write(
                f"    #{c['id']} {c['platform']} {c['account']} {c['contact_name'] or c['contact_handle']} {c['state']}"
            )
        write(f"  contacts ({len(detail['contacts'])})")
        for m in detail["contacts"]:
            write(f"    {m['happened_at']} {m['channel']} {m['text']}")
        write("  timeline")
        for e in detail["timeline"]:
            write(f"    {e['created_at']} {e['kind']} {e['actor'] or ''}".rstrip())
