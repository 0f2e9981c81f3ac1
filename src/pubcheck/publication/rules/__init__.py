"""The publication rules, one module per family. Each is general: it knows relations between
figures (a gap is a difference of two rows; a rate and its complement sum to 100), never
their values.

Every comparison treats a printed figure as the interval it could have been rounded from
(half-open: 39 is [38.5, 39.5)), so figures consistent within rounding never fail.

A module here registers its rules with @rule when it is imported; the registry imports the
modules listed in `pubcheck.publication.registry.RULE_MODULES`, in order. `common` holds the
helpers the families share.
"""
