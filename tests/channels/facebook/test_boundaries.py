import re

from tests.conftest import ROOT


def test_facebook_sdk_is_imported_only_in_the_facebook_channel():
    importers = sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.glob("**/*.py")
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and re.search(r"^\s*(import facebook|from facebook\b)", path.read_text(), re.MULTILINE)
    )
    assert importers == ["channels/facebook/client.py"]
