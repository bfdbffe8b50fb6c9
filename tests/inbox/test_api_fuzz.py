"""Schemathesis (a maintained OpenAPI fuzzer) over /api/v1/openapi.json on a live server, with a
bearer token: whatever it sends, no server error, and every response matches the schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from inbox.models import Conversation, Role
from inbox.services.api_tokens import api_token_create
from tests.conftest import incoming

# The document as the app serves it at /api/v1/openapi.json (read in-process once, at collection);
# every generated request then goes over real HTTP to the live server.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(live_server, transactional_db, deliver, make_user):
    for n in range(3):
        deliver(incoming(platform_id=f"fuzz-{n}", thread_key=f"fuzz-{n}"))
    return {"Authorization": f"Bearer {api_token_create(user=make_user(Role.ADMIN), name='fuzz')}"}


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_never_answers_500_and_keeps_to_its_schema(case, bearer, live_server):
    # Real conversation ids now and then, so the fuzzer also reaches past the 404s.
    conversation_id = (case.path_parameters or {}).get("conversation_id")
    if isinstance(conversation_id, int) and conversation_id % 2:
        case.path_parameters["conversation_id"] = Conversation.objects.order_by("pk").first().pk
    response = case.call(base_url=f"{live_server.url}/api/v1", headers=bearer, timeout=15)
    case.validate_response(
        response, checks=[not_a_server_error, status_code_conformance, response_schema_conformance]
    )
