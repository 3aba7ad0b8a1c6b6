"""Build hook: ship the top-level ``cypher/`` folder in the wheel, as ``netintel/queries/``.

All metadata is in pyproject.toml; this file only adds the copy step. The queries stay at
the top of the repository (one home); an editable install and a source checkout read them
there (see ``netintel/cypher.py``), an installed wheel from its ``netintel/queries/``.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithCypher(build_py):
    """``build_py`` that also copies ``cypher/*.cypher`` into ``netintel/queries/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the editable install reads cypher/ in the checkout
        target = Path(self.build_lib) / "netintel" / "queries"
        self.mkpath(str(target))
        for query in sorted((ROOT / "cypher").glob("*.cypher")):
            self.copy_file(str(query), str(target / query.name))


setup(cmdclass={"build_py": BuildPyWithCypher})
