"""The User Guide (resources/guide): every link and picture resolves, every page is reachable
from the contents, the resources file ships all of it, and the glossary names every number the
window's status bar and panels show."""
import os
import re

GUIDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "guide")
QRC = os.path.join(GUIDE, "..", "lpm.qrc")


def pages():
    return sorted(f for f in os.listdir(GUIDE) if f.endswith(".html"))


def test_links_and_images_resolve():
    for page in pages():
        text = open(os.path.join(GUIDE, page), encoding="utf-8").read()
        for target in re.findall(r'(?:href|src)="([^"#:]+)', text):
            assert os.path.exists(os.path.join(GUIDE, target)), f"{page}: {target} does not exist"


def test_every_page_is_reachable_and_shipped():
    index = open(os.path.join(GUIDE, "index.html"), encoding="utf-8").read()
    qrc = open(QRC, encoding="utf-8").read()
    for page in pages():
        assert page == "index.html" or f'href="{page}"' in index, f"{page} is not in the contents"
        assert f"<file>guide/{page}</file>" in qrc, f"{page} is not in lpm.qrc"
    for image in os.listdir(os.path.join(GUIDE, "images")):
        assert f"<file>guide/images/{image}</file>" in qrc


def test_glossary_names_every_number():
    text = open(os.path.join(GUIDE, "glossary.html"), encoding="utf-8").read()
    for name in ("objective", "gap", "minority cosine", "majority cosine", "between cosine", "ETF deviation",
                 "NC1", "NC2 equinorm", "NC2 equiangular", "NC3", "NC4", "fitted E<sub>W</sub>", "fitted E<sub>H</sub>",
                 "R<sub>0</sub>", "R<sub>vanish</sub>", "collapsed"):
        assert name in text, name
