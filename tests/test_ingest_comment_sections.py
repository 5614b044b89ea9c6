"""Comment sections of sites ingest has no reader of its own for, found by the head each
comment opens with (a handle and an age or date, on one line or stacked) and linked to the
comments they answer by what the page shows ("→ name", "Replying to name", "name wrote:",
"Re:", "parent", indentation). Every capture here is made up, in the shapes pages share.
"""

from __future__ import annotations

from microsite.ingest.comments import find_comments
from microsite.text import normalise

ARTICLE = [
    "Carriers weigh a new phone maker",
    "",
    "By Dana Whitfield",
    "March 3, 2020",
    "",
    "Two carriers are said to be in talks with a phone maker that has never sold in the country, people familiar"
    " with the matter said on Tuesday, and a deal could come within the year.",
    "",
]


def authors(lines: list[str]) -> list[str | None]:
    return [comment.author for comment in find_comments(lines).comments]


def replies(lines: list[str]) -> dict[str, str | None]:
    return {comment.id: comment.reply_to for comment in find_comments(lines).comments}


def test_one_line_heads_with_arrows_to_the_parent():
    lines = [
        *ARTICLE,
        "3 Comments",
        "Sort by Best",
        "",
        "Jane Roe • 2 hrs ago",
        "Finally some competition.",
        "4 △ ▽ • Reply • Share ›",
        "",
        "k_tanaka → Jane Roe • 1 hr ago",
        "Competition that needs two years of certification first.",
        "1 △ ▽ • Reply • Share ›",
        "",
        "mo_b • 5 minutes ago (edited)",
        "Prices will not move until it ships.",
        "2 △ ▽ • Reply • Share ›",
        "",
        "Subscribe to our weekly newsletter",
    ]
    found = find_comments(lines)
    assert [(c.id, c.author, c.reply_to) for c in found.comments] == [
        ("c1", "Jane Roe", None),
        ("c2", "k_tanaka", "c1"),
        ("c3", "mo_b", None),
    ]
    assert lines[found.start] == "3 Comments"
    assert lines[found.end - 1] == "2 △ ▽ • Reply • Share ›"  # the newsletter line is the page's


def test_a_byline_over_a_date_is_not_a_comment_head():
    lines = [
        *ARTICLE,
        "Comments",
        "",
        "Jane Roe • 2 hours ago",
        "Good.",
        "Reply",
        "",
        "Sam • 1 hour ago",
        "Bad.",
        "Reply",
    ]
    assert authors(lines) == ["Jane Roe", "Sam"]
    assert find_comments(lines).start == len(ARTICLE)


def test_stacked_heads_with_a_badge_or_the_handle_answered():
    lines = [
        *ARTICLE,
        "Reader comments",
        "",
        "mudflap",
        "Senior member",
        "12 Mar 2020 09:14",
        "",
        "The carriers will want their own apps on it.",
        "",
        "Reply",
        "Share",
        "",
        "wren_a",
        "mudflap",
        "12 Mar 2020 09:40",
        "",
        "They always do, and nobody can remove them.",
        "",
        "Reply",
        "Share",
        "",
        "Most viewed",
        "Some other story",
    ]
    found = find_comments(lines)
    assert [(c.author, c.reply_to, c.age) for c in found.comments] == [
        ("mudflap", None, "12 Mar 2020 09:14"),
        ("wren_a", "c1", "12 Mar 2020 09:40"),
    ]
    assert lines[found.end - 1] == "Share"


def test_replying_to_lines_and_re_titles_link_replies_and_are_not_the_words():
    lines = [
        *ARTICLE,
        "2 Comments",
        "",
        "ana_p",
        "3 hours ago",
        "Price matters more than the brand.",
        "Reply",
        "",
        "tom_k",
        "2 hours ago",
        "Replying to ana_p",
        "Not at the top end it doesn't.",
        "Reply",
        "",
        "Quiet Reader",
        "",
        "Tuesday 3rd March 2020 14:02 GMT",
        "",
        "Two years",
        "",
        "That is a long wait for anyone.",
        "",
        "Reply Icon",
        "4",
        "",
        "Loud Reader",
        "",
        "Tuesday 3rd March 2020 14:30 GMT",
        "",
        "Re: Two years",
        "",
        "Certification always takes that long.",
        "",
        "Reply Icon",
        "1",
    ]
    found = find_comments(lines)
    assert [(c.author, c.reply_to) for c in found.comments] == [
        ("ana_p", None),
        ("tom_k", "c1"),
        ("Quiet Reader", None),
        ("Loud Reader", "c3"),
    ]
    assert found.comments[1].text == "Not at the top end it doesn't."


