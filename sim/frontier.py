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

One :class:`Frontier` holds ``G`` such geometries at once (one per parameter draw, when ideals,
saliences or red lines are uncertain): every array has a leading geometry axis, and each query row
names its geometry. Building and querying are vectorised over geometries.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from negsim.sim.faces import Faces, face_packages, faces_of

__all__ = ["MAX_VETO", "Frontier", "Polytope", "feasible_boxes", "utilities"]

#: Most parties with a veto the exact frontier supports (facets grow like issues^(parties - 1)).
MAX_VETO = 6
#: Slack for floating-point ties on the frontier.
TIE = 1e-9
#: Largest batch of candidate rays built at once (geometries x boxes x candidates), to bound memory.
_CHUNK = 600_000


def utilities(x: np.ndarray, ideal: np.ndarray, scaled: np.ndarray) -> np.ndarray:
    """Utilities ``(..., n)`` of packages ``(..., m)`` for ideals and saliences-over-spans ``(..., n, m)``.

    >>> utilities(np.array([0.5]), np.array([[0.0], [1.0]]), np.array([[1.0], [1.0]])).tolist()
    [0.5, 0.5]
    """
    return 1.0 - np.einsum("...nm,...nm->...n", np.abs(x[..., None, :] - ideal), scaled)


def feasible_boxes(low: np.ndarray, high: np.ndarray, linkages) -> list[tuple[np.ndarray, np.ndarray]]:
    """Boxes whose union is the feasible set: ``low <= x <= high`` cut by each linkage (one geometry).

    ``linkages`` holds ``(issue, lo, hi, when, when_lo, when_hi)``: the package keeps ``issue`` in
    ``[lo, hi]`` or ``when`` in ``[when_lo, when_hi]``. Boxes come in the order of the choices
    (for each linkage, the condition kept first), empty ones dropped.

    >>> [b[1].tolist() for b in feasible_boxes(np.zeros(2), np.ones(2), [(0, 0.0, 0.3, 1, 0.0, 0.5)])]
    [[1.0, 0.5], [0.3, 1.0]]
    """
    low_b, high_b, valid = _boxes(np.asarray(low, float)[None], np.asarray(high, float)[None], list(linkages))
    return [(low_b[0, b], high_b[0, b]) for b in range(low_b.shape[1]) if valid[0, b]]


def _boxes(low, high, linkages):
    """``(G, B, m)`` box bounds for the ``2^L`` ways of keeping the linkages, and which are not empty."""
    _G, _m = low.shape
    count = 2 ** len(linkages)
    box_low, box_high = np.repeat(low[:, None], count, axis=1), np.repeat(high[:, None], count, axis=1)
    for b, choice in enumerate(itertools.product((0, 1), repeat=len(linkages))):
        for pick, (issue, lo, hi, when, when_lo, when_hi) in zip(choice, linkages, strict=True):
            k, a, z = (when, when_lo, when_hi) if pick == 0 else (issue, lo, hi)
            box_low[:, b, k] = np.maximum(box_low[:, b, k], a)
            box_high[:, b, k] = np.minimum(box_high[:, b, k], z)
    return box_low, box_high, np.all(box_low <= box_high, axis=2)


@functools.cache
def _combinations(n: int, m: int) -> np.ndarray:
    """Index sets of ``n - 1`` walls from distinct families: issue ``k``'s walls are ``k(n-1) ... k(n-1)+n-2``,
    then the ``n`` coordinate planes."""
    family = [k for k in range(m) for _ in range(n - 1)] + [m + i for i in range(n)]
    picks = [c for c in itertools.combinations(range(len(family)), n - 1) if len({family[j] for j in c}) == n - 1]
    return np.array(picks, dtype=np.intp).reshape(len(picks), n - 1)


def _rays(walls: np.ndarray) -> np.ndarray:
    """Null vectors ``(..., n)`` of ``n - 1`` walls ``(..., n - 1, n)``: generalised cross products."""
    n = walls.shape[-1]
    if n == 1:
        return np.ones((*walls.shape[:-2], 1))
    columns = [np.delete(walls, i, axis=-1) for i in range(n)]
    return np.stack([(-1) ** i * np.linalg.det(c) for i, c in enumerate(columns)], axis=-1)


