"""The one shape of a refusal by a domain rule: a reason code and the values a sentence needs.

The domain never words a refusal: `reports.refusals` turns `reason` and `params` into a sentence of the room's
language.
"""
from __future__ import annotations

from enum import Enum
from typing import Any


class Refused(ValueError):
    def __init__(self, reason: Enum, **params: Any):
        super().__init__(f"{reason.value}: {params}" if params else reason.value)
        self.reason = reason
        self.params = params
