"""`tno-bot`: the command line. Each subcommand is one small function registered in `SUBCOMMANDS`."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlmodel import Session

from tno_bot import service, storage
from tno_bot.app.conferences import get_conference, timeline_of
from tno_bot.app.funding import budget_of, key_sets_for, summary_of
from tno_bot.app.seance import record_of, seance_for_minutes
from tno_bot.config import Config, ConfigError, format_problems, load_config
from tno_bot.config.warnings import config_warnings
from tno_bot.domain.funding import call_for_funds
from tno_bot.domain.parsing import parse_number, parse_year
from tno_bot.app.decisions import history_of, register
from tno_bot.app.exports import decisions_csv, decisions_json, scdl_export
from tno_bot.domain.refusals import Refused
from tno_bot.i18n import SUPPORTED_LANGUAGES, Translator, french_text, translator
from tno_bot.ops.backup import BackupRefused, make_backup
from tno_bot.ops.config_reload import checked_config
from tno_bot.reports.agenda import ics_file
from tno_bot.reports.compte_rendu import minutes
from tno_bot.reports.funding import appel_json, appel_report, budget_json, budget_report
from tno_bot.reports.message import Attachment
from tno_bot.reports.minutes_document import minutes_files
from tno_bot.reports.office_export import decisions_excel, votes_excel
from tno_bot.reports.refusals import sentence

EXIT_CONFIG = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """An impossible argument: `sentence` goes to stderr, exit code 2."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        help="fichier de configuration (défaut : $TNO_CONFIG, config/tno.toml, " "sinon config/tno.example.toml)",
    )


def _report_options(parser: argparse.ArgumentParser) -> None:
    _config_option(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="texte (défaut) ou JSON")
    parser.add_argument("--lang", choices=SUPPORTED_LANGUAGES, help="langue du texte (défaut : locale de la config)")


def _translator(args: argparse.Namespace, config: Config) -> Translator:
    return translator(getattr(args, "lang", None) or config.locale)


# --- check-config ----------------------------------------------------------------------------------------------


def _check_config_arguments(parser: argparse.ArgumentParser) -> None:
    _config_option(parser)


def check_config(args: argparse.Namespace) -> int:
    config = checked_config(args.config)
    tr = _translator(args, config)
    years = ", ".join(str(y) for y in sorted(config.budgets)) or "-"
    print(
        f"OK — {config.path}: "
        + ", ".join(
            [
                tr.ngettext("{n} member", "{n} members", len(config.members)),
                tr.ngettext("{n} representative", "{n} representatives", len(config.people)),
                tr.ngettext("{n} room", "{n} rooms", len(config.rooms)),
                tr.gettext("budgets: {years}", years=years),
            ]
        )
    )
    for warning in config_warnings(config):
        print(tr.gettext("Warning — {problem}", problem=str(warning)))
    return 0


# --- appel, budget ---------------------------------------------------------------------------------------------


def _appel_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("year", metavar="année")
    _report_options(parser)


def appel(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    tr = _translator(args, config)
    year = parse_year(args.year)
    call = call_for_funds(budget_of(config, year), key_sets_for(config, year))
    text = {
        "text": lambda: appel_report(call, config, tr)[0],
        "json": lambda: json.dumps(appel_json(call, config), ensure_ascii=False, indent=2),
    }[args.format]()
    print(text)
    return 0


def _budget_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("year", metavar="année")
    parser.add_argument("mission", nargs="*", help="une mission (détail de ses lignes)")
    _report_options(parser)


def budget(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    tr = _translator(args, config)
    year = parse_year(args.year)
    mission = " ".join(args.mission) or None
    summary = summary_of(config, year, mission)
    text = {
        "text": lambda: budget_report(summary, tr, mission)[0],
        "json": lambda: json.dumps(budget_json(summary), ensure_ascii=False, indent=2),
    }[args.format]()
    print(text)
    return 0


# --- ics ------------------------------------------------------------------------------------------------------


def _ics_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="n", help="numéro de la conférence (voir !conferences)")
    parser.add_argument("--output", "-o", type=Path, help="fichier à écrire (défaut : conference-<n>.ics)")
    _config_option(parser)
    parser.add_argument("--lang", choices=SUPPORTED_LANGUAGES, help="langue des titres (défaut : locale de la config)")


def ics(args: argparse.Namespace, now: datetime | None = None) -> int:
    """The iCalendar file of conference <n>, read from the bot's database ($TNO_DATABASE_URL or $TNO_DATA_DIR)."""
    config = load_config(args.config)
    tr = _translator(args, config)
    number = parse_number(args.number)
    engine = _engine()
    try:
        with Session(engine) as session:
            conference = get_conference(session, number)
            attachment = ics_file(conference, timeline_of(session, config, conference),
                                  storage.load_agenda(session, conference.id), config, tr,
                                  now or datetime.now(timezone.utc))
    finally:
        engine.dispose()
    return _write(attachment, args.output)


def _write(attachment: Attachment, output: Path | None) -> int:
    """Write the file a command would post in the room; its path on stdout."""
    output = output or Path(attachment.filename)
    output.write_bytes(attachment.data)
    print(output)
    return 0


def _engine():
    """The bot's database: $TNO_DATABASE_URL, else the SQLite file of $TNO_DATA_DIR (default storage/)."""
    engine = storage.make_engine(storage.database_url(Path(os.environ.get("TNO_DATA_DIR", "storage"))))
    storage.migrate(engine)
    return engine


# --- cr, export votes ------------------------------------------------------------------------------------------


def _cr_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="n", help="numéro de la conférence (voir !conferences)")
    parser.add_argument("--format", choices=("md", "pdf", "odt"), default="md",
                        help="Markdown (défaut), PDF ou OpenDocument (ODT) à signer et classer")
    parser.add_argument("--output", "-o", type=Path,
                        help="fichier à écrire (défaut : compte-rendu-<date>.<format>)")
    _config_option(parser)


