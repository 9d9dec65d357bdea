"""Funding reports: the call for funds, a budget, a share of an amount, the keys in force.

Each `*_report` returns `(plain, html)`: the plain body stands on its own in a phone client (one block per member);
the HTML has the same lines as headed lists, never a table (Element X does not render tables, and at 390 px a
table's last columns are cut). Every string from the config is escaped in the HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from html import escape

from tno_bot.domain.funding import BudgetSummary, CallForFunds, ComponentShares, KeySet, Note
from tno_bot.i18n import N_, Translator

SECTION_LABELS = {"investissement": N_("investment"), "fonctionnement": N_("operating")}
BULLET = "• "


def _section(section: str, tr: Translator) -> str:
    return tr.gettext(SECTION_LABELS[section]) if section in SECTION_LABELS else section


def _html_list(sentences: list[str]) -> str:
    return f"<ul>{''.join(f'<li>{escape(s)}</li>' for s in sentences)}</ul>" if sentences else ""


def _html_section(heading: str, items: list[str], total: str | None = None, strong: bool = False) -> str:
    """A paragraph (bold when `strong`), its items as a list, then a bold total line; every text escaped."""
    head = f"<strong>{escape(heading)}</strong>" if strong else escape(heading)
    end = f"<p><strong>{escape(total)}</strong></p>" if total else ""
    return f"<p>{head}</p>{_html_list(items)}{end}"


def _label_value(label: str, value: str, tr: Translator) -> str:
    return tr.gettext("{label}: {value}", label=label, value=value)


# --- call for funds --------------------------------------------------------------------------------------------


def _rounding_sentence(note: Note, tr: Translator) -> str:
    params = dict(
        label=note.label,
        actual=tr.money(note.actual),
        expected=tr.money(note.expected),
        difference=tr.money(abs(note.difference)),
    )
    if note.difference > 0:
        return tr.gettext(
            "{label}: the sum of the rounded parts ({actual}) exceeds the amount split ({expected}) by {difference}"
            " — each member's part is rounded to the euro, as in the deliberation.",
            **params,
        )
    return tr.gettext(
        "{label}: the sum of the rounded parts ({actual}) falls short of the amount split ({expected}) by"
        " {difference} — each member's part is rounded to the euro, as in the deliberation.",
        **params,
    )


def _balance_sentence(note: Note, tr: Translator) -> str:
    params = dict(
        section=_section(note.label, tr),
        expenses=tr.money(note.expected),
        receipts=tr.money(note.actual),
        gap=tr.money(abs(note.difference)),
    )
    if note.ok:
        return tr.gettext("The {section} section: expenses {expenses}, receipts {receipts} — balanced.", **params)
    if note.difference > 0:
        return tr.gettext(
            "The {section} section: expenses {expenses}, receipts {receipts} — not balanced: receipts exceed expenses"
            " by {gap}.",
            **params,
        )
    return tr.gettext(
        "The {section} section: expenses {expenses}, receipts {receipts} — not balanced: expenses exceed receipts by"
        " {gap}.",
        **params,
    )


NOTE_SENTENCES = {"rounding": _rounding_sentence, "balance": _balance_sentence}


def _advance_sentences(call: CallForFunds, config, tr: Translator) -> list[str]:
    budget = config.budgets.get(call.year)
    components = budget.components if budget else ()
    return [
        tr.gettext(
            "{label}: {base} split by the keys, minus the advance of {advance} already paid ({member}).",
            label=c.label,
            base=tr.money(c.amount),
            advance=tr.money(c.advance.amount),
            member=config.member_name(c.advance.member),
        )
        for c in components
        if c.advance is not None
    ]


def _keys_year_sentences(call: CallForFunds, config, tr: Translator) -> list[str]:
    """The components split with another year's keys than the call's (a balance of an earlier year), or with a
    mission's own keys among its members."""
    return [tr.gettext("{label}: split among the members of the mission “{mission}” with its own keys ({shares}).",
                       label=c.label, mission=config.mission(c.mission).name, shares=_shares(c.keys, config, tr))
            if c.mission else
            tr.gettext("{label}: split with the keys of {year} ({shares}).", label=c.label,
                       year=c.keys_year, shares=_shares(c.keys, config, tr))
            for c in call.components if c.keys_year != call.year or c.mission]


def _due(amount: Decimal, component: ComponentShares | None, tr: Translator) -> str:
    """An amount of `component` (None: a total): a part of a surplus given back (a negative component) says "à
    reverser"; any other amount is shown signed, as the seed's table shows an advance deducted (−32 966 €)."""
    if component is not None and component.base < 0 and amount < 0:
        return tr.gettext("{amount} to give back", amount=tr.money(-amount))
    return tr.money(amount)


