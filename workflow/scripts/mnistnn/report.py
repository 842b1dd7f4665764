"""The front page of Snakemake's HTML report (``snakemake --report results/report.html``).

The Snakefile's ``report:`` names the page that rule ``front_page`` writes:
reStructuredText, which Snakemake first renders as a Jinja template (so the
list of sections is made from the report's own sections, whichever the run
produced: a model's, the sweep's, the claim study's) and then shows on the
report's landing page.  It says what the project is, gives the key numbers,
shows the montage and the methods figure (embedded, so the page needs nothing
else), and links every section.
"""

import base64
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from mnistnn.tables import percent

TITLE = "mnistnn: what has a neural network learned?"

# The report's page is laid out for a sidebar and a rule graph; this page is wider and long,
# so it gets the room of the whole window, starts at the top and scrolls, the graph below it.
STYLE = """\
<style>
  #app div.h-screen.overflow-auto { align-items: flex-start; justify-content: flex-start; }
  #app div.flex.gap-3.p-3.items-start { flex-wrap: wrap; }
  #app .prose.max-w-lg { max-width: 70rem; }
  #app .prose figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
</style>"""

INTRODUCTION = """\
This pipeline trains the small neural network of Tariq Rashid's book *Make Your Own
Neural Network* to read handwritten digits (MNIST: 60,000 training images, 10,000 test
images), then runs it **backwards**: from the answer "this is a 3" it computes the image
the network associates with a 3. If the network has learned what digits look like, these
images should look like digits. Several ways of running a network backwards are compared,
and each image is scored twice: does the network itself recognise it, and does an
independent judge (the 3 nearest real digits) read it as that digit?"""

#: what each kind of section holds, for the list of sections (Jinja, in the page)
SECTIONS = """\
{% set about = {
    "All models": "every model's images side by side, one row per model, with its accuracy",
    "Sweep": "networks of many sizes: does a bigger, more accurate network draw clearer digits?",
    "Claim": "the claim study: does a clearer backquery mean a better network?",
} %}
{% set a_model = "one model: its test accuracy and its images; for a fully analysed model also "
    ~ "every method's images, how they change while it learns, its hidden units and explorer" %}
{% for cat, subcats in categories|dictsort %}
* `{{ cat.name }}`_: {{ about.get(cat.name, a_model) }}

{% endfor %}"""


def data_uri(path: str | Path) -> str:
    """A PNG file as a ``data:`` URI, so the page carries the picture itself."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _figure(path: str | Path, alt: str, caption: str) -> str:
    """An embedded picture with its caption.  The ``data:`` URI is broken into lines (a
    browser drops line breaks from a URL) to stay within docutils' limit on a line's length."""
    uri = data_uri(path)
    lines = [f'<figure><img alt="{alt}" src="']
    lines += [uri[i : i + 76] for i in range(0, len(uri), 76)]
    lines += [f'"><figcaption>{caption}</figcaption></figure>']
    return ".. raw:: html\n\n" + "\n".join(f"   {line}" for line in lines) + "\n"


def _list_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return "\n".join(lines) + "\n"


def models_table(metrics: Mapping[str, dict]) -> str:
    """Each model's hidden layer size and test accuracy, in the order given."""
    rows = [
        [name, str(m["hidden_nodes"]), percent(m["test_accuracy"])] for name, m in metrics.items()
    ]
    return _list_table(["model", "hidden units", "test accuracy"], rows)


def methods_table(summary: pd.DataFrame) -> str:
    """Per method: how many of the ten digits the network and the judge recognise, and the
    judge on the untrained control (``backquery/summary.csv``)."""
    rows = [
        [
            f"``{row.method}``",
            f"{row.self_recognized}/10",
            f"{row.knn_recognized}/10",
            f"{row.knn_recognized_control}/10" if row.method != "mean" else "(reference)",
        ]
        for row in summary.itertuples()
    ]
    header = [
        "method",
        "the network recognises its image",
        "the judge reads it",
        "the judge, on the untrained network",
    ]
    return _list_table(header, rows)


def _clearest(summary: pd.DataFrame) -> str:
    """A sentence on the methods whose images the judge reads best, and on the book's."""
    methods = summary[summary["method"] != "mean"].set_index("method")["knn_recognized"]
    if methods.empty:
        return ""
    best = methods.max()
    names = " and ".join(f"``{method}``" for method in methods.index[methods == best])
    sentence = f"Run backwards, the judge reads {best} of its 10 digits by method {names}"
    if "seed" in methods and methods["seed"] < best:
        sentence += f", {methods['seed']} by the book's ``seed``"
    return sentence + "."


def front_page(
    model: str,
    metrics: Mapping[str, dict],
    summary: pd.DataFrame,
    montage_png: str | Path,
    methods_png: str | Path,
) -> str:
    """The front page's reStructuredText (with Jinja for the list of sections).

    ``model`` is the model the page is about (config ``figures: model``),
    ``metrics`` every model's ``metrics.json`` in the report's order,
    ``summary`` the model's ``backquery/summary.csv``.
    """
    headline = (
        f"Model **{model}** ({metrics[model]['hidden_nodes']} hidden units) reads "
        f"**{percent(metrics[model]['test_accuracy'])}** of the test digits correctly. "
        + _clearest(summary)
    )
    parts = [
        "=" * len(TITLE),
        TITLE,
        "=" * len(TITLE),
        "",
        ".. raw:: html\n\n" + "\n".join("   " + line for line in STYLE.splitlines()),
        "",
        INTRODUCTION,
        "",
        "What each part of the report holds: `Sections of this report`_, at the end of this page.",
        "",
        "Key numbers",
        "-----------",
        "",
        headline,
        "",
        _figure(
            montage_png,
            f"What model {model} imagines for each digit",
            "The book's backquery of every digit. Dark = the network expects ink there.",
        ),
        models_table(metrics),
        "",
        f"What each method's images of model {model} are worth (out of 10 digits):",
        "",
        methods_table(summary),
        "",
        _figure(
            methods_png,
            f"Each method's image of every digit, model {model}",
            "Every method, one row each, with the network's and the judge's verdict.",
        ),
        "Sections of this report",
        "-----------------------",
        "",
        "Each section holds figures and, beside each, a CSV of the numbers behind it. "
        "Click a section, then a file; the column *what it shows* says what each file is.",
        "",
        SECTIONS,
        "",
    ]
    return "\n".join(parts)