def cr(args: argparse.Namespace) -> int:
    """The compte rendu of conference <n> as a Markdown, PDF or ODT file, the same as posted in the room."""
    config = load_config(args.config)
    number = parse_number(args.number)
    engine = _engine()
    try:
        with Session(engine) as session:
            record = record_of(session, config, seance_for_minutes(session, number))
            attachment = (minutes(record, config).attachment if args.format == "md"
                          else minutes_files(record, config, (args.format,))[0])
    finally:
        engine.dispose()
    return _write(attachment, args.output)


EXPORT_FIELDS = ("conference", "vote_id", "item", "title", "outcome", "decision", "event_id", "voter", "at", "choice",
                 "seat", "member", "basis", "mandant", "counted")


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=("votes", "decisions", "scdl"),
                        help="votes : chaque bulletin de chaque vote clos ; decisions : le registre des décisions et "
                             "de leur ratification, membre par membre ; scdl : les délibérations des membres au "
                             "schéma SCDL « Délibérations » (CSV)")
    parser.add_argument("--format", choices=("csv", "json", "excel"), default="csv",
                        help="CSV (défaut, pour les machines), JSON, ou excel : CSV pour tableur (en-têtes en "
                             "français, « ; », UTF-8 avec BOM, heure de Paris JJ/MM/AAAA HH:MM, mots et noms au lieu "
                             "des codes)")
    parser.add_argument("--output", "-o", type=Path, help="fichier à écrire (défaut : la sortie standard)")
    _config_option(parser)


def export(args: argparse.Namespace) -> int:
    """Every ballot of every closed vote (changed ones included: `counted` marks the one that counts per seat)."""
    if args.what != "votes":
        return export_ratification(args)
    engine = _engine()
    try:
        with Session(engine) as session:
            ballots = storage.closed_ballots(session)
            if args.format == "excel":
                return _output(votes_excel(ballots, load_config(args.config)), args.output)
            rows = [{
                "conference": e.conference_id, "vote_id": e.vote_id, "item": e.item, "title": e.title,
                "outcome": e.outcome, "decision": e.decision, "event_id": e.ballot.event_id, "voter": e.ballot.voter,
                "at": e.ballot.at.isoformat(), "choice": e.ballot.choice.value, "seat": e.ballot.seat,
                "member": e.ballot.member, "basis": e.ballot.basis.value, "mandant": e.ballot.mandant,
                "counted": e.counted,
            } for e in ballots]
    finally:
        engine.dispose()
    if args.format == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        text = buffer.getvalue()
    return _output(text, args.output)


def _output(text: str, output: Path | None) -> int:
    """An export written to `output` (its path on stdout), else on stdout."""
    if output:
        output.write_bytes(text.encode("utf-8"))
        print(output)
    else:
        sys.stdout.write(text)
    return 0


