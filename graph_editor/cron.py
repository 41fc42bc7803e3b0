"""Schedules: the cron expressions and presets Airflow's timetable (croniter) accepts."""

from __future__ import annotations

PRESETS = {
    "@once",
    "@continuous",
    "@hourly",
    "@daily",
    "@weekly",
    "@monthly",
    "@quarterly",
    "@yearly",
    "@annually",
}
_LABELS = ("minute", "hour", "day of month", "month", "day of week")
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_MONTHS = {
    m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())
}
_DAYS = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
_NAMES: tuple[dict[str, int], ...] = ({}, {}, {}, _MONTHS, _DAYS)
# The most days each month can have (February in a leap year): a day past it never comes.
_MONTH_DAYS = {
    1: 31,
    2: 29,
    3: 31,
    4: 30,
    5: 31,
    6: 30,
    7: 31,
    8: 31,
    9: 30,
    10: 31,
    11: 30,
    12: 31,
}


def _expand(text: str, index: int) -> set[int] | str:
    """The values a cron field stands for, or why it is not a valid field."""
    low, high = _RANGES[index]
    label, names = _LABELS[index], _NAMES[index]
    values: set[int] = set()
    for part in text.split(","):
        base, slash, step_text = part.partition("/")
        if not base:
            return f"an empty item in the {label} field"
        step = 1
        if slash:
            if not step_text.isdigit():
                return f"bad step {step_text!r} in the {label} field"
            step = int(step_text)
            if step < 1:  # croniter: "step '0' ... is not acceptable"
                return f"step {step_text!r} in the {label} field must be at least 1"
        if base == "*":
            first, last = low, high
        else:
            bounds = base.split("-", 1)
            numbers = []
            for bound in bounds:
                value = int(bound) if bound.isdigit() else names.get(bound.lower())
                if value is None or not low <= value <= high:
                    return f"{bound!r} is out of range for the {label} field ({low}-{high})"
                numbers.append(value)
            first, last = numbers[0], numbers[-1]
            if slash and len(numbers) == 1:
                last = high  # "5/15" means from 5 to the end, every 15
        if first <= last:
            values.update(range(first, last + 1, step))
        else:  # croniter wraps a reversed range ("22-2" in hours)
            values.update(
                v
                for i, v in enumerate([*range(first, high + 1), *range(low, last + 1)])
                if i % step == 0
            )
    return values


def cron_problem(expr: str) -> str:
    """Why a schedule is not a valid cron expression or preset ('' when it is)."""
    if not expr or expr in PRESETS:
        return ""
    if expr.startswith("@"):
        return f"unknown preset {expr!r} (use one of {', '.join(sorted(PRESETS))})"
    fields = expr.split()
    if len(fields) != 5:
        return f"cron needs 5 fields (minute hour day month weekday), got {len(fields)}"
    expanded: list[set[int]] = []
    for index, text in enumerate(fields):
        result = _expand(text, index)
        if isinstance(result, str):
            return result
        expanded.append(result)
    days, months = expanded[2], expanded[3]
    if fields[4] == "*" and fields[2] != "*" and min(days) > max(_MONTH_DAYS[m] for m in months):
        # croniter: "failed to find next date"; Airflow would never run the DAG.
        return f"day {min(days)} never comes in the months chosen, so the DAG would never run"
    return ""
