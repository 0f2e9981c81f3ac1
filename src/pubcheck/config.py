"""A publication team's own configuration: `pubcheck.toml` in the checked folder, or the file
`--config` names.

With no configuration the general rules run on any publication: statement arithmetic,
tables, prose traced to the tables published with it by keys read from the text. A
configuration adds what only its team knows:

    [registry]                      # indicators and the patterns that link figures to them
    linking = ["linking.toml"]      # files in the format of checks/sjof/linking.toml
    indicators = "indicators.toml"  # the indicator registry (definitions, sources, rounding)

    [[group]]                       # a page and its tables, when their names do not say so
    page = "bulletin.html"
    tables = ["annex_tables.xlsx"]

    [[table]]                       # roles of a table's columns and rows
    file = "exclusions*.csv"        # a file name or glob
    totals = { school_type = "All schools" }   # a dimension's total label
    partitions = ["Occupation"]     # dimensions whose labels are shares of one whole
    rates = [{ rate = "perm_excl_rate", numerator = "perm_excl", denominator = "headcount", per = 100 }]

    [qualifiers.dimension.tenure]   # breakdowns, in the format of checks/qualifiers.toml
    values.social_renters = ["social renters?", "social housing"]

    [quantifiers.qualifiers.nearly] # bands, in the format of checks/quantifiers.toml
    below = 5.0

    [[suppress]]                    # a known finding, accepted with a reason
    fingerprint = "3f9c2a7d41be0c55"          # the finding's fingerprint (JSON report), or:
    # rule = "unit-mismatch"; document = "bulletin.txt"; quote = "gap of 18.8 per cent"
    reason = "house style for attainment gaps"
    owner = "stats-team@example.org"
    expires = 2027-03-31            # optional: after it the finding is reported again

    [limits]                        # budgets per document (pubcheck.limits; also --limit NAME=VALUE)
    pages = 2000
    memory = "4G"

Paths are relative to the configuration file; `checks:NAME` names a file pubcheck ships in
its checks/ folder (`checks:sjof/linking.toml`, the Social Justice registry). Unknown keys
are errors, so a typo never silently turns a check off.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pubcheck.limits import DEFAULT as DEFAULT_LIMITS
from pubcheck.limits import Limits, from_table
from pubcheck.model import InputError
from pubcheck.paths import checks_path

CONFIG_NAME = "pubcheck.toml"
KNOWN = {"registry", "group", "table", "qualifiers", "quantifiers", "pubcheck", "suppress", "limits"}
SUPPRESS_KEYS = {"fingerprint", "rule", "document", "quote", "reason", "owner", "expires"}


@dataclass(frozen=True)
class RateRole:
    rate: str
    numerator: str
    denominator: str
    per: float = 100.0


@dataclass(frozen=True)
class TableRoles:
    """Roles of the columns and rows of the tables a glob names: `totals` maps a dimension (a
    column or corner header) to the label that is the total of its others; `partitions` names
    dimensions whose labels are shares of one whole; `rates` re-derive from two count columns."""

    file: str  # a file name or glob
    totals: tuple[tuple[str, str], ...] = ()
    partitions: tuple[str, ...] = ()
    rates: tuple[RateRole, ...] = ()

    def applies(self, path: str) -> bool:
        return fnmatch.fnmatch(Path(path).name, self.file)

    def mapping(self) -> dict[str, Any]:
        return {"totals": dict(self.totals), "partitions": list(self.partitions),
                "rates": [vars(r) for r in self.rates]}  # fmt: skip


@dataclass(frozen=True)
class Suppression:
    """A known finding accepted with a reason: by its fingerprint, or by its rule, document
    (file name) and a piece of its quoted text. `where` names the entry ("pubcheck.toml
    [[suppress]] #2") in the reports. After `expires` it no longer suppresses."""

    reason: str
    owner: str
    where: str
    fingerprint: str | None = None
    rule: str | None = None
    document: str | None = None
    quote: str | None = None
    expires: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def to_dict(self) -> dict[str, Any]:
        d = {"reason": self.reason, "owner": self.owner, "entry": self.where}
        for k in ("fingerprint", "rule", "document", "quote"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        if self.expires is not None:
            d["expires"] = self.expires.isoformat()
        return d


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    linking: tuple[Path, ...] = ()
    indicators: Path | None = None
    groups: dict[str, list[str]] = field(default_factory=dict)
    tables: tuple[TableRoles, ...] = ()
    qualifiers: dict[str, Any] = field(default_factory=dict)
    quantifiers: dict[str, Any] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()
    limits: Limits = DEFAULT_LIMITS

    @property
    def has_registry(self) -> bool:
        return bool(self.linking)

    def linking_files(self) -> tuple[str, ...]:
        """The general linking rules (table patterns) and the registry's."""
        return (str(checks_path("linking.toml")), *map(str, self.linking))

    def roles_for(self, path: str) -> dict[str, Any] | None:
        """The declared roles of a table file, merged over every [[table]] whose glob names it
        (the shape figures.tidy.TableRoles.from_mapping reads), or None."""
        found = [t for t in self.tables if t.applies(path)]
        if not found:
            return None
        out: dict[str, Any] = {"totals": {}, "partitions": [], "rates": []}
        for t in found:
            m = t.mapping()
            out["totals"].update(m["totals"])
            out["partitions"] += m["partitions"]
            out["rates"] += m["rates"]
        return out

    def describe(self) -> str:
        return f"{self.path}" if self.path else "no pubcheck.toml (general rules only)"


def find_config(target: Path, explicit: Path | None = None) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise InputError(f"{explicit}: no such configuration file")
        return explicit
    folder = target if target.is_dir() else target.parent
    p = folder / CONFIG_NAME
    return p if p.is_file() else None


def load_config(target: Path, explicit: Path | None = None) -> Config:
    path = find_config(target, explicit)
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from exc
    unknown = set(data) - KNOWN
    if unknown:
        raise InputError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(KNOWN))}")
    base = path.parent

    def rel(p: Any, where: str) -> Path:
        if not isinstance(p, str):
            raise InputError(f"{path}: {where} must be a path (a string), not {type(p).__name__}")
        # 'checks:sjof/linking.toml' names a file pubcheck ships in its checks/ folder
        q = checks_path(p[len("checks:"):]) if p.startswith("checks:") else (base / p).resolve()
        if not q.is_file():
            raise InputError(f"{path}: {where} names {p}, which does not exist (looked for {q})")
        return q

    reg = data.get("registry", {})
    _only(path, "[registry]", reg, {"linking", "indicators"})
    linking = reg.get("linking", [])
    if isinstance(linking, str):
        linking = [linking]
    links = tuple(rel(p, f"[registry] linking[{i}]") for i, p in enumerate(linking))
    indicators = rel(reg["indicators"], "[registry] indicators") if "indicators" in reg else None
    groups: dict[str, list[str]] = {}
    for i, g in enumerate(data.get("group", [])):
        _only(path, f"[[group]] #{i + 1}", g, {"page", "tables"})
        if not isinstance(g.get("page"), str) or not isinstance(g.get("tables"), list):
            raise InputError(f"{path}: [[group]] #{i + 1} needs page = \"file\" and tables = [\"file\", ...]")
        groups.setdefault(g["page"], []).extend(str(t) for t in g["tables"])
    tables = []
    for i, t in enumerate(data.get("table", [])):
        where = f"[[table]] #{i + 1}"
        _only(path, where, t, {"file", "totals", "partitions", "rates"})
        if not isinstance(t.get("file"), str):
            raise InputError(f"{path}: {where} needs file = \"name or glob\"")
        rates = []
        for j, r in enumerate(t.get("rates", [])):
            _only(path, f"{where} rates[{j}]", r, {"rate", "numerator", "denominator", "per"})
            try:
                role = RateRole(str(r["rate"]), str(r["numerator"]), str(r["denominator"]), float(r.get("per", 100)))
            except KeyError as exc:
                raise InputError(f"{path}: {where} rates[{j}] needs {exc.args[0]}") from exc
            rates.append(role)
        totals = t.get("totals", {})
        if not isinstance(totals, dict):
            raise InputError(f"{path}: {where} totals must be a table of dimension = \"total label\" "
                             f"(e.g. totals = {{ school_type = \"Total\" }})")  # fmt: skip
        parts = t.get("partitions", [])
        if not isinstance(parts, list):
            raise InputError(f"{path}: {where} partitions must be a list of dimension names")
        tables.append(TableRoles(t["file"], tuple((str(k), str(v)) for k, v in totals.items()),
                                 tuple(str(x) for x in parts), tuple(rates)))  # fmt: skip
    quals = data.get("qualifiers", {})
    _only(path, "[qualifiers]", quals, {"dimension"})
    quants = data.get("quantifiers", {})
    _only(path, "[quantifiers]", quants, {"fractions", "ratios", "qualifiers"})
    sups = tuple(_suppression(path, i, e) for i, e in enumerate(data.get("suppress", []), start=1))
    limits = from_table(data["limits"], str(path)) if "limits" in data else DEFAULT_LIMITS
    return Config(path, links, indicators, groups, tuple(tables), quals, quants, sups, limits=limits)


