from tests.conftest import EXAMPLE
from app.cli.main import main


def test_example_validates(capsys):
    assert main(["validate", str(EXAMPLE)]) == 0
    assert "OK (5 nodes" in capsys.readouterr().out