def _shares(keyset: KeySet, config, tr: Translator) -> str:
    return tr.join_and(f"{config.member_name(m)} {tr.percent(share)}" for m, share in keyset.shares.items())


def _keys_sentence(keyset: KeySet | None, config, tr: Translator) -> list[str]:
    if keyset is None:
        return []
    return [tr.gettext("Keys in force since {year}: {shares}.", year=keyset.valid_from,
                       shares=_shares(keyset, config, tr))]


def appel_report(call: CallForFunds, config, tr: Translator, member_id: str | None = None) -> tuple[str, str]:
    """One block per member (only `member_id` when given), the totals, then the notes."""
    members = [m for m in call.member_totals if member_id in (None, m)]
    title = tr.gettext("Call for funds {year}: {total}", year=call.year, total=tr.money(call.total))
    notes = (
        _keys_sentence(config.keys_for(call.year), config, tr)
        + _keys_year_sentences(call, config, tr)
        + _advance_sentences(call, config, tr)
        + [NOTE_SENTENCES[note.kind](note, tr) for note in call.notes]
    )
    total_label = tr.gettext("Total")

    def block(name: str, parts: list[Decimal], total: Decimal) -> tuple[str, list[str]]:
        return _label_value(name, tr.money(total), tr), [
            _label_value(c.label, _due(p, c, tr), tr) for c, p in zip(call.components, parts)]

    blocks = [block(config.member_name(m), [c.parts[m] for c in call.components], call.member_totals[m])
              for m in members]
    blocks.append(block(total_label, [c.total for c in call.components], call.total))
    plain = "\n\n".join([title, *("\n".join([head, *(f"  {BULLET}{i}" for i in items)]) for head, items in blocks),
                          "\n".join([tr.gettext("Notes:"), *(BULLET + n for n in notes)])])
    html = f"<p><strong>{escape(title)}</strong></p>" + "".join(
        _html_section(head, items, strong=True) for head, items in blocks
    ) + _html_section(tr.gettext("Notes:"), notes)
    return plain, html


def _amount(value: Decimal) -> str:
    """A decimal string without exponent: "95000", "-32966", "12.50"."""
    whole = value == value.to_integral_value()
    return f"{value.quantize(Decimal(1) if whole else Decimal('0.01')):f}"


def appel_json(call: CallForFunds, config) -> dict:
    """The call for funds as plain data; amounts as decimal strings."""
    return {
        "year": call.year,
        "currency": "EUR",
        "components": [{"label": c.label, "total": _amount(c.total)} for c in call.components],
        "members": [
            {
                "id": m,
                "name": config.member_name(m),
                "parts": {c.label: _amount(c.parts[m]) for c in call.components},
                "total": _amount(total),
            }
            for m, total in call.member_totals.items()
        ],
        "total": _amount(call.total),
        "notes": [
            {
                "kind": n.kind,
                "label": n.label,
                "expected": _amount(n.expected),
                "actual": _amount(n.actual),
                "difference": _amount(n.difference),
                "ok": n.ok,
            }
            for n in call.notes
        ],
    }


# --- budget ----------------------------------------------------------------------------------------------------


def _sections_text(investissement: Decimal, fonctionnement: Decimal, tr: Translator) -> str:
    """The amounts of both sections ("investment 195 000 €, operating 85 000 €"), zero sections left out."""
    amounts = {"investissement": investissement, "fonctionnement": fonctionnement}
    shown = [f"{_section(s, tr)} {tr.money(a)}" for s, a in amounts.items() if a]
    return ", ".join(shown) or tr.money(Decimal(0))


def _balance_text(summary: BudgetSummary, tr: Translator) -> list[str]:
    return [
        _balance_sentence(Note("balance", s, summary.expenses[s], summary.receipts_total[s]), tr)
        for s in summary.expenses
    ]


