"""The admin's triage page: the nightly retrainings with their figures and the model in use."""

from django.urls import reverse

from inbox.models import Role
from triage import learning
from triage.models import TriageModel

FIGURES = {
    "n": 1100,
    "type": {"accuracy": 0.84, "macro_f1": 0.8123},
    "category": {"accuracy": 0.801, "macro_f1": 0.79},
    "wijk": {"accuracy": 0.97, "macro_f1": 0.96},
    "urgent": {"recall": 0.98, "precision": 0.56},
    "escalate": {"recall": 0.97, "precision": 0.7},
}


def test_the_retrainings_list_shows_their_figures_next_to_the_model_in_use(client, make_user, settings):
    settings.TRIAGE_MODEL_CHECK_SECONDS = 0
    learning.forget_loaded_models()
    worse = {**FIGURES, "urgent": {"recall": 0.96, "precision": 0.6}}
    TriageModel.objects.create(
        fingerprint="x", kept=False, figures=worse, previous_figures=FIGURES, examples=1100, decisions=30,
        reason="dropped: urgent recall 0.9800 → 0.9600",
    )  # fmt: skip
    client.force_login(make_user(Role.ADMIN))
    body = client.get(reverse("admin:triage_triagemodel_changelist")).content.decode()
    assert "0.960 (0.980)" in body
    assert "dropped: urgent recall 0.9800 → 0.9600" in body
    assert "In gebruik: het meegeleverde model, getraind op" in body
    assert "5-voudige kruisvalidatie: type macro-F1 " in body
