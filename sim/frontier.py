"""The deals the veto parties can reach: their utility vectors, exactly, as a union of polytopes.

A package is feasible when it keeps every veto party's red lines and linkages. Red lines make a box;
each linkage ("issue k inside [lo, hi] unless issue q inside [qlo, qhi]") splits it in two, so the
feasible set is a union of boxes. Utilities ``u_i(x) = 1 - sum_k a_ik |x_k - p_ik|`` are concave and
separable, so in each box the reachable utility vectors (with free disposal) form a polytope whose
facet normals are exactly the rays of an arrangement of hyperplanes: one "wall" per issue between
two neighbouring ideal points, where the weighted median of that issue switches, plus the coordinate
planes. Enumerating those rays gives every facet without a hull algorithm, and every query the
engine makes per replication (is a demand vector reachable, where does a falling demand path first
touch the frontier, how far can a party gain) is then a matrix product over facets.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

__all__ = ["MAX_VETO", "Frontier", "feasible_boxes", "utilities"]

#: Most parties with a veto the exact frontier supports (facets grow like issues^(parties - 1)).
MAX_VETO = 6
#: Slack for floating-point ties on the frontier.
TIE = 1e-9


def utilities(x: np.ndarray, ideal: np.ndarray, scaled: np.ndarray) -> np.ndarray:
    """Utilities ``(..., n)`` of packages ``(..., m)`` for ideals and saliences-over-spans ``(n, m)``.

    >>> utilities(np.array([0.5]), np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]])).tolist()
    [0.5, 0.5]
    """
    return 1.0 - np.einsum("...nm,nm->...n", np.abs(x[..., None, :] - ideal), scaled)


def feasible_boxes(low: np.ndarray, high: np.ndarray, linkages) -> list[tuple[np.ndarray, np.ndarray]]:
    """Boxes whose union is the feasible set: ``low <= x <= high`` cut by each linkage.

    ``linkages`` holds ``(issue, lo, hi, when, when_lo, when_hi)``: the package keeps ``issue`` in
    ``[lo, hi]`` or ``when`` in ``[when_lo, when_hi]``. Empty boxes and boxes inside another are dropped.

    >>> [b[1].tolist() for b in feasible_boxes(np.zeros(2), np.ones(2), [(0, 0.0, 0.3, 1, 0.0, 0.5)])]
    [[1.0, 0.5], [0.3, 1.0]]
    """
    boxes = [(np.asarray(low, float).copy(), np.asarray(high, float).copy())]
    if np.any(boxes[0][0] > boxes[0][1]):
        return []
    for issue, lo, hi, when, when_lo, when_hi in linkages:
        cut = []
        for box_low, box_high in boxes:
            for k, a, b in ((when, when_lo, when_hi), (issue, lo, hi)):
                new_low, new_high = box_low.copy(), box_high.copy()
                new_low[k], new_high[k] = max(new_low[k], a), min(new_high[k], b)
                if new_low[k] <= new_high[k]:
                    cut.append((new_low, new_high))
        boxes = [(a, b) for i, (a, b) in enumerate(cut) if not _covered(i, cut)]
    return boxes


def _covered(i: int, boxes: list) -> bool:
    """Whether box ``i`` lies inside another (of two equal boxes, the later one counts as covered)."""
    a, b = boxes[i]
    return any(_inside(a, b, c, d) and (not _same(a, b, c, d) or j < i) for j, (c, d) in enumerate(boxes) if j != i)


def _inside(a, b, c, d) -> bool:
    return bool(np.all(a >= c) and np.all(b <= d))


def _same(a, b, c, d) -> bool:
    return bool(np.array_equal(a, c) and np.array_equal(b, d))


@dataclass(frozen=True, slots=True)
class Polytope:
    """The reachable utilities of one box: ``normal @ u <= offset`` (normals on the simplex).

    Attributes:
        low, high: the box ``(m,)``.
        normal: ``(F, n)`` facet normals, each summing to one.
        offset: ``(F,)``.
        base: ``(F, m)`` a package on each facet (flat issues at the start of their interval).
        free: ``(F, n - 1)`` issues along which the facet's packages move (-1: none).
        step: ``(F, n - 1)`` length of each such interval.
        slope: ``(F, n - 1, n)`` change of every party's utility across each interval.
    """

    low: np.ndarray
    high: np.ndarray
    normal: np.ndarray
    offset: np.ndarray
    base: np.ndarray
    free: np.ndarray
    step: np.ndarray
    slope: np.ndarray


class Frontier:
    """What the veto parties can reach together: one :class:`Polytope` per feasible box.

    Args:
        ideal: ``(n, m)`` the veto parties' ideal points.
        scaled: ``(n, m)`` their saliences divided by each issue's span.
        low, high: ``(m,)`` the box their red lines leave.
        linkages: the veto parties' linkages, as for :func:`feasible_boxes`.
    """

    def __init__(self, ideal: np.ndarray, scaled: np.ndarray, low, high, linkages=()) -> None:
        self.ideal = np.asarray(ideal, float)
        self.scaled = np.asarray(scaled, float)
        self.n, self.m = self.ideal.shape
        if self.n > MAX_VETO:
            raise ValueError(f"{self.n} veto parties; at most {MAX_VETO}")
        self.boxes = [self._polytope(a, b) for a, b in feasible_boxes(low, high, linkages)]

    @property
    def empty(self) -> bool:
        """Whether the red lines and linkages leave no package at all."""
        return not self.boxes

    def support(self, weight: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``max weight @ u(x)`` over a box, per row of ``weight`` ``(F, n)``, and a maximiser.

        Separable: each issue's best value is a weighted median of the ideals clipped into the box.
        """
        value = weight.sum(axis=1)
        package = np.empty((len(weight), self.m))
        for k in range(self.m):
            clipped = np.clip(self.ideal[:, k], low[k], high[k])
            order = np.argsort(clipped, kind="stable")
            cumulative = np.cumsum(weight[:, order] * self.scaled[order, k], axis=1)
            index = (cumulative < cumulative[:, -1:] / 2.0 - 1e-15).sum(axis=1)
            package[:, k] = clipped[order][np.minimum(index, self.n - 1)]
            loss = np.abs(package[:, k, None] - self.ideal[:, k])
            value = value - np.einsum("fn,fn->f", weight * self.scaled[:, k], loss)
        return value, package

    def _walls(self, low, high) -> tuple[np.ndarray, np.ndarray]:
        """Normals of the arrangement's walls and the family (issue, or coordinate) of each."""
        normals, family = [], []
        for k in range(self.m):
            clipped = np.clip(self.ideal[:, k], low[k], high[k])
            for point in np.unique(clipped)[:-1]:
                wall = np.where(clipped <= point, self.scaled[:, k], -self.scaled[:, k])
                if np.any(wall > 0) and np.any(wall < 0):
                    normals.append(wall)
                    family.append(k)
        normals += list(np.eye(self.n))
        family += [self.m + i for i in range(self.n)]
        return np.array(normals), np.array(family)

    def _polytope(self, low, high) -> Polytope:
        normal = np.ones((1, 1))
        if self.n > 1:
            walls, family = self._walls(low, high)
            picks = [
                c for c in itertools.combinations(range(len(walls)), self.n - 1) if len(set(family[list(c)])) == len(c)
            ]
            _, singular, basis = np.linalg.svd(walls[np.array(picks)])
            ray = basis[:, -1, :] * np.where(basis[:, -1, :].sum(axis=1, keepdims=True) < 0, -1.0, 1.0)
            keep = (singular[:, -1] > 1e-12) & np.all(ray >= -1e-12, axis=1) & (ray.sum(axis=1) > 1e-12)
            ray = np.clip(ray[keep], 0.0, None)
            normal = np.unique(np.round(ray / ray.sum(axis=1, keepdims=True), 12), axis=0)
        offset, _ = self.support(normal, low, high)
        return Polytope(low, high, normal, offset, *self._faces(normal, low, high))

    def _faces(self, normal, low, high):
        """Each facet's packages: a base package and the intervals along which the weighted loss is flat."""
        n, m, count = self.n, self.m, np.zeros(len(normal), int)
        width = max(n - 1, 1)
        base = np.empty((len(normal), m))
        free, step = np.full((len(normal), width), -1), np.zeros((len(normal), width))
        slope = np.zeros((len(normal), width, n))
        for k in range(m):
            clipped = np.clip(self.ideal[:, k], low[k], high[k])
            points = np.unique(clipped)
            if len(points) == 1:
                base[:, k] = points[0]
                continue
            weight = normal * self.scaled[:, k]
            slope_k = (
                weight @ np.where(clipped[None, :] <= points[:-1, None], 1.0, -1.0).T
            )  # loss derivative per interval
            scale = 1e-9 * np.maximum(weight.sum(axis=1, keepdims=True), 1e-300)
            flat, rising = np.abs(slope_k) <= scale, slope_k > scale
            first = np.where(rising.any(axis=1), np.argmax(rising, axis=1), len(points) - 1)
            has_flat = flat.any(axis=1) & (weight.sum(axis=1) > 0)
            start, end = np.argmax(flat, axis=1), len(points) - 1 - np.argmax(flat[:, ::-1], axis=1)
            base[:, k] = np.where(has_flat, points[start], points[first])
            for f in np.flatnonzero(has_flat & (count < width)):
                lo, hi = points[start[f]], points[end[f]]
                free[f, count[f]], step[f, count[f]] = k, hi - lo
                gain = np.where(clipped <= lo, -1.0, np.where(clipped >= hi, 1.0, 0.0))
                slope[f, count[f]] = gain * self.scaled[:, k] * (hi - lo)
                count[f] += 1
        return base, free, step, slope

    def slack(self, u: np.ndarray) -> np.ndarray:
        """The largest equal gain ``z`` that keeps ``u + z`` reachable, per row (negative: ``u`` is not).

        So a package gives every party at least ``u`` exactly when ``slack(u) >= 0``.
        """
        best = np.full(len(u), -np.inf)
        for poly in self.boxes:
            best = np.maximum(best, np.min(poly.offset - u @ poly.normal.T, axis=1))
        return best

    def _stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All boxes' facets in one matrix, with where each box's facets start."""
        if not hasattr(self, "_stack"):
            normals = np.concatenate([poly.normal for poly in self.boxes])
            offsets = np.concatenate([poly.offset for poly in self.boxes])
            starts = np.cumsum([0] + [len(poly.offset) for poly in self.boxes[:-1]])
            self._stack = (normals, offsets, starts)
        return self._stack

    def touch(self, start: np.ndarray, end: np.ndarray,
              witness: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Where falling demands first become reachable: ``lam`` in ``[0, 1]`` (inf: not in this step).

        Demands move from ``start`` to ``end`` ``(R, n)`` (never rising); the point
        ``start + lam (end - start)`` is the first reachable one. Also returns the box it is in.

        ``witness`` ``(R, boxes)``, kept by the caller between rounds, remembers for each row and box a
        facet the demands broke: while the new demands still break it, the row is settled in one
        product instead of one per facet (demands fall slowly, so most rounds nothing else is needed).
        """
        best, box = np.full(len(start), np.inf), np.full(len(start), -1)
        if self.empty:
            return best, box
        normals, offsets, starts = self._stacked()
        rows = np.arange(len(start))
        if witness is not None:
            known = starts[None, :] + witness  # (R, boxes) stacked facet index
            broken = np.einsum("rn,rbn->rb", end, normals[known]) - offsets[known] > TIE
            rows = np.flatnonzero(~broken.all(axis=1))
            if not len(rows):
                return best, box
        room_end = offsets - end[rows] @ normals.T
        worst = np.minimum.reduceat(room_end, starts, axis=1)  # (r, boxes)
        if witness is not None:  # remember the most broken facet of each box
            ends = np.append(starts[1:], len(offsets))
            for j, (a, b) in enumerate(zip(starts, ends, strict=True)):
                witness[rows, j] = np.argmin(room_end[:, a:b], axis=1)
        hit = np.flatnonzero((worst >= -TIE).any(axis=1))
        if not len(hit):  # the demands still cannot all be met at the end of the round
            return best, box
        rows, room_end = rows[hit], room_end[hit]
        excess = start[rows] @ normals.T - offsets
        rate = excess + room_end  # = -(end - start) @ normal >= 0 when demands fall
        with np.errstate(divide="ignore", invalid="ignore"):
            need = np.where(excess <= TIE, 0.0, np.where(rate > 1e-15, excess / rate, np.inf))
        lam = np.maximum.reduceat(need, starts, axis=1)  # (r, boxes)
        choice = np.argmin(lam, axis=1)
        first = lam[np.arange(len(rows)), choice]
        ok = first <= 1.0 + TIE
        best[rows[ok]], box[rows[ok]] = np.minimum(first[ok], 1.0), choice[ok]
        return best, box

    def gain(self, u: np.ndarray, direction: np.ndarray, box: np.ndarray) -> np.ndarray:
        """How far ``u`` can move along ``direction`` (rows) and stay reachable in ``box``.

        Negative when ``u`` must come down to be reachable; ``-inf`` when no move along ``direction`` makes it so.
        """
        z = np.full(len(u), np.inf)
        for j, poly in enumerate(self.boxes):
            rows = box == j
            if rows.any():
                room = poly.offset - u[rows] @ poly.normal.T
                rate = direction[rows] @ poly.normal.T
                with np.errstate(divide="ignore", invalid="ignore"):
                    reach = np.where(rate > 1e-15, room / rate, np.inf).min(axis=1)
                stuck = np.any((rate <= 1e-15) & (room < -TIE), axis=1)  # a facet the move cannot cure
                z[rows] = np.where(stuck, -np.inf, reach)
        return z

    def best_box(self, u: np.ndarray, direction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The box that lets ``u`` move furthest along ``direction``, and how far (per row)."""
        reach = np.stack([self.gain(u, direction, np.full(len(u), j)) for j in range(len(self.boxes))], axis=1)
        box = np.argmax(reach, axis=1)
        return reach[np.arange(len(u)), box], box

    def package(self, u: np.ndarray, box: np.ndarray) -> np.ndarray:
        """A package in ``box`` worth at least ``u`` to every party (``u`` reachable there), per row."""
        out = np.full((len(u), self.m), np.nan)
        for j, poly in enumerate(self.boxes):
            rows = np.flatnonzero(box == j)
            if len(rows):
                out[rows] = self._on_face(poly, u[rows])
        return out

    def _on_face(self, poly: Polytope, u: np.ndarray) -> np.ndarray:
        facet = np.argmin(poly.offset[None, :] - u @ poly.normal.T, axis=1)  # a facet through u
        package = poly.base[facet].copy()
        equal = (poly.normal[facet] > 1e-12)[:, :, None]  # parties the facet pins down
        system = np.swapaxes(poly.slope[facet], 1, 2) * equal
        target = (u - utilities(package, self.ideal, self.scaled))[:, :, None] * equal
        theta = np.clip(np.einsum("rpn,rnq->rp", np.linalg.pinv(system), target), 0.0, 1.0)
        for j in range(poly.free.shape[1]):
            issue = poly.free[facet, j]
            rows = np.flatnonzero(issue >= 0)
            package[rows, issue[rows]] += theta[rows, j] * poly.step[facet[rows], j]
        short = ~np.all(utilities(package, self.ideal, self.scaled) >= u - 1e-7, axis=1)
        for r in np.flatnonzero(short):  # degenerate faces (ties, zero weights): solve exactly
            package[r] = self._exact(poly, u[r])
        return package

    def _exact(self, poly: Polytope, u: np.ndarray) -> np.ndarray:
        """A package in the box worth at least ``u`` to everyone, by linear programming."""
        from scipy.optimize import linprog

        n, m = self.n, self.m
        distance = np.kron(np.eye(n), np.eye(m))  # t_ik >= |x_k - p_ik|
        rows = np.block([[np.tile(np.eye(m), (n, 1)), -distance], [-np.tile(np.eye(m), (n, 1)), -distance],
                         [np.zeros((n, m)), np.kron(np.eye(n), np.ones((1, m))) * self.scaled.ravel()]])  # fmt: skip
        bound = np.concatenate([self.ideal.ravel(), -self.ideal.ravel(), 1.0 - u + 1e-12])
        limits = list(zip(poly.low, poly.high, strict=True)) + [(0.0, None)] * (n * m)
        result = linprog(np.zeros(m + n * m), A_ub=rows, b_ub=bound, bounds=limits, method="highs")
        if result.status != 0:
            raise ValueError(f"no package reaches {u.tolist()}")
        return result.x[:m]

    def settle(self, u: np.ndarray, box: np.ndarray) -> np.ndarray:
        """A package worth at least ``u`` with every free gain taken: no party can gain without another losing.

        Repeatedly, in every box where the current point is reachable, the parties that could gain alone
        gain together by equal amounts; the box giving the largest total gain is taken (ties: the first).
        Starts in ``box``, where ``u`` must be reachable.
        """
        u, box = u.copy(), box.copy()
        rows = np.arange(len(u))  # the rows that may still gain
        for _ in range(self.n + 1):
            here = u[rows]
            best_total, best_step, best_box = np.zeros(len(rows)), np.zeros_like(here), box[rows]
            for j, poly in enumerate(self.boxes):
                room = poly.offset - here @ poly.normal.T  # (r, F), >= 0 where the point is reachable in this box
                fits = room.min(axis=1) >= -TIE
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(poly.normal[None] > 1e-15, room[:, :, None] / poly.normal[None], np.inf)
                    can = (ratio.min(axis=1) > TIE) & fits[:, None]  # who could gain alone
                    rate = can @ poly.normal.T
                    together = np.where(rate > 1e-15, room / rate, np.inf).min(axis=1)
                together = np.where(can.any(axis=1) & np.isfinite(together) & (together > TIE), together, 0.0)
                total = together * can.sum(axis=1)
                better = total > best_total + TIE
                step = together[:, None] * can
                best_total[better], best_step[better], best_box[better] = total[better], step[better], j
            gained = best_total > 0
            if not gained.any():
                break
            rows = rows[gained]
            u[rows] += best_step[gained]
            box[rows] = best_box[gained]
        return self.package(u, box)
