"""The Matrix shapes of polls, threads, edits and reactions (pure: event contents in, values out)."""
from __future__ import annotations

from types import SimpleNamespace

from tno_bot.matrix.polls import POLL_START, PollAnswer, answer_of, start_content
from tno_bot.matrix.relations import edit_content, received
from tno_bot.reports.message import Poll


def _text(content: dict):
    """A received RoomMessageText as nio gives it (its body and format read from the content)."""
    return SimpleNamespace(source={"content": content}, body=content["body"], format=content.get("format"),
                           formatted_body=content.get("formatted_body"))


def test_a_poll_start_has_the_shape_element_sends():
    content = start_content(Poll("vote|$v|poll|", "Vote sur le point 1", (("pour", "Pour"), ("contre", "Contre"))))
    assert content[POLL_START] == {
        "question": {"org.matrix.msc1767.text": "Vote sur le point 1", "body": "Vote sur le point 1",
                     "msgtype": "m.text"},
        "kind": "org.matrix.msc3381.poll.disclosed", "max_selections": 1,
        "answers": [{"id": "pour", "org.matrix.msc1767.text": "Pour"},
                    {"id": "contre", "org.matrix.msc1767.text": "Contre"}]}
    assert content["body"] == content["org.matrix.msc1767.text"] == "Vote sur le point 1\n1. Pour\n2. Contre"


def test_poll_answers_unstable_and_stable_and_malformed():
    relation = {"rel_type": "m.reference", "event_id": "$start"}
    unstable = {"m.relates_to": relation, "org.matrix.msc3381.poll.response": {"answers": ["pour"]}}
    assert answer_of("org.matrix.msc3381.poll.response", unstable) == PollAnswer("$start", ("pour",))
    assert answer_of("m.poll.response", {"m.relates_to": relation, "m.poll.response": {"answers": ["contre"]}}) == \
        PollAnswer("$start", ("contre",))
    assert answer_of("org.matrix.msc3381.poll.start", unstable) is None  # not an answer
    assert answer_of("org.matrix.msc3381.poll.response", {"m.relates_to": relation}) is None  # no answers
    assert answer_of("org.matrix.msc3381.poll.response",
                     {**unstable, "m.relates_to": {"rel_type": "m.annotation", "event_id": "$x"}}) is None


def test_an_edit_is_read_as_its_new_text_and_a_thread_as_its_root():
    edit = received(_text({"msgtype": "m.text", "body": "* !vote pour",
                           "m.new_content": {"msgtype": "m.text", "body": "!vote pour"},
                           "m.relates_to": {"rel_type": "m.replace", "event_id": "$original"}}))
    assert (edit.body, edit.replaces, edit.thread_root) == ("!vote pour", "$original", None)
    threaded = received(_text({"msgtype": "m.text", "body": "!vote", "m.relates_to": {
        "rel_type": "m.thread", "event_id": "$root", "is_falling_back": True, "m.in_reply_to": {"event_id": "$r"}}}))
    assert (threaded.body, threaded.replaces, threaded.thread_root) == ("!vote", None, "$root")
    broken = received(_text({"msgtype": "m.text", "body": "* !vote pour",  # an edit without its new content
                             "m.relates_to": {"rel_type": "m.replace", "event_id": "$original"}}))
    assert (broken.body, broken.replaces) == ("* !vote pour", None)


def test_an_edit_sent_by_the_bot_notifies_no_one_again():
    content = edit_content({"msgtype": "m.text", "body": "2 pour", "format": "org.matrix.custom.html",
                            "formatted_body": "<p>2 pour</p>"})
    assert content["body"] == "* 2 pour" and content["formatted_body"] == "* <p>2 pour</p>"
    assert content["m.mentions"] == {} and content["m.relates_to"]["rel_type"] == "m.replace"
