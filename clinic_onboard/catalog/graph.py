"""Cycles and reachability in the two graphs of the library: role ``includes`` and ``requires``."""

from collections.abc import Iterable, Mapping


def find_cycles(edges: Mapping[str, Iterable[str]]) -> list[tuple[str, ...]]:
    """Each cycle once, as the path that closes it: ``("a", "b", "a")``."""
    cycles: list[tuple[str, ...]] = []
    finished: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycles.append((*path[path.index(node) :], node))
            return
        if node in finished:
            return
        path.append(node)
        for successor in edges.get(node, ()):
            visit(successor, path)
        path.pop()
        finished.add(node)

    for node in edges:
        visit(node, [])
    return cycles


def reachable(edges: Mapping[str, Iterable[str]], start: str) -> frozenset[str]:
    """``start`` and every node it leads to; the graph must have no cycles."""
    found = {start}
    for successor in edges.get(start, ()):
        found |= reachable(edges, successor)
    return frozenset(found)
