"""What keeps complementary suppression linear on a large layer (``pakmap.protection.complementary``).

A layer of 100,000 points has a relation holding every row (its total, published) and a thousand
small cells, each to be put on a rectangle of suppressed cells. Per small cell, asking which
relations hold a moved cell, or which exchangeable row is the cheapest to hide, must not read the
whole layer again:

* ``CellIndex``: every cell's relations, and how each holds it (a part, how many times; the total),
  in arrays sorted once: a balance check and the rank test ask about a few cells, not every part;
* ``CellIndex.exchange_classes``: the class of every cell (which column sums hold it), found
  relation by relation with numpy rather than cell by cell;
* ``CheapestRows``: for each pattern's fields and class, the exchangeable rows in order of what
  hiding them costs, sorted once and kept in order as cells get suppressed.

Relations are read through their ``parts`` ((row, field) pairs) and ``total`` (a cell or None).
"""

from __future__ import annotations

import heapq
import itertools
from typing import Callable, Sequence

import numpy as np

Cell = tuple[int, int]
Cost = tuple[int, int, float]  # hidden zeros, cells newly hidden, sum of the values newly hidden


class CellIndex:
    """Which relations hold each cell of a table of ``n_fields`` columns, and with what coefficient."""

    def __init__(self, rels: Sequence, n_fields: int) -> None:
        self.rels = rels
        self.n_fields = n_fields
        lengths = np.fromiter((len(rel.parts) for rel in rels), dtype=np.int64, count=len(rels))
        flat = np.fromiter(
            itertools.chain.from_iterable(itertools.chain.from_iterable(rel.parts for rel in rels)),
            dtype=np.int64,
            count=2 * int(lengths.sum()),
        )
        # Parts as they come, relation after relation (what the exchange classes are refined by).
        self._part_cells = flat[0::2] * n_fields + flat[1::2]
        self._part_owners = np.repeat(np.arange(len(rels), dtype=np.int64), lengths)
        self._has_total = np.fromiter((rel.total is not None for rel in rels), dtype=bool, count=len(rels))
        totals = [(i, rel.total[0] * n_fields + rel.total[1]) for i, rel in enumerate(rels) if rel.total is not None]
        total_owners = np.array([i for i, _ in totals], dtype=np.int64)
        total_cells = np.array([c for _, c in totals], dtype=np.int64)
        cells = np.concatenate([self._part_cells, total_cells])
        owners = np.concatenate([self._part_owners, total_owners])
        is_total = np.concatenate([np.zeros(len(self._part_cells), bool), np.ones(len(total_cells), bool)])
        order = np.lexsort((owners, cells))
        cells, owners, is_total = cells[order], owners[order], is_total[order]
        # One entry per (cell, relation): how many times the cell is a part of it, whether it is its total.
        first = np.ones(len(cells), dtype=bool)
        first[1:] = (cells[1:] != cells[:-1]) | (owners[1:] != owners[:-1])
        starts = np.flatnonzero(first)
        self.cells, self.owners = cells[starts], owners[starts]
        if len(starts):
            self.parts = np.add.reduceat((~is_total).astype(np.int64), starts)
            self.totals = np.logical_or.reduceat(is_total, starts)
        else:
            self.parts, self.totals = np.zeros(0, np.int64), np.zeros(0, bool)

    def _ids(self, cells) -> np.ndarray:
        pairs = np.asarray(cells, dtype=np.int64).reshape(-1, 2)
        return pairs[:, 0] * self.n_fields + pairs[:, 1]

    def _span(self, cell: Cell) -> tuple[int, int]:
        cid = cell[0] * self.n_fields + cell[1]
        return int(np.searchsorted(self.cells, cid, "left")), int(np.searchsorted(self.cells, cid, "right"))

    def get(self, cell: Cell, default=()) -> list:
        """The relations holding ``cell`` (in the order of ``rels``)."""
        lo, hi = self._span(cell)
        return [self.rels[o] for o in self.owners[lo:hi].tolist()] if hi > lo else list(default)

    def all_cells(self) -> list[Cell]:
        """Every cell some relation holds, in (row, field) order."""
        return [divmod(int(c), self.n_fields) for c in np.unique(self.cells)]

    def balanced(self, moves: dict[Cell, float]) -> bool:
        """Whether changing the cells by ``moves`` leaves every relation that holds one of them true."""
        change: dict[int, float] = {}
        for cell, move in moves.items():
            lo, hi = self._span(cell)
            for owner, parts, total in zip(
                self.owners[lo:hi].tolist(), self.parts[lo:hi].tolist(), self.totals[lo:hi].tolist()
            ):
                change[owner] = change.get(owner, 0.0) + move * (parts - total)
        return all(abs(c) <= 1e-9 for c in change.values())

    def exposed(self, suppressed: list[Cell]) -> list[Cell]:
        """The ``suppressed`` cells that the relations holding them determine exactly (the cell's unit
        vector lies in the row space of those relations restricted to the suppressed cells)."""
        if not suppressed:
            return []
        ids = self._ids(suppressed)
        lo = np.searchsorted(self.cells, ids, "left")
        hi = np.searchsorted(self.cells, ids, "right")
        counts = hi - lo
        if not counts.any():
            return []
        column = np.repeat(np.arange(len(ids)), counts)
        entry = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) + np.arange(counts.sum())
        relation, row = np.unique(self.owners[entry], return_inverse=True)
        a = np.zeros((len(relation), len(ids)))
        a[row, column] = np.where(self.totals[entry], -1.0, 1.0)
        _, sv, vt = np.linalg.svd(a, full_matrices=False)
        rank = int(np.sum(sv > 1e-9 * max(1.0, sv.max(initial=0.0))))
        # The part of each unit vector inside the row space: 1 when the relations pin that cell down.
        inside = np.sum(vt[:rank] ** 2, axis=0)
        return [c for c, f in zip(suppressed, inside) if f > 1 - 1e-7]

    def exchange_classes(self, shape: tuple[int, int]) -> np.ndarray:
        """Per cell, a class number: cells held by the same column sums (the relations without a total,
        each as many times) share it, so a unit moved between two rows of one class changes no sum."""
        classes = np.zeros(shape[0] * shape[1], dtype=np.int64)
        keep = ~self._has_total[self._part_owners]
        cells, owners = self._part_cells[keep], self._part_owners[keep]
        cuts = (np.flatnonzero(np.diff(owners)) + 1).tolist()
        next_class = 1
        for start, stop in itertools.pairwise([0, *cuts, len(owners)] if len(owners) else []):
            held, times = np.unique(cells[start:stop], return_counts=True)
            # A cell's class so far and how often this relation holds it: one new class per pair.
            _, new = np.unique(classes[held] * (int(times.max()) + 1) + times, return_inverse=True)
            classes[held] = next_class + new
            next_class += int(new.max()) + 1
        return classes.reshape(shape)


