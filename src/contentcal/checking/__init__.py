"""``check``: the rule engine, the rules by family, and near-duplicate search.

Named ``checking`` so that importing it never shadows the public :func:`contentcal.check`.
"""
