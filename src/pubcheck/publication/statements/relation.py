"""The relation a statement states between its figures (kind, operands by role, periods, direction)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pubcheck.model import Figure

KINDS = ("share", "change", "direction", "ratio", "gap", "difference")
RULE_IDS = (
    "count-percentage",
    "change-arithmetic",
    "change-direction",
    "unit-mismatch",
    "ratio-arithmetic",
    "gap-arithmetic",
)


# --------------------------------------------------------------------------- the relation


@dataclass(frozen=True)
class Relation:
    kind: str
    form: str
    operands: tuple[tuple[str, Figure], ...]
    missing: tuple[str, ...]
    sentence: str
    spans: tuple[tuple[str, tuple[int, int]], ...] = ()
    start_period: str | None = None
    end_period: str | None = None
    relative: bool | None = None
    direction: int | None = None
    direction_from: str | None = None
    from_previous: tuple[str, ...] = ()
    subject: str = ""

    def get(self, role: str) -> Figure | None:
        return next((f for r, f in self.operands if r == role), None)

    def fill(self, role: str, figure: Figure) -> Relation:
        """This relation with a missing operand supplied (from another sentence or a table cell of
        the same publication); `check` it once `complete`."""
        if role not in self.missing:
            raise ValueError(f"{role!r} is not missing from this {self.kind} relation")
        return replace(
            self, operands=(*self.operands, (role, figure)), missing=tuple(r for r in self.missing if r != role)
        )

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(f for _, f in self.operands)

    def describe(self) -> str:
        """One line for reading relations by eye: kind/form, roles, periods, direction."""
        ops = ", ".join(f"{r}={f.text.strip()}" for r, f in self.operands)
        bits = [f"{self.kind}/{self.form}", ops]
        if self.missing:
            bits.append("missing " + ",".join(self.missing))
        if self.direction is not None:
            bits.append(f"dir {self.direction:+d}" + (" (prev)" if self.direction_from == "previous sentence" else ""))
        if self.relative is not None:
            bits.append("relative" if self.relative else "absolute")
        if self.start_period or self.end_period:
            bits.append(f"periods {self.start_period!r} -> {self.end_period!r}")
        return "; ".join(bits)