def _suppression(path: Path, i: int, entry: Any) -> Suppression:
    """One [[suppress]] entry; errors name the file and the entry."""
    where = f"[[suppress]] #{i}"
    _only(path, where, entry, SUPPRESS_KEYS)
    for k in SUPPRESS_KEYS - {"expires"}:
        if k in entry and not (isinstance(entry[k], str) and entry[k].strip()):
            raise InputError(f"{path}: {where}: {k} must be a non-empty string")
    for k in ("reason", "owner"):
        if k not in entry:
            raise InputError(f"{path}: {where} needs {k} = \"...\" (who accepted the finding, and why)")
    by_print = "fingerprint" in entry
    by_place = {"rule", "document", "quote"} <= set(entry)
    if by_print == by_place or (by_print and set(entry) & {"rule", "document", "quote"}):
        raise InputError(f"{path}: {where} names a finding either by fingerprint = \"...\" or by rule, document "
                         "and quote (all three), not both")  # fmt: skip
    expires = entry.get("expires")
    if isinstance(expires, str):
        try:
            expires = dt.date.fromisoformat(expires)
        except ValueError as exc:
            raise InputError(f"{path}: {where}: expires must be a date (2027-03-31), not {expires!r}") from exc
    elif isinstance(expires, dt.datetime) or not (expires is None or isinstance(expires, dt.date)):
        raise InputError(f"{path}: {where}: expires must be a date (2027-03-31), not {expires!r}")
    return Suppression(reason=entry["reason"], owner=entry["owner"], where=f"{path.name} {where}",
                       fingerprint=entry.get("fingerprint"), rule=entry.get("rule"), document=entry.get("document"),
                       quote=entry.get("quote"), expires=expires)  # fmt: skip


def _only(path: Path, where: str, table: Any, allowed: set[str]) -> None:
    if not isinstance(table, dict):
        raise InputError(f"{path}: {where} must be a table")
    extra = set(table) - allowed
    if extra:
        raise InputError(f"{path}: {where} has unknown key(s) {', '.join(sorted(extra))}; "
                         f"allowed: {', '.join(sorted(allowed))}")  # fmt: skip