def budget_report(summary: BudgetSummary, tr: Translator, mission: str | None = None) -> tuple[str, str]:
    """Expenses by mission and section (with the lines of `mission` when one is asked), receipts, balance."""
    sections = list(summary.expenses)
    missions = [m for m in summary.missions if mission is None or m[0] in {line.mission for line in summary.lines}]
    details = [(line.label, line.investissement, line.fonctionnement) for line in summary.lines] if mission else []
    receipts = [(r.label, r.investissement, r.fonctionnement) for r in summary.receipts]
    expenses_total = (tr.gettext("Total expenses"), *(summary.expenses[s] for s in sections))
    receipts_total = (tr.gettext("Total receipts"), *(summary.receipts_total[s] for s in sections))
    titles = {
        "missions": tr.gettext("Expenses by mission:"),
        "details": tr.gettext("Lines of the mission:"),
        "receipts": tr.gettext("Receipts:"),
        "balance": tr.gettext("Balance:"),
    }
    title = tr.gettext("Budget {year}", year=summary.year)

    def lines(rows, bullet: str = BULLET) -> list[str]:
        return [bullet + _label_value(label, _sections_text(inv, fonct, tr), tr) for label, inv, fonct in rows]

    plain_parts = [title, "\n".join([titles["missions"], *lines(missions), *lines([expenses_total], "")])]
    if details:
        plain_parts.append("\n".join([titles["details"], *lines(details)]))
    plain_parts.append("\n".join([titles["receipts"], *lines(receipts), *lines([receipts_total], "")]))
    plain_parts.append("\n".join([titles["balance"], *(BULLET + s for s in _balance_text(summary, tr))]))
    plain = "\n\n".join(plain_parts)

    def items(rows) -> list[str]:
        return [_label_value(label, _sections_text(inv, fonct, tr), tr) for label, inv, fonct in rows]

    html_parts = [
        f"<p><strong>{escape(title)}</strong></p>",
        _html_section(titles["missions"], items(missions), items([expenses_total])[0]),
    ]
    if details:
        html_parts.append(_html_section(titles["details"], items(details)))
    html_parts += [
        _html_section(titles["receipts"], items(receipts), items([receipts_total])[0]),
        _html_section(titles["balance"], _balance_text(summary, tr)),
    ]
    return plain, "".join(html_parts)


def budget_json(summary: BudgetSummary) -> dict:
    """The budget summary as plain data; amounts as decimal strings."""

    def sections(inv: Decimal, fonct: Decimal) -> dict[str, str]:
        return {"investissement": _amount(inv), "fonctionnement": _amount(fonct)}

    return {
        "year": summary.year,
        "currency": "EUR",
        "missions": [{"mission": name, **sections(inv, fonct)} for name, inv, fonct in summary.missions],
        "lines": [
            {"mission": line.mission, "label": line.label, **sections(line.investissement, line.fonctionnement)}
            for line in summary.lines
        ],
        "expenses": {s: _amount(a) for s, a in summary.expenses.items()},
        "receipts": [{"label": r.label, **sections(r.investissement, r.fonctionnement)} for r in summary.receipts],
        "receipts_total": {s: _amount(a) for s, a in summary.receipts_total.items()},
        "balance": {s: _amount(a) for s, a in summary.balance.items()},
    }


# --- share of an amount, keys ----------------------------------------------------------------------------------


def share_report(
    amount: Decimal, year: int, parts: Mapping[str, Decimal], keyset: KeySet, config, tr: Translator
) -> tuple[str, str]:
    """`amount` split by `keyset` (the keys in force in `year`) into `parts`, with a note when rounding shows."""
    title = tr.gettext(
        "Share of {amount} by the keys in force in {year} (since {since}):",
        amount=tr.money(amount),
        year=year,
        since=keyset.valid_from,
    )
    rows = [(f"{config.member_name(m)} ({tr.percent(keyset.shares[m])})", tr.money(p)) for m, p in parts.items()]
    total = sum(parts.values(), Decimal(0))
    total_label = tr.gettext("Total")
    notes = []
    if total != amount:
        notes.append(
            tr.gettext(
                "Each part is rounded to the euro: the parts add up to {total}, not {amount}.",
                total=tr.money(total),
                amount=tr.money(amount),
            )
        )
    plain = "\n".join(
        [
            title,
            *(BULLET + _label_value(label, value, tr) for label, value in rows),
            _label_value(total_label, tr.money(total), tr),
            *notes,
        ]
    )
    html = _html_section(
        title, [_label_value(label, value, tr) for label, value in rows], _label_value(total_label, tr.money(total), tr)
    ) + "".join(f"<p>{escape(n)}</p>" for n in notes)
    return plain, html


def keys_report(keyset: KeySet, config, tr: Translator, year: int) -> tuple[str, str]:
    """The keys in force in `year`."""
    title = tr.gettext("Contribution keys in force in {year} (since {since}):", year=year, since=keyset.valid_from)
    rows = [(config.member_name(m), tr.percent(share)) for m, share in keyset.shares.items()]
    plain = "\n".join([title, *(BULLET + _label_value(name, share, tr) for name, share in rows)])
    return plain, _html_section(title, [_label_value(name, share, tr) for name, share in rows])
