"""Signals core sends for higher layers to react to (core never imports them).

calendar_year_changed(sender=None, year=int, actor=User|None)
    sent inside the transaction of `calendar_year_save` / `calendar_year_delete`, after the
    year's days are written: receivers recompute what they counted through that year (the
    FOI reply clock recomputes its provisional 预估 deadlines, `foi.deadlines`).
"""

from django.dispatch import Signal

calendar_year_changed = Signal()
