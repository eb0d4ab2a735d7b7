"""The packages on each facet of the frontier, and a package worth at least a given utility vector.

On a facet with normal ``mu`` the packages are those maximising ``mu . u(x)``: on each issue either one
point (a weighted median of the clipped ideals) or, where the weighted loss is flat, an interval. Across
such an interval every party's utility changes linearly, so a point ``u`` on the facet is reached by
solving a small linear system for how far along each flat interval the package sits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from negsim.sim.frontier import Frontier

__all__ = ["Faces", "face_packages", "faces_of"]


@dataclass(frozen=True, slots=True)
class Faces:
    """Per geometry, box and facet ``(G, B, F, ...)``: a base package ``(m,)``, which issues are flat
    ``(m,)``, each flat interval's length ``(m,)`` and every party's utility change across it ``(m, n)``."""

    base: np.ndarray
    flat: np.ndarray
    step: np.ndarray
    slope: np.ndarray


def faces_of(normal: np.ndarray, clipped: np.ndarray, scaled: np.ndarray) -> Faces:
    """The faces of facets ``normal`` ``(G, B, F, n)`` over boxes with clipped ideals ``(G, B, n, m)``."""
    G, B, F, n = normal.shape
    m = clipped.shape[3]
    base, flat_m = np.empty((G, B, F, m)), np.zeros((G, B, F, m), bool)
    step, slope = np.zeros((G, B, F, m)), np.zeros((G, B, F, m, n))
    for k in range(m):
        points = clipped[..., k]  # (G,B,n)
        sorted_points = np.sort(points, axis=2)
        weight = normal * scaled[:, None, None, :, k]  # (G,B,F,n)
        if n == 1:
            base[..., k] = sorted_points[:, :, None, 0]
            continue
        side = np.where(points[:, :, None, :] <= sorted_points[:, :, :-1, None], 1.0, -1.0)  # (G,B,j,i)
        derivative = np.einsum("gbfi,gbji->gbfj", weight, side)  # slope of the weighted loss on each interval
        scale = weight.sum(axis=3, keepdims=True)
        tol = 1e-9 * np.maximum(scale, 1e-300)
        distinct = (sorted_points[:, :, 1:] > sorted_points[:, :, :-1])[:, :, None, :]
        flat = (np.abs(derivative) <= tol) & distinct & (scale > 0)
        rising = derivative > tol
        first = np.where(rising.any(axis=3), np.argmax(rising, axis=3), n - 1)
        has = flat.any(axis=3)
        begin = np.argmax(flat, axis=3)
        finish = n - 1 - np.argmax(flat[..., ::-1], axis=3)
        pick = np.where(has, begin, first)
        lo = np.take_along_axis(sorted_points[:, :, None, :], pick[..., None], axis=3)[..., 0]
        hi = np.take_along_axis(sorted_points[:, :, None, :], finish[..., None], axis=3)[..., 0]
        base[..., k] = lo
        flat_m[..., k] = has
        step[..., k] = np.where(has, hi - lo, 0.0)
        moves = np.where(points[:, :, None, :] <= lo[..., None], -1.0,
                         np.where(points[:, :, None, :] >= hi[..., None], 1.0, 0.0))  # fmt: skip
        slope[..., k, :] = np.where(has[..., None], moves * scaled[:, None, None, :, k] * (hi - lo)[..., None], 0.0)
    return Faces(base=base, flat=flat_m, step=step, slope=slope)


def face_packages(frontier: Frontier, u: np.ndarray, box: np.ndarray, group: np.ndarray) -> np.ndarray:
    """A package in ``box`` of geometry ``group`` worth at least ``u`` to every party, per row."""
    out = np.full((len(u), frontier.m), np.nan)
    ok = box >= 0
    if not ok.any():
        return out
    rows = np.flatnonzero(ok)
    g, b, target = group[rows], box[rows], u[rows]
    normal, offset = frontier.normal[g, b], frontier.offset[g, b]  # (r,F,n), (r,F)
    facet = np.argmin(offset - np.einsum("rfn,rn->rf", normal, target), axis=1)  # a facet through u
    faces, at = frontier.faces, (g, b, facet)
    base, flat, step = faces.base[at], faces.flat[at], faces.step[at]
    equal = normal[np.arange(len(rows)), facet] > 1e-12  # the parties the facet pins down
    ideal, scaled = frontier.ideal[g], frontier.scaled[g]
    system = np.swapaxes(faces.slope[at], 1, 2) * equal[:, :, None] * flat[:, None, :]  # (r,n,m)
    start = 1.0 - np.einsum("rnm,rnm->rn", np.abs(base[:, None, :] - ideal), scaled)
    theta = np.einsum("rmn,rn->rm", np.linalg.pinv(system), (target - start) * equal)
    package = base + np.clip(theta, 0.0, 1.0) * step
    value = 1.0 - np.einsum("rnm,rnm->rn", np.abs(package[:, None, :] - ideal), scaled)
    for r in np.flatnonzero(~np.all(value >= target - 1e-7, axis=1)):  # degenerate faces: solve exactly
        package[r] = _exact(frontier, g[r], b[r], target[r])
    out[rows] = package
    return out


#: How far short of its target a package recovered by linear programming may fall: the targets come from the
#: frontier's facets, which rounding can put a hair beyond what any package reaches.
SHORTFALL = 1e-7


def _exact(frontier: Frontier, g: int, b: int, u: np.ndarray) -> np.ndarray:
    """A package in box ``b`` of geometry ``g`` worth ``u`` to everyone (to within :data:`SHORTFALL`), by linear
    programming: the package whose largest shortfall below ``u`` is smallest."""
    from negsim.sim.lp import utility_program

    n, m = frontier.n, frontier.m
    program = utility_program(frontier.ideal[g], frontier.scaled[g], u, frontier.box_low[g, b],
                              frontier.box_high[g, b], shortfall=True)  # fmt: skip
    free = n * m + 1
    cost = np.zeros(m + free)
    cost[-1] = 1.0  # the shortfall
    x = program.minimize(cost)
    if x is None or x[-1] > SHORTFALL:
        raise ValueError(f"no package reaches {u.tolist()}")
    return x[:m]