def test_name_wrote_quotes_are_split_off_and_never_give_a_handle():
    lines = [
        *ARTICLE,
        "Comments",
        "",
        "lina",
        "Posts: 120",
        "",
        "Two years is optimistic.",
        "",
        "Mar 3, 2020",
        "#2",
        "",
        "oskar",
        "Posts: 9",
        "",
        "lina said:",
        "Two years is optimistic.",
        "Someone Else",
        "Mar 3, 2020",
        "Click to expand...",
        "It is what they said last time too.",
        "",
        "Mar 3, 2020",
        "#3",
        "",
        "You must log in or register to reply here.",
    ]
    found = find_comments(lines)
    assert [(c.author, c.reply_to, c.posts) for c in found.comments] == [("lina", None, 120), ("oskar", "c1", 9)]
    second = found.comments[1]
    assert second.quoting == "Two years is optimistic.\nSomeone Else\nMar 3, 2020"
    assert second.text == "It is what they said last time too."
    assert lines[found.end - 1] == "#3"
    capture = normalise("\n".join(lines))
    assert all(normalise(c.text) in capture and normalise(c.quoting or "") in capture for c in found.comments)


def test_parent_links_and_indentation_mark_replies():
    lines = [
        *ARTICLE,
        "alpha on March 3, 2020 | next [–]",
        "A first thought.",
        "reply",
        "",
        "beta on March 3, 2020 | parent | next [–]",
        "An answer to it.",
        "reply",
        "",
        "gamma 7 points 2 hours ago",
        "Another thread.",
        "",
        "    delta 3 points 1 hour ago",
        "    An indented answer.",
        "",
        "    epsilon 2 points 1 hour ago",
        "    A second indented answer.",
        "",
    ]
    assert replies(lines[:16]) == {"c1": None, "c2": "c1"}
    assert replies([*ARTICLE, *lines[len(ARTICLE) + 8 :]]) == {"c1": None, "c2": "c1", "c3": "c1"}


def test_a_comment_form_is_not_a_comment():
    lines = [
        *ARTICLE,
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "",
        "Comment",
        "Name *",
        "Email *",
        "Post Comment",
    ]
    found = find_comments(lines)
    assert (found.shape, found.comments, found.start) == ("none", [], len(lines))


def test_a_list_of_dated_links_is_not_a_comment_section():
    lines = [
        *ARTICLE,
        "Comments",
        "",
        "ana_p • 3 hours ago",
        "Price matters more than the brand.",
        "Reply",
        "",
        "Related",
        "Phone review • 2 hours ago",
        "Tablet review • 3 hours ago",
        "Watch review • 5 hours ago",
    ]
    found = find_comments(lines)
    assert [c.author for c in found.comments] == ["ana_p"]
    assert lines[found.end - 1] == "Reply"


def test_a_forum_thread_opening_with_the_article_is_not_a_comment():
    article = (
        "Two carriers are said to be in talks with a phone maker that has never sold in the country, and a deal"
        " could come within the year, people familiar with the matter said."
    )
    lines = [
        "Carriers weigh a new phone maker",
        "",
        "editor_k",
        "Posts: 9,718",
        "",
        article,
        "",
        article,
        "",
        "reader_one",
        "Posts: 12",
        "",
        "About time.",
        "",
        "reader_two",
        "Posts: 40",
        "",
        "Not before 2022.",
    ]
    found = find_comments(lines)
    assert [c.author for c in found.comments] == ["reader_one", "reader_two"]
    assert found.start == 9
    assert any("editor_k" in note for note in found.uncertain)
