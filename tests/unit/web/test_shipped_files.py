"""The web client's files are all in the installed package (the image runs `pip install .`, not the
source tree): setuptools ships only the files that `[tool.setuptools.package-data]` names, so a module
in a folder no pattern names is missing there, and the page that imports it fails, though every test
run from the source tree passes."""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path

import meeting_svc
from meeting_svc.site import assets as webassets

PACKAGE = Path(meeting_svc.__file__).parent
PYPROJECT = PACKAGE.parent / "pyproject.toml"


def test_every_file_of_the_web_client_is_shipped() -> None:
    patterns = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-data"]["*"]
    shipped = {name for pattern in patterns for name in glob.glob(pattern, root_dir=PACKAGE)}
    files = {path.relative_to(PACKAGE).as_posix() for path in webassets.ASSETS.rglob("*") if path.is_file()}
    assert len(files) > 40  # the client was found
    missing = sorted(files - shipped)
    assert not missing, "not in pyproject.toml's package-data:\n" + "\n".join(missing)
