from app.cli.main import main
from tests.conftest import EXAMPLE


def test_example_validates(capsys):
    assert main(["validate", str(EXAMPLE)]) == 0
    assert "OK (5 nodes" in capsys.readouterr().out
