"""Write Excel VBA projects (``vbaProject.bin``) from source, on any OS.

See :func:`build_vba_project`; :mod:`toolkit.excel.vba.bas` reads ``.bas`` files.
"""

from .project import VbaModule, build_vba_project

__all__ = ["VbaModule", "build_vba_project"]
