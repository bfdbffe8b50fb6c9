from inbox.models import Account


def test_healthz_reports_database_broker_and_accounts_without_login(client, account):
    Account.objects.filter(pk=account.pk).update(poll_status=Account.PollStatus.OK)

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("ok", "ok", "ok")
    assert body["accounts"] == [
        {
            "platform": "sandbox",
            "handle": "GemeenteTest",
            "enabled": True,
            "status": "ok",
            "last_polled_at": None,
            "next_poll_at": None,
        }
    ]


def test_account_needing_reconnection_makes_health_degraded_not_down(client, account):
    Account.objects.filter(pk=account.pk).update(poll_status=Account.PollStatus.NEEDS_RECONNECT)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["accounts"][0]["status"] == "needs_reconnect"


def test_broker_down_is_503(client, account):
    from webcare.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url, app.conf.broker_transport_options = "redis://127.0.0.1:1/0", {}
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["broker"] != "ok"
