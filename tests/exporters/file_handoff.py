"""The file hand-off case of issue #11, built once for the dry-run, pod and worker tests.

``make`` writes ``data/out.csv`` beside itself; ``middle`` runs after it (an ordering-only
edge, no wire); ``use`` runs after ``middle`` (ordering-only again) and reads both
``data/out.csv`` (made two hops upstream) and ``data/input.csv`` (a file beside its notebook,
declared in its ``files``). ``declared`` says whether ``make`` declares ``data/out.csv`` in
``produces``.
"""

from __future__ import annotations

from pathlib import Path

from graph_editor.nodes import Edge, Node, PipelineSettings, Port
from graph_editor.pipeline import Pipeline
from graph_editor.types import PortType
from tests.helpers import write_notebook

INPUT_CSV = "k\n1\n2\n3\n"
MAKE = (
    "from pathlib import Path\n"
    "Path('data').mkdir(exist_ok=True)\n"
    "Path('data/out.csv').write_text('a,b\\n' + ''.join(f'{i},{i * i}\\n' for i in range(n)))\n"
)
USE = (
    "import pandas as pd\n"
    "made = pd.read_csv('data/out.csv')\n"
    "given = pd.read_csv('data/input.csv')\n"
)
USE_OUT = "rows = len(made)\nsquares = int(made['b'].sum())\ninputs = int(given['k'].sum())\n"
USE_SCRIPT = (  # the same node as a plain script job (outputs through $STITCHBOARD_OUTPUTS)
    "import json, os\n" + USE + "json.dump({'rows': len(made), 'squares': int(made['b'].sum()),"
    " 'inputs': int(given['k'].sum())}, open(os.environ['STITCHBOARD_OUTPUTS'], 'w'))\n"
)


def handoff_pipeline(
    folder: Path,
    *,
    declared: bool,
    store: str = "",
    dag_id: str = "",
    connection: str = "",
    script: bool = False,
) -> Pipeline:
    """The three-node case in ``folder`` (notebooks, ``data/input.csv`` beside ``use``);
    ``connection`` is the Airflow connection workers reach the store with; ``script``: ``use``
    is a ``.py`` script job, not a notebook."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "input.csv").write_text(INPUT_CSV)
    write_notebook(folder / "make.ipynb", parameters="n = 2", body=MAKE, outputs="done = True")
    write_notebook(folder / "middle.ipynb", outputs="step = 1")
    write_notebook(folder / "use.ipynb", body=USE, outputs=USE_OUT)
    if script:
        (folder / "use.py").write_text(USE_SCRIPT)
    dag_id = dag_id or ("files_declared" if declared else "files_undeclared")
    settings = PipelineSettings(
        name=dag_id,
        dag_id=dag_id,
        artifact_store=store,
        store_secret="ml-store" if store else "",
        store_connection=connection,
    )
    pipeline = Pipeline(settings=settings, path=folder / "handoff.stitch")
    pipeline.add_node(
        Node(
            id="a",
            name="make",
            source="make.ipynb",
            inputs=(Port("n", PortType.INT, 2),),
            outputs=(Port("done", PortType.BOOL),),
            values={"n": 5},
            produces=("data/out.csv",) if declared else (),
        )
    )
    pipeline.add_node(
        Node(id="m", name="middle", source="middle.ipynb", outputs=(Port("step", PortType.INT),))
    )
    pipeline.add_node(
        Node(
            id="b",
            name="use",
            source="use.py" if script else "use.ipynb",
            outputs=tuple(Port(n, PortType.INT) for n in ("rows", "squares", "inputs")),
            files=("data/input.csv",),
        )
    )
    pipeline.add_edge(Edge("a", "m"))
    pipeline.add_edge(Edge("m", "b"))
    return pipeline


EXPECTED = {"rows": 5, "squares": sum(i * i for i in range(5)), "inputs": 6}
