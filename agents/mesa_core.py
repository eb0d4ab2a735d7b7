"""Mesa's ``Agent`` and ``Model`` without the rest of Mesa's package import.

``import mesa`` runs ``mesa/__init__.py``, which imports the batch runner
(multiprocessing, tqdm), the data collector (pandas), the spaces (networkx,
SciPy) and the experimental modules: about 0.4 s on every start, and a
negsim run uses none of it. The model needs ``mesa.agent`` and ``mesa.model``
alone (with Mesa 3.3 they import numpy and nothing more; Mesa 3.5's model
brings pandas and SciPy in itself). :func:`defer_mesa_package` registers the ``mesa``
package without running its ``__init__``; the first time anything asks the
package for a name it does not have yet (``mesa.DataCollector``,
``from mesa import Model``, ``mesa.__version__``) the ``__init__`` runs, so
code that uses the rest of Mesa works as usual, only later.

Import Mesa's classes from their modules (``from mesa.model import Model``):
``mesa.Model`` would load the whole package.
"""

from __future__ import annotations

import importlib.util
import sys
import threading

__all__ = ["defer_mesa_package"]


def defer_mesa_package() -> None:
    """Register ``mesa`` so that importing ``mesa.agent`` and ``mesa.model`` skips ``mesa/__init__.py``.

    Does nothing when Mesa is already imported (or not installed: the import
    then fails where Mesa is used, as usual).
    """
    if "mesa" in sys.modules:
        return
    spec = importlib.util.find_spec("mesa")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    package = importlib.util.module_from_spec(spec)
    lock = threading.RLock()
    pending = [True]

    def __getattr__(name: str) -> object:  # PEP 562: called only for names the package lacks
        with lock:
            if pending:
                pending.clear()
                del package.__dict__["__getattr__"]
                spec.loader.exec_module(package)
        try:
            return package.__dict__[name]
        except KeyError:
            raise AttributeError(f"module 'mesa' has no attribute {name!r}") from None

    package.__getattr__ = __getattr__
    sys.modules["mesa"] = package