class _Queue:
    """The rows of one group in order of cost: sorted once (arrays, read from the front: a cell takes
    the first rows that balance), then the rows whose cost fell since, in a heap. An entry is current
    while its row's stamp has not moved (costs only fall)."""

    def __init__(self, zeros, count, lost, rows, stamps) -> None:
        self.zeros, self.count, self.lost, self.rows, self.stamps = zeros, count, lost, rows, stamps
        self.start = 0
        self.heap: list[tuple] = []

    def __len__(self) -> int:
        return len(self.rows)

    def key(self, i: int) -> tuple[int, int, float, int]:
        return int(self.zeros[i]), int(self.count[i]), float(self.lost[i]), int(self.rows[i])


class CheapestRows:
    """For a cell and the fields its pattern moves (``support``), the rows that can take the opposite
    move (the same classes on those fields, all present) in order of what hiding their cells costs:
    fewest zeros hidden, then fewest new cells, then the smallest values, then the row number."""

    def __init__(self, values: np.ndarray, suppressed: np.ndarray, present: np.ndarray, classes: np.ndarray) -> None:
        self.values, self.suppressed, self.present, self.classes = values, suppressed, present, classes
        self._groups: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._queues: dict[tuple[tuple[int, ...], int], _Queue] = {}
        self._stamp = np.zeros(values.shape[0], dtype=np.int64)  # bumped when a cell of the row is hidden

    def cost(self, row: int, support: tuple[int, ...]) -> Cost:
        """What hiding the not yet suppressed cells of ``row`` in ``support`` costs."""
        zeros = count = 0
        lost = 0.0
        for field in support:
            if not self.suppressed[row, field]:
                value = float(self.values[row, field])
                zeros, count, lost = zeros + (value == 0), count + 1, lost + value
        return zeros, count, lost

    def _grouping(self, support: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row its group for ``support`` (-1: a cell missing), the rows by group, each group's start."""
        found = self._groups.get(support)
        if found is None:
            fields = list(support)
            complete = self.present[:, fields].all(axis=1)
            group = np.full(self.values.shape[0], -1, dtype=np.int64)
            if complete.any():
                classes = self.classes[complete][:, fields]
                if len(fields) == 1:
                    _, inverse = np.unique(classes[:, 0], return_inverse=True)
                else:
                    _, inverse = np.unique(classes, axis=0, return_inverse=True)
                group[complete] = inverse.reshape(-1)
            order = np.argsort(group, kind="stable")
            starts = np.searchsorted(group[order], np.arange(int(group.max()) + 2))
            found = self._groups[support] = (group, order, starts)
        return found

    def _queue(self, support: tuple[int, ...], group: int) -> _Queue:
        queue = self._queues.get((support, group))
        if queue is None:
            _, order, starts = self._grouping(support)
            rows = order[starts[group] : starts[group + 1]]
            fields = list(support)
            new = ~self.suppressed[rows][:, fields]
            values = self.values[rows][:, fields]
            zeros = np.sum(new & (values == 0), axis=1)
            count = np.sum(new, axis=1)
            lost = np.sum(np.where(new, values, 0.0), axis=1)
            by_cost = np.lexsort((rows, lost, count, zeros))
            queue = self._queues[(support, group)] = _Queue(
                zeros[by_cost], count[by_cost], lost[by_cost], rows[by_cost], self._stamp[rows[by_cost]]
            )
        return queue

    def hidden(self, cell: Cell) -> None:
        """``cell`` was just suppressed: its row costs less in the groups already sorted."""
        row = cell[0]
        self._stamp[row] += 1
        for support, (group, _, _) in self._groups.items():
            queue = self._queues.get((support, int(group[row])))
            if queue is not None:
                heapq.heappush(queue.heap, (*self.cost(row, support), row, int(self._stamp[row])))

    def first(self, row: int, support: tuple[int, ...], accept: Callable[[int], bool]) -> tuple | None:
        """``(zeros, count, lost, other_row)`` of the cheapest row other than ``row`` in ``row``'s group
        for ``support`` that ``accept`` takes; None when there is none."""
        group = int(self._grouping(support)[0][row])
        if group < 0:
            return None
        queue = self._queue(support, group)
        heap, stamp, size = queue.heap, self._stamp, len(queue)
        i, taken, found = queue.start, [], None
        while True:
            while i < size and queue.stamps[i] != stamp[queue.rows[i]]:
                if i == queue.start:  # a row whose cost fell is in the heap now: its old entry is gone for good
                    queue.start += 1
                i += 1
            while heap and heap[0][4] != stamp[heap[0][3]]:
                heapq.heappop(heap)
            if i >= size and not heap:
                break
            if not heap or (i < size and queue.key(i) <= heap[0][:4]):
                candidate = queue.key(i)
                i += 1
            else:
                entry = heapq.heappop(heap)
                taken.append(entry)
                candidate = entry[:4]
            if candidate[3] != row and accept(candidate[3]):
                found = candidate
                break
        for entry in taken:  # still current: other cells may take them
            heapq.heappush(heap, entry)
        return found


__all__ = ["CellIndex", "CheapestRows"]
