"""The spec-validating fakes run on their own for try-outs (README "Zaken registreren" and
"Klantcontacten in Open Klant"): `python -m tests.fakes.<fake> --port P` serves and says where."""

import subprocess
import sys

import pytest
import requests

from tests.conftest import ROOT, SHARED, require


@pytest.mark.parametrize(
    ("module", "spec", "first_line", "path"),
    [
        ("tests.fakes.fake_zaken", "zaken-api-1.5.1-openapi.yaml", "Fake Zaken API on ", "/zaken"),
        (
            "tests.fakes.fake_klantinteracties",
            "open-klant-klantinteracties-openapi.yaml",
            "Fake Open Klant on ",
            "/klantcontacten",
        ),
    ],
)
def test_a_fake_runs_on_its_own(module, spec, first_line, path):
    require((SHARED / "specs" / spec).exists(), f"the official spec {spec} is missing (../shared/specs)")
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        assert line.startswith(first_line), line
        url = line.removeprefix(first_line).split()[0]
        response = requests.get(f"{url}{path}", timeout=5)
        assert response.status_code in (401, 403)  # up, and asking for credentials
    finally:
        process.terminate()
        process.wait(timeout=10)