@dataclass(frozen=True, slots=True)
class Polytope:
    """One box of one geometry: ``normal @ u <= offset`` (normals on the simplex)."""

    low: np.ndarray
    high: np.ndarray
    normal: np.ndarray
    offset: np.ndarray


class Frontier:
    """What the veto parties can reach together, for ``G`` geometries at once.

    Args:
        ideal: ``(n, m)`` or ``(G, n, m)`` the veto parties' ideal points.
        scaled: the same shape: their saliences divided by each issue's span.
        low, high: ``(m,)`` or ``(G, m)`` the box their red lines leave.
        linkages: the veto parties' linkages, ``(issue, lo, hi, when, when_lo, when_hi)``; the bounds may be
            ``(G,)`` arrays.
    """

    def __init__(self, ideal: np.ndarray, scaled: np.ndarray, low, high, linkages=()) -> None:
        ideal, scaled = np.asarray(ideal, float), np.asarray(scaled, float)
        single = ideal.ndim == 2
        self.ideal = ideal[None] if single else ideal
        self.scaled = np.broadcast_to(scaled[None] if scaled.ndim == 2 else scaled, self.ideal.shape).copy()
        self.G, self.n, self.m = self.ideal.shape
        if self.n > MAX_VETO:
            raise ValueError(f"{self.n} veto parties; at most {MAX_VETO}")
        low = np.broadcast_to(np.asarray(low, float), (self.G, self.m))
        high = np.broadcast_to(np.asarray(high, float), (self.G, self.m))
        links = [tuple(np.broadcast_to(np.asarray(v, float), (self.G,)) if j not in (0, 3) else int(v)
                       for j, v in enumerate(link)) for link in linkages]  # fmt: skip
        self.box_low, self.box_high, self.box_valid = _boxes(low, high, links)
        self.B = self.box_low.shape[1]
        self._build()

    # --- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        G, B, n, m = self.G, self.B, self.n, self.m
        clipped = np.clip(self.ideal[:, None], self.box_low[:, :, None], self.box_high[:, :, None])  # (G,B,n,m)
        combos = _combinations(n, m)
        step = max(1, _CHUNK // max(1, B * len(combos)))
        normals = []
        for start in range(0, G, step):
            part = slice(start, min(G, start + step))
            walls = self._walls(clipped[part], self.scaled[part])  # (g,B,W,n)
            rays = _rays(walls[:, :, combos]) if n > 1 else np.ones((walls.shape[0], B, 1, 1))
            normals.append(self._clean(rays))
        F = max(r.shape[2] for r in normals)
        normal = np.zeros((G, B, F, n))
        at = 0
        for part in normals:
            normal[at : at + len(part), :, : part.shape[2]] = part
            at += len(part)
        valid = normal.sum(axis=3) > 0.5
        offset = np.where(valid, self._support(normal, clipped), np.inf)
        offset = np.where(self.box_valid[:, :, None], offset, -np.inf)  # an empty box reaches nothing
        self.normal, self.offset, self.facet_valid = normal, offset, valid & self.box_valid[:, :, None]
        self.faces: Faces = faces_of(normal, clipped, self.scaled)

    def _walls(self, clipped: np.ndarray, scaled: np.ndarray) -> np.ndarray:
        """``(g, B, m(n-1) + n, n)`` wall normals: zero where two neighbours coincide or one side is empty."""
        n = self.n
        order = np.argsort(clipped, axis=2, kind="stable")  # (g,B,n,m)
        points = np.take_along_axis(clipped, order, axis=2)
        left = clipped[:, :, None, :, :] <= points[:, :, :-1, None, :]  # (g,B,j,i,m): party i at or left of the j-th
        wall = np.where(left, 1.0, -1.0) * scaled[:, None, None]  # (g,B,j,i,m)
        distinct = points[:, :, 1:] > points[:, :, :-1]  # (g,B,j,m)
        both = (wall > 0).any(axis=3) & (wall < 0).any(axis=3)
        wall = np.where((distinct & both)[:, :, :, None], wall, 0.0)
        issue_walls = np.moveaxis(wall, 4, 2).reshape(*wall.shape[:2], -1, n)  # (g,B,m*(n-1),n) by issue, then j
        eye = np.broadcast_to(np.eye(n), (*wall.shape[:2], n, n))
        return np.concatenate([issue_walls, eye], axis=2)

    @staticmethod
    def _clean(rays: np.ndarray) -> np.ndarray:
        """Keep the rays in the positive orthant, on the simplex; drop repeats; pad the rest with zeros."""
        rays = rays * np.where(rays.sum(axis=-1, keepdims=True) < 0, -1.0, 1.0)
        size = np.abs(rays).sum(axis=-1)
        ok = (size > 1e-12) & np.all(rays >= -1e-12 * size[..., None], axis=-1)
        rays = np.where(ok[..., None], np.clip(rays, 0.0, None), 0.0)
        total = rays.sum(axis=-1, keepdims=True)
        rays = np.round(np.where(total > 0, rays / np.where(total > 0, total, 1.0), 0.0), 12)
        ok &= rays.sum(axis=-1) > 0.5
        key = np.where(ok, rays @ (1.0 + 0.6180339887 * np.arange(rays.shape[-1])), np.inf)
        order = np.argsort(key, axis=-1, kind="stable")  # equal rays end up side by side
        rays, ok = np.take_along_axis(rays, order[..., None], axis=-2), np.take_along_axis(ok, order, axis=-1)
        repeat = np.zeros_like(ok)
        repeat[..., 1:] = ok[..., 1:] & ok[..., :-1] & np.all(np.abs(np.diff(rays, axis=-2)) < 1e-11, axis=-1)
        ok &= ~repeat
        order = np.argsort(~ok, axis=-1, kind="stable")  # kept rays first
        rays, ok = np.take_along_axis(rays, order[..., None], axis=-2), np.take_along_axis(ok, order, axis=-1)
        rays = np.where(ok[..., None], rays, 0.0)
        return rays[..., : max(int(ok.sum(axis=-1).max()) if ok.size else 0, 1), :]

    def _support(self, normal: np.ndarray, clipped: np.ndarray) -> np.ndarray:
        """``max normal . u(x)`` over each box ``(G, B, F)``: per issue, the weighted median of the clipped ideals."""
        value = normal.sum(axis=3)
        for k in range(self.m):
            points = clipped[..., k]  # (G,B,n)
            order = np.argsort(points, axis=2, kind="stable")
            sorted_points = np.take_along_axis(points, order, axis=2)
            weight = normal * self.scaled[:, None, None, :, k]  # (G,B,F,n)
            cumulative = np.cumsum(np.take_along_axis(weight, order[:, :, None, :], axis=3), axis=3)
            index = (cumulative < cumulative[..., -1:] / 2.0 - 1e-15).sum(axis=3)
            x = np.take_along_axis(sorted_points, np.minimum(index, self.n - 1), axis=2)  # (G,B,F)
            loss = np.abs(x[..., None] - self.ideal[:, None, None, :, k])
            value = value - np.einsum("gbfn,gbfn->gbf", weight, loss)
        return value

    # --- the single-geometry view -------------------------------------------------------------------

    @property
    def empty(self) -> bool:
        """Whether the red lines and linkages leave no package at all (in every geometry)."""
        return not self.box_valid.any()

    @property
    def boxes(self) -> list[Polytope | None]:
        """The first geometry's boxes, each with its facets, in the order queries number them (``None``: empty).

        For code that asks once per scenario; queries take a box as its index in this list.
        """
        out = []
        for b in range(self.B):
            keep = self.facet_valid[0, b]
            box = Polytope(self.box_low[0, b], self.box_high[0, b], self.normal[0, b, keep], self.offset[0, b, keep])
            out.append(box if self.box_valid[0, b] else None)
        return out

    # --- queries: every row r belongs to geometry group[r] (default 0) ---------------------------------

    def _rows(self, u: np.ndarray, group) -> tuple[np.ndarray, np.ndarray]:
        """The facets ``(R|1, B, F, n)`` and offsets ``(R|1, B, F)`` of each row's geometry."""
        if self.G == 1:
            return self.normal, self.offset
        group = np.zeros(len(u), np.intp) if group is None else group
        return self.normal[group], self.offset[group]

    @staticmethod
    def _dot(normal: np.ndarray, u: np.ndarray) -> np.ndarray:
        """``(r, B, F)`` each facet's normal times ``u`` ``(r, n)``; one geometry's facets go through BLAS."""
        if normal.shape[0] == 1:
            B, F, n = normal.shape[1:]
            return (u @ normal[0].reshape(-1, n).T).reshape(len(u), B, F)
        return np.einsum("rbfn,rn->rbf", normal, u)

    @staticmethod
    def _dot_by_box(normal: np.ndarray, v: np.ndarray) -> np.ndarray:
        """``(r, B, F)`` each facet's normal times its box's vector ``v`` ``(r, B, n)``."""
        if normal.shape[0] == 1:
            return np.matmul(v[:, :, None, :], np.swapaxes(normal[0], 1, 2))[:, :, 0, :]
        return np.einsum("rbfn,rbn->rbf", normal, v)

    def room(self, u: np.ndarray, group=None) -> np.ndarray:
        """``(R, B)`` per row and box: how far ``u`` is inside the box's reach (negative: outside; -inf: empty box)."""
        _, room = self._room(u, group)
        return room.min(axis=2)

    def slack(self, u: np.ndarray, group=None) -> np.ndarray:
        """The largest equal gain ``z`` that keeps ``u + z`` reachable, per row (negative: ``u`` is not).

        So a package gives every party at least ``u`` exactly when ``slack(u) >= 0``.
        """
        _, room = self._room(u, group)
        return room.min(axis=2).max(axis=1)

    def touch(self, start: np.ndarray, end: np.ndarray, witness: np.ndarray | None = None,
              group=None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Where falling demands first become reachable: ``lam`` in ``[0, 1]`` (inf: not in this step).

        Demands move from ``start`` to ``end`` ``(R, n)`` (never rising); the point
        ``start + lam (end - start)`` is the first reachable one. Also returns the box it is in.

        ``witness`` ``(R, B)``, kept by the caller between rounds, remembers for each row and box a
        facet the demands broke: while the new demands still break it, the row is settled in one
        product instead of one per facet (demands fall slowly, so most rounds nothing else is needed).
        """
        best, box = np.full(len(start), np.inf), np.full(len(start), -1)
        if self.empty:
            return best, box
        rows = np.arange(len(start))
        single = self.G == 1
        if single or group is None:
            group = np.zeros(len(start), np.intp)
        if witness is not None:  # each row's remembered facets only, not all of its geometry's
            boxes = np.arange(self.B)[None, :]
            known_n = self.normal[group[:, None], boxes, witness]  # (R,B,n)
            known_o = self.offset[group[:, None], boxes, witness]
            broken = np.einsum("rn,rbn->rb", end, known_n) - known_o > TIE
            rows = np.flatnonzero(~broken.all(axis=1))
            if not len(rows):
                return best, box
        if single:
            normal_r, offset_r = self.normal, self.offset[0]
        else:
            normal_r, offset_r = self.normal[group[rows]], self.offset[group[rows]]
        room_end = offset_r - self._dot(normal_r, end[rows])
        if witness is not None:
            witness[rows] = np.argmin(np.where(np.isnan(room_end), np.inf, room_end), axis=2)
        reach = room_end.min(axis=2) >= -TIE  # (r,B)
        hit = np.flatnonzero(reach.any(axis=1))
        if not len(hit):
            return best, box
        rows, room_end = rows[hit], room_end[hit]
        start_r = start[rows]
        with np.errstate(invalid="ignore"):
            excess = self._dot(normal_r if single else normal_r[hit], start_r) - (offset_r if single else offset_r[hit])
            rate = excess + room_end  # = -(end - start) @ normal >= 0 when demands fall
        with np.errstate(divide="ignore", invalid="ignore"):
            need = np.where(excess <= TIE, 0.0, np.where(rate > 1e-15, excess / rate, np.inf))
        need = np.where(np.isnan(need), np.inf, need)
        lam = need.max(axis=2)  # (r,B)
        lam = np.where(reach[hit], lam, np.inf)
        choice = np.argmin(lam, axis=1)
        first = lam[np.arange(len(rows)), choice]
        ok = first <= 1.0 + TIE
        best[rows[ok]], box[rows[ok]] = np.minimum(first[ok], 1.0), choice[ok]
        return best, box

    def _room(self, u: np.ndarray, group, box=None) -> tuple[np.ndarray, np.ndarray]:
        """Per row: each box's facets ``(R, B, F, n)`` (or the chosen box's ``(R, F, n)``) and the room left."""
        normal, offset = self._rows(u, group)
        room = offset - self._dot(normal, u)
        if box is not None:
            rows = np.arange(len(u))
            return (normal[0, box] if normal.shape[0] == 1 else normal[rows, box]), room[rows, box]
        return normal, room

    def gain(self, u: np.ndarray, direction: np.ndarray, box: np.ndarray, group=None) -> np.ndarray:
        """How far ``u`` can move along ``direction`` (rows) and stay reachable in ``box``.

        Negative when ``u`` must come down to be reachable; ``-inf`` when no move along ``direction`` makes it so.
        """
        normal, room = self._room(u, group, box)
        rate = np.einsum("rfn,rn->rf", normal, direction)
        with np.errstate(divide="ignore", invalid="ignore"):
            reach = np.where(rate > 1e-15, room / rate, np.inf).min(axis=1)
        stuck = np.any((rate <= 1e-15) & (room < -TIE), axis=1)  # a facet the move cannot cure (or an empty box)
        return np.where(stuck, -np.inf, reach)

    def best_box(self, u: np.ndarray, direction: np.ndarray, group=None) -> tuple[np.ndarray, np.ndarray]:
        """The box that lets ``u`` move furthest along ``direction`` (rows), and how far."""
        normal, room = self._room(u, group)
        rate = self._dot(normal, direction)
        with np.errstate(divide="ignore", invalid="ignore"):
            reach = np.where(rate > 1e-15, room / rate, np.inf).min(axis=2)
        reach = np.where(np.any((rate <= 1e-15) & (room < -TIE), axis=2), -np.inf, reach)
        box = np.argmax(reach, axis=1)
        return reach[np.arange(len(u)), box], box

    def package(self, u: np.ndarray, box: np.ndarray, group=None) -> np.ndarray:
        """A package in ``box`` worth at least ``u`` to every party (``u`` reachable there), per row."""
        group = np.zeros(len(u), np.intp) if group is None or self.G == 1 else group
        return face_packages(self, u, box, group)

    def settle(self, u: np.ndarray, box: np.ndarray, group=None) -> np.ndarray:
        """A package worth at least ``u`` with every free gain taken: no party can gain without another losing.

        Repeatedly, in every box where the current point is reachable, the parties that could gain alone
        gain together by equal amounts; the box giving the largest total gain is taken (ties: the first).
        Starts in ``box``, where ``u`` must be reachable.
        """
        u, box = u.copy(), box.copy()
        group = np.zeros(len(u), np.intp) if group is None or self.G == 1 else np.asarray(group)
        every_normal, every_offset = self._rows(u, group)  # gathered once: (1 | R, B, F, n), (1 | R, B, F)
        single = every_normal.shape[0] == 1
        rows = np.arange(len(u))  # the rows that may still gain
        for _ in range(self.n + 1):
            normal = every_normal if single else every_normal[rows]
            room = (every_offset if single else every_offset[rows]) - self._dot(normal, u[rows])  # (r,B,F)
            fits = room.min(axis=2) >= -TIE
            with np.errstate(invalid="ignore"):
                # party i can gain alone where every facet that its gain pushes against still has room
                blocked = ((normal > 1e-15) & (room[..., None] <= TIE * normal)).any(axis=2)  # (r,B,n)
            can = ~blocked & fits[:, :, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = self._dot_by_box(normal, can * 1.0)
                together = np.where(rate > 1e-15, room / rate, np.inf).min(axis=2)  # (r,B)
            together = np.where(can.any(axis=2) & np.isfinite(together) & (together > TIE), together, 0.0)
            total = together * can.sum(axis=2)
            choice = np.argmax(total > total.max(axis=1, keepdims=True) - TIE, axis=1)  # the first best box
            best = total[np.arange(len(rows)), choice]
            gained = best > 0
            if not gained.any():
                break
            pick = np.arange(len(rows))[gained]
            u[rows[gained]] += together[pick, choice[gained], None] * can[pick, choice[gained]]
            box[rows[gained]] = choice[gained]
            rows = rows[gained]
        return self.package(u, box, group)