def export_ratification(args: argparse.Namespace) -> int:
    """`export decisions` (CSV or JSON) and `export scdl` (CSV of the SCDL schema): the decisions of the database
    and of the history files, with their ratification."""
    config = load_config(args.config)
    engine = _engine()
    try:
        with Session(engine) as session:
            entries = register(session, config)
    finally:
        engine.dispose()
    if args.what == "scdl":
        if args.format != "csv":  # the schema is the format: no office dialect either
            raise UsageError(french_text("Le schéma SCDL « Délibérations » se publie en CSV : --format csv."))
        text, empty = scdl_export(entries, config, history_of(config))
        if empty:
            print(french_text("Colonnes obligatoires du schéma SCDL à compléter avant publication : {columns}",
                              columns=", ".join(empty)),
                  file=sys.stderr)
    elif args.format == "json":
        text = json.dumps(decisions_json(entries, config), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "excel":
        text = decisions_excel(decisions_json(entries, config))
    else:
        text = decisions_csv(entries, config)
    return _output(text, args.output)


# --- backup ---------------------------------------------------------------------------------------------------


def _backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", type=Path, metavar="DOSSIER", help="dossier de la sauvegarde (absent ou vide)")
    _config_option(parser)


def backup(args: argparse.Namespace) -> int:
    """A consistent copy of the data directory (SQLite databases by the online backup API) and of the config."""
    config = load_config(args.config)
    data_dir = Path(os.environ.get("TNO_DATA_DIR", "storage"))
    try:
        report = make_backup(args.target, data_dir, config.path, storage.database_url(data_dir))
    except BackupRefused as refused:
        raise UsageError(french_text("Sauvegarde refusée : {refused}.", refused=str(refused))) from None
    files = f"{report.files} fichier" + ("s" if report.files > 1 else "")  # French: 0 and 1 take the singular
    databases = f"{report.databases} base" + ("s SQLite copiées" if report.databases > 1 else " SQLite copiée")
    print(french_text("Sauvegarde dans {target} : {files}, dont {databases} à chaud (MANIFEST.json les liste avec "
                      "leur empreinte SHA-256).", target=str(report.target), files=files, databases=databases))
    if report.external_database:
        print(french_text("La base PostgreSQL ({database}) n'est pas copiée : sauvegardez-la avec pg_dump (voir le "
                          "README).", database=report.external_database), file=sys.stderr)
    return 0


# --- run, demo ------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """The bot starts only on a config and history files that check-config accepts (else exit code 1, as for any
    bad config, the problems listed); a history file that turns bad while it runs is refused (`history_of`)."""
    return service.run(checked_config(args.config))


def run_demo(args: argparse.Namespace) -> int:
    """The demo on a throwaway Synapse: the `[demo]` extra, not part of a production install (nor imported by it)."""
    try:
        import synapse  # noqa: F401  (only to know it is installed: the demo runs it as a subprocess)
    except ImportError:
        raise UsageError(french_text("tno-bot demo : la démonstration lance un Synapse local, qui n'est pas installé "
                                     "ici ; installez-le avec pip install \"tno-bot[demo]\" (ou lancez make demo "
                                     "depuis le dépôt).")) from None
    from tno_bot import demo

    return demo.run(load_config(args.config))


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("check-config", "vérifie la configuration", _check_config_arguments, check_config),
    Subcommand("appel", "appel de fonds d'une année", _appel_arguments, appel),
    Subcommand("budget", "budget d'une année", _budget_arguments, budget),
    Subcommand("ics", "fichier iCalendar d'une conférence et de ses délais", _ics_arguments, ics),
    Subcommand("cr", "compte rendu d'une conférence (fichier Markdown, PDF ou ODT)", _cr_arguments, cr),
    Subcommand("export", "export des votes clos (chaque bulletin), des décisions et de leur ratification, des "
                         "délibérations au schéma SCDL", _export_arguments, export),
    Subcommand("backup", "sauvegarde cohérente des données (base SQLite, magasin de chiffrement) et de la "
                         "configuration, bot en marche", _backup_arguments, backup),
    Subcommand("run", "lance le bot (variables TNO_HOMESERVER, TNO_USER_ID, TNO_PASSWORD…)", _config_option, run),
    Subcommand("demo", "démonstration sur un Synapse local jetable", _config_option, run_demo),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tno-bot", description="Bot Matrix de l'entente Territoire Numérique Ouvert")
    commands = parser.add_subparsers(dest="command", metavar="commande", required=True)
    for sub in SUBCOMMANDS:
        sub_parser = commands.add_parser(sub.name, help=sub.help, description=sub.help)
        sub.arguments(sub_parser)
        sub_parser.set_defaults(run=sub.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        try:
            return args.run(args)
        except Refused as refused:  # a question the domain cannot answer, worded in the config's language
            config = load_config(getattr(args, "config", None))
            raise UsageError(sentence(refused, _translator(args, config), config)) from None
    except ConfigError as error:
        print(format_problems(error.problems), file=sys.stderr)
        return EXIT_CONFIG
    except UsageError as error:
        print(error.sentence, file=sys.stderr)
        return EXIT_USAGE
