"""The actor network of a set of briefs: actors as nodes, their relations and affiliations as edges, and (asked
for) issues as nodes with the actors' stances as edges.

Across briefs, actors are matched as the comparison matches them (by id, then by name or alias, case and accents
folded; analysis/positions.py's ActorMatcher), issues by id. Each edge keeps what every brief says of it, in
brief order (date, then id, then path), and shows the latest brief's word; where an earlier brief said something
else, the edge is marked changed and keeps the state before the latest change.

Pure data in, data out: nothing here reads files, draws or prints (render/graph.py writes Mermaid, DOT and JSON).
Invalid briefs are read defensively: a relation that does not name two actors is skipped, an actor a brief names
without defining it is still a node.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from brief.analysis.positions import ActorInfo, ActorMatcher, BriefRecord
from brief.base import fields

EdgeType = Literal["relation", "affiliation", "stance"]
NodeType = Literal["actor", "issue"]


@dataclass(frozen=True, slots=True)
class State:
    """What one brief says of an edge."""

    brief: str  # the brief's id
    date: str
    value: str  # relation kind, affiliation role (or "affiliated"), or stance
    trend: str | None = None  # relations
    status: str | None = None  # affiliations
    basis: str | None = None  # stances
    confidence: str | None = None
    salience: float | int | None = None
    power: float | int | None = None
    change: str | None = None  # a stance's `change`: why it differs from an earlier assessment
    as_of: str | None = None

    def same(self, other: State) -> bool:
        """Whether two briefs agree on the edge (what it is, and for relations which way it is moving)."""
        return self.value == other.value and self.trend == other.trend

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"brief": self.brief, "date": self.date or None, "value": self.value}
        for name in ("trend", "status", "basis", "confidence", "salience", "power", "change", "as_of"):
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        return found


@dataclass(slots=True)
class Node:
    key: str  # unique in the network: the actor's key across briefs (as `brief compare` has it), or the issue id
    type: NodeType
    label: str  # the actor's name, or the issue's statement (else its id)
    kind: str | None = None  # the actor's kind in the latest brief that gives one
    country: str | None = None
    ids: list[str] = field(default_factory=list)  # the ids it has across briefs
    aliases: list[str] = field(default_factory=list)
    briefs: list[str] = field(default_factory=list)  # ids of the briefs it appears in, in brief order

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"id": self.key, "type": self.type, "label": self.label}
        if self.type == "actor":
            found |= {"kind": self.kind, "country": self.country, "ids": self.ids, "aliases": self.aliases}
        found["briefs"] = self.briefs
        return found


@dataclass(slots=True)
class Edge:
    source: str  # node keys; a relation's pair in the order its first brief wrote it
    target: str
    type: EdgeType
    history: list[State] = field(default_factory=list)  # each brief's word, in brief order

    @property
    def latest(self) -> State:
        return self.history[-1]

    @property
    def directed(self) -> bool:
        return self.type != "relation"

    @property
    def briefs(self) -> list[str]:
        return list(dict.fromkeys(state.brief for state in self.history))

    @property
    def previous(self) -> State | None:
        """The last state that differs from the latest one: what the edge changed from (None: never changed)."""
        latest = self.latest
        return next((state for state in reversed(self.history) if not state.same(latest)), None)

    @property
    def changed(self) -> bool:
        return self.previous is not None

    def as_dict(self) -> dict[str, Any]:
        latest, previous = self.latest, self.previous
        found: dict[str, Any] = {"source": self.source, "target": self.target, "type": self.type,
                                 "directed": self.directed}  # fmt: skip
        found |= {k: v for k, v in latest.as_dict().items() if k not in ("brief", "date")}
        found |= {"briefs": self.briefs, "latest_brief": latest.brief, "changed": previous is not None}
        found["previous"] = previous.as_dict() if previous is not None else None
        found["history"] = [state.as_dict() for state in self.history]
        return found


@dataclass(slots=True)
class Network:
    briefs: list[str]  # ids of the briefs it was built from, in brief order
    nodes: dict[str, Node]
    edges: list[Edge]
    positions: bool = False  # issues and stances included
    left_out: int = 0  # actors not drawn (see `core`)

    def actors(self) -> list[Node]:
        return [node for node in self.nodes.values() if node.type == "actor"]

    def as_dict(self) -> dict[str, Any]:
        return {"version": 1, "briefs": self.briefs, "positions": self.positions,
                "nodes": [node.as_dict() for node in self.nodes.values()],
                "edges": [edge.as_dict() for edge in self.edges]}  # fmt: skip

    def core(self, limit: int, edges: int = 0) -> Network:
        """The `limit` actors in most briefs (then with most edges, then by name) with the edges among them, and
        the issues they take positions on: a picture of a large collection that can still be read. With `edges`,
        only that many edges are kept, those that most briefs give (then the latest). `left_out` counts the actors
        not kept."""
        actors = self.actors()
        if (limit <= 0 or len(actors) <= limit) and (edges <= 0 or len(self.edges) <= edges):
            return self
        degree: dict[str, int] = {}
        for edge in self.edges:
            for key in (edge.source, edge.target):
                degree[key] = degree.get(key, 0) + 1
        ranked = sorted(actors, key=lambda n: (-len(n.briefs), -degree.get(n.key, 0), n.label.casefold(), n.key))
        kept = {node.key for node in (ranked[:limit] if limit > 0 else ranked)}
        chosen = [e for e in self.edges if e.source in kept and (e.target in kept or e.type == "stance")]
        if 0 < edges < len(chosen):
            order = {id(e): n for n, e in enumerate(chosen)}
            best = sorted(chosen, key=lambda e: (-len(e.history), _descending(e.latest.date), order[id(e)]))
            keep = {id(e) for e in best[:edges]}
            chosen = [e for e in chosen if id(e) in keep]
        issues = {e.target for e in chosen if e.type == "stance"}
        nodes = {key: node for key, node in self.nodes.items() if key in kept or key in issues}
        return Network(self.briefs, nodes, chosen, self.positions, len(actors) - len(kept))


def _descending(date: str) -> tuple[int, ...]:
    """A sort key putting later dates first."""
    return tuple(-ord(c) for c in date or "")


def build_network(records: Iterable[BriefRecord | tuple[str, str, str, Mapping[str, Any]]],
                  positions: bool = False) -> Network:  # fmt: skip
    """The network of `records` (brief id, date, path, data), with issues and stances when `positions`."""
    kept = [BriefRecord(*record) for record in records if isinstance(record[3], Mapping)]
    kept.sort(key=lambda r: (r.date or "9999", r.id, r.path))  # brief order, as the comparison's; undated last
    builder = _Builder(positions)
    for record in kept:
        builder.add(record)
    return Network([r.id for r in kept], builder.nodes, list(builder.edges.values()), positions)


class _Builder:
    def __init__(self, positions: bool) -> None:
        self.positions = positions
        self.matcher = ActorMatcher()
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str, str], Edge] = {}

    def add(self, record: BriefRecord) -> None:
        data = record.data
        claimed: set[int] = set()
        local: dict[str, str] = {}  # the brief's actor ids -> node keys

        def actor(actor_id: str, actor_fields: Mapping[str, Any]) -> str:
            if actor_id in local:
                return local[actor_id]
            group = self.matcher.match(actor_id, actor_fields, claimed)
            node = self._actor_node(group, record.id)
            if actor_fields:  # the latest brief that defines the actor says what it is
                node.kind = fields.key(actor_fields.get("kind")) or node.kind
                node.country = fields.key(actor_fields.get("country")) or node.country
                node.aliases = list(group.aliases)
            node.ids = list(group.ids)
            local[actor_id] = group.key
            return group.key

        defined = fields.mappings(data.get("actors"))
        for actor_fields in defined:
            actor_id = fields.key(actor_fields.get("id"))
            if actor_id is not None:
                actor(actor_id, actor_fields)

        def named(actor_id: str) -> str:  # an actor a brief names without defining it is still a node
            return local.get(actor_id) or actor(actor_id, {})

        for actor_fields in defined:
            member = fields.key(actor_fields.get("id"))
            if member is None:
                continue
            for affiliation in fields.mappings(actor_fields.get("affiliations")):
                target = fields.key(affiliation.get("actor"))
                if target is None:
                    continue
                role = fields.text(affiliation.get("role")) or "affiliated"
                state = State(record.id, record.date, role, status=fields.text(affiliation.get("status")))
                self._edge(named(member), named(target), "affiliation", state)

        for relation in fields.mappings(data.get("relations")):
            pair = [fields.key(a) for a in fields.as_list(relation.get("actors"))]
            kind = fields.key(relation.get("kind"))
            if len(pair) != 2 or pair[0] is None or pair[1] is None or kind is None:
                continue
            state = State(record.id, record.date, kind, trend=fields.text(relation.get("trend")),
                          as_of=fields.text(relation.get("as_of")))  # fmt: skip
            self._edge(named(pair[0]), named(pair[1]), "relation", state)

        if not self.positions:
            return
        for issue in fields.mappings(data.get("issues")):
            issue_id = fields.key(issue.get("id"))
            if issue_id is not None:
                self._issue_node(issue_id, record.id, fields.text(issue.get("statement")))
        for raw in fields.mappings(data.get("positions")):
            actor_id, issue_id = fields.key(raw.get("actor")), fields.key(raw.get("issue"))
            if actor_id is None or issue_id is None:
                continue
            key = self._issue_node(issue_id, record.id, None).key
            state = State(
                record.id, record.date, fields.key(raw.get("stance")) or "unknown",
                basis=fields.text(raw.get("basis")), confidence=fields.text(raw.get("confidence")),
                salience=fields.number(raw.get("salience")), power=fields.number(raw.get("power")),
                change=fields.text(raw.get("change")), as_of=fields.text(raw.get("as_of")),
            )  # fmt: skip
            self._edge(named(actor_id), key, "stance", state)

    def _actor_node(self, group: ActorInfo, brief: str) -> Node:
        node = self.nodes.get(group.key)
        if node is None:
            node = self.nodes[group.key] = Node(group.key, "actor", group.name)
        if not node.briefs or node.briefs[-1] != brief:
            node.briefs.append(brief)
        return node

    def _issue_node(self, issue_id: str, brief: str, statement: str | None) -> Node:
        key = f"issue:{issue_id}"  # apart from actor keys: an issue may share an id with an actor
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = Node(key, "issue", issue_id, ids=[issue_id])
        if statement:
            node.label = statement  # the latest brief that words it
        if not node.briefs or node.briefs[-1] != brief:
            node.briefs.append(brief)
        return node

    def _edge(self, source: str, target: str, kind: EdgeType, state: State) -> None:
        # a relation joins a pair whichever way a brief writes it; affiliations and stances have a direction
        first, second = sorted((source, target)) if kind == "relation" else (source, target)
        edge = self.edges.get((kind, first, second))
        if edge is None:
            edge = self.edges[(kind, first, second)] = Edge(source, target, kind)
        if edge.history and edge.history[-1].brief == state.brief:
            edge.history[-1] = state  # one brief saying it twice (an invalid brief): its last word
        else:
            edge.history.append(state)
