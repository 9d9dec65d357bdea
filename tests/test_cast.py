"""tests/cast.py is the cast of config/tno.example.toml: the same people, staff and roles, in the same order."""

from __future__ import annotations

from tests import cast


def test_the_cast_is_the_example_configs(config):
    assert tuple(person.matrix_id for person in config.people) == cast.REPRESENTATIVES
    by_member = {m: tuple(p.matrix_id for p in config.people if p.member == m)
                 for m in ("metropole", "ville-lyon", "sitiv")}
    assert by_member == {"metropole": cast.METROPOLE, "ville-lyon": cast.VILLE, "sitiv": cast.SITIV}
    assert tuple(staff.matrix_id for staff in config.staff) == (cast.SECRETARIAT, *cast.COMITE)
    assert config.roles.president == (cast.PRESIDENT,)
    assert config.roles.secretariat == (cast.SECRETARIAT,)
    assert config.roles.comite_technique == cast.COMITE
    assert config.roles.admins == (cast.ADMIN,)
    assert cast.STRANGER not in {*cast.REPRESENTATIVES, cast.SECRETARIAT, *cast.COMITE, cast.ADMIN}


def test_localparts_and_ids_go_together():
    assert cast.LOCAL.BAUME == "emeline.baume" and cast.user_id(cast.LOCAL.BAUME) == cast.BAUME
    for name in ("BAUME", "KHELIFI", "VIERA", "MAES", "BOSETTI", "VIVIEN", "MILLET", "VIOLLET", "LEFORT",
                 "SECRETARIAT", "FAURY", "GROLEAS", "VANGHELUWE", "PRESIDENT", "ADMIN", "BOT"):
        assert cast.user_id(getattr(cast.LOCAL, name)) == getattr(cast, name)
