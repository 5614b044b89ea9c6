"""Reader comments found in captures: the five seeds, whose comments a careful reader wrote up in
content/*.md, and hand-made captures in tests/captures/ in the layouts of other sites.

Every expected value below was written from reading the capture or the content page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from microsite.ingest.comments import CommentsFound, FoundComment, find_comments
from microsite.text import normalise

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
CAPTURES = Path(__file__).resolve().parent / "captures"

SEED_PHONEARENA = SEEDS / "001_ec377d852a875d58.txt"
SEED_MACRUMORS = SEEDS / "003_49a03b69f8bbca24.txt"
SEEDS_WITHOUT_COMMENTS = ["000_08207aa6a6b33e95.txt", "002_b7cb3e0795de1fdb.txt", "004_79834f2343ce6362.txt"]


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def found_in(path: Path) -> CommentsFound:
    return find_comments(lines_of(path))


def by_id(found: CommentsFound) -> dict[str, FoundComment]:
    return {comment.id: comment for comment in found.comments}


# Every capture with comments: (file, shape, start, end, the first non-blank line after the
# section, or None when the comments run to the end of the file). Indexes count from 0.
WITH_COMMENTS = [
    (SEED_PHONEARENA, "numbered-handles", 18, 53, "Latest Stories"),
    (SEED_MACRUMORS, "avatar-rating", 19, 99, "[ Read All Comments ]"),
    (CAPTURES / "wordpress_blog.txt", "wordpress", 19, 53, "Leave a Reply Cancel reply"),
    (CAPTURES / "slashdot_forum.txt", "forum-score", 9, 52, "Slashdot Top Deals"),
    (CAPTURES / "gsmarena_like.txt", "generic", 16, 44, "Total reader comments: 27"),
    (CAPTURES / "only_comments_numbered.txt", "numbered-handles", 0, 25, None),
    (CAPTURES / "generic_blocks.txt", "generic", 12, 27, "Load more comments"),
    (CAPTURES / "avatar_named.txt", "avatar-rating", 8, 30, "[ Read All Comments ]"),
]


# --- Every capture ----------------------------------------------------------------------------


def case_id(value) -> str:
    return getattr(value, "name", str(value))


@pytest.mark.parametrize(("path", "shape", "start", "end", "footer"), WITH_COMMENTS, ids=case_id)
def test_shape_and_section_bounds(path, shape, start, end, footer):
    found = found_in(path)
    lines = lines_of(path)
    assert (found.shape, found.start, found.end) == (shape, start, end)
    after = [line for line in lines[found.end :] if line.strip()]
    assert (after[0] if after else None) == footer
    # The last line of the section is the last comment's, never blank.
    assert lines[found.end - 1].strip()


@pytest.mark.parametrize("path", [case[0] for case in WITH_COMMENTS], ids=lambda p: p.name)
def test_every_text_and_quote_is_verbatim_in_the_capture(path):
    found = found_in(path)
    capture = normalise("\n".join(lines_of(path)))
    assert found.comments
    for comment in found.comments:
        assert comment.text.strip()
        assert normalise(comment.text) in capture, comment.id
        if comment.quoting is not None:
            assert normalise(comment.quoting) in capture, comment.id
    assert not [note for note in found.uncertain if "not verbatim" in note]


@pytest.mark.parametrize("path", [case[0] for case in WITH_COMMENTS], ids=lambda p: p.name)
def test_no_comment_holds_page_furniture(path):
    found = found_in(path)
    furniture = {"Reply", "reply", "Like · Reply", "Parent Share", "Reply to This Share", "(View all)", "Avatar"}
    assert found.comments
    for comment in found.comments:
        assert not furniture & set(comment.text.split("\n")), comment.id
        assert "Rating:" not in comment.text and "Posts:" not in comment.text


@pytest.mark.parametrize("name", SEEDS_WITHOUT_COMMENTS)
def test_seeds_without_comments(name):
    lines = lines_of(SEEDS / name)
    found = find_comments(lines)
    assert (found.shape, found.start, found.end, found.comments) == ("none", len(lines), len(lines), [])


def test_ids_are_unique_everywhere():
    for path, *_ in WITH_COMMENTS:
        ids = [comment.id for comment in found_in(path).comments]
        assert len(ids) == len(set(ids)), path.name


# --- Seed 001: PhoneArena, numbered handles -------------------------------------------------------


def test_phonearena_comments_match_the_content_page():
    found = found_in(SEED_PHONEARENA)
    expected = [
        ("1", "TheOracle1", None, 2340, "May 04, 2015"),
        ("2", "worldpeace", None, 3135, "Apr 15, 2016"),
        ("3", "GreenMan", None, 2698, "Nov 09, 2015"),
        ("9", "kiko007", "3", 7520, "Feb 17, 2016"),
        ("4", "makatijules", None, 835, "Dec 11, 2017"),
        ("6", "midan", None, 3114, "Oct 09, 2017"),
    ]
    assert [(c.id, c.author, c.reply_to, c.posts, c.member_since) for c in found.comments] == expected
    assert all(c.votes is None and c.age is None and c.quoting is None for c in found.comments)


def test_phonearena_texts():
    comments = by_id(found_in(SEED_PHONEARENA))
    assert comments["9"].text == "This was... a splendid rendition. Bravo!"
    assert comments["6"].text == "Huawei brand is growing rapidly."
    assert comments["2"].text == (
        "It's not about network.. Carriers just want to make sure that their bloatwares can run flawlessly"
        " in Xiaomi's and Huawei's costum UI.. /s"
    )
    assert comments["1"].text.startswith('"going through specifications with each US carrier is time-consuming" I')
    assert comments["1"].text.endswith("just so they can load their bloatware on it. Smh.")
    assert comments["4"].text.endswith("but it isn't gonna be what you acting as it will be.")


def test_phonearena_gap_at_the_end_is_reported():
    # "6." after "4." with nothing below: a new comment for the reader, but the tool cannot know.
    found = found_in(SEED_PHONEARENA)
    assert any("comment 6" in note for note in found.uncertain)


# --- Seed 003: MacRumors, avatar and rating ------------------------------------------------------

C3_TEXT = (
    "It's the software, stupid!\n\n"
    "Nice hardware is nice, but I'd be willing to wager what actually keeps iPhone users on iPhones is iOS"
    " and the Apple ecosystem.\n\n"
    "Please stop writing these articles with headlines insinuating there's some rivalry between Apple and these"
    " particular manufacturers of Android smartphones. Nothing about these particular Android phones makes them"
    " any more or less competition for iPhones than any other Android smartphones. They are competition for"
    " Samsung far more than for Apple."
)


def test_macrumors_ids_votes_ages_and_replies():
    found = found_in(SEED_MACRUMORS)
    expected = [
        ("c1", 12, None),
        ("c2", 10, None),
        ("c3", 10, None),
        ("c4", 8, None),
        ("c5", 7, "c4"),
        ("c6", 4, None),
        ("c7", 4, None),
        ("c8", 3, "c3"),
        ("c9", 3, "c3"),
        ("c10", 3, None),
    ]
    assert [(c.id, c.votes, c.reply_to) for c in found.comments] == expected
    assert {c.age for c in found.comments} == {"26 months ago"}
    assert {c.author for c in found.comments} == {None}
    assert {c.posts for c in found.comments} | {c.member_since for c in found.comments} == {None}


def test_macrumors_quotes_are_split_from_the_replies():
    comments = by_id(found_in(SEED_MACRUMORS))
    assert [cid for cid, c in comments.items() if c.quoting] == ["c5", "c6", "c8", "c9"]

    assert comments["c5"].quoting == "Yeah, no thanks. Hard pass on any Chinese smartphone maker."
    assert comments["c5"].text == "Like the iPhone is manufactured in USA."

    assert comments["c6"].quoting == (
        "Both ecosystems are refined now. My point is that most people are heavily “invested” in one or the other."
        " Most people don’t want to have to download/buy all new apps, learn a different UI, buy new accessories"
        " in one fell swoop."
    )
    assert comments["c6"].text.startswith("That makes no sense.\n\nBuy that new iPhone")
    assert comments["c6"].text.endswith("Facebook is the same, Office is there, banking apps, etc.")

    assert comments["c8"].quoting == (
        "Nice hardware is nice, but I'd be willing to wager what actually keeps iPhone users on iPhones is iOS"
        " and the Apple ecosystem."
    )
    assert comments["c8"].text.startswith("While this has been true in the past - at least for me -")

    assert comments["c9"].quoting == C3_TEXT
    assert comments["c9"].text.startswith("I think Android beats iPhone on both Software(customisation,")
    assert comments["c9"].text.endswith("may not be a bad option.")


def test_macrumors_multi_paragraph_text_keeps_its_paragraphs():
    comments = by_id(found_in(SEED_MACRUMORS))
    assert comments["c3"].text == C3_TEXT
    assert comments["c2"].text == "LOL...good luck."
    assert comments["c7"].text.count("\n\n") == 1


def test_macrumors_quote_of_a_missing_comment_is_reported():
    found = found_in(SEED_MACRUMORS)
    assert any("c6" in note for note in found.uncertain)
    assert not any("c5" in note or "c8" in note or "c9" in note for note in found.uncertain)


def _content_items(page: str) -> list[dict]:
    front = (PROJECT / "content" / page).read_text(encoding="utf-8").split("---")[1]
    return yaml.safe_load(front)["comments"]["items"]


@pytest.mark.parametrize(
    ("seed", "page"),
    [
        (SEED_PHONEARENA, "xiaomi-us-flagships-phonearena.md"),
        (SEED_MACRUMORS, "huawei-xiaomi-att-verizon-macrumors.md"),
    ],
)
def test_seed_comments_agree_with_the_careful_reader(seed, page):
    found = found_in(seed)
    items = _content_items(page)
    assert len(found.comments) == len(items)
    for comment, item in zip(found.comments, items, strict=True):
        for key in ("id", "author", "reply_to", "votes", "posts", "member_since", "age"):
            assert getattr(comment, key) == item.get(key), (item["id"], key)
        assert normalise(comment.text) == normalise(item["text"]), item["id"]
        assert normalise(comment.quoting or "") == normalise(item.get("quoting") or ""), item["id"]


# --- WordPress blog --------------------------------------------------------------------------------


def test_wordpress_blog():
    found = found_in(CAPTURES / "wordpress_blog.txt")
    expected = [
        ("c1", "Mark Dalton", "December 11, 2017 at 9:14 am", None),
        ("c2", "Priya", "December 11, 2017 at 11:02 am", "c1"),  # "In reply to Mark Dalton."
        ("c3", "J. Okafor", "December 12, 2017 at 7:45 pm", "c1"),  # "@Mark Dalton ..."
        ("c4", "Lena", "December 13, 2017 at 8:30 am", None),
    ]
    assert [(c.id, c.author, c.age, c.reply_to) for c in found.comments] == expected
    texts = [c.text for c in found.comments]
    assert texts[0] == (
        "The Mate 9 was on Amazon for months and nobody I know even heard of it. Without a carrier deal Huawei"
        " stays invisible here."
    )
    assert texts[1] == "Same here. I only found out about it from a YouTube review."
    assert texts[2] == (
        "@Mark Dalton carriers are exactly the problem though. A Verizon Mate 10 would come with a dozen apps"
        " I can't uninstall and updates six months late.\n\nI would rather keep buying unlocked."
    )
    # The moderation notice is the blog's, not Lena's.
    assert texts[3] == "Xiaomi in two years? They said the same thing in 2015."
    assert found.uncertain == []


# --- Slashdot-like forum -----------------------------------------------------------------------------


def test_slashdot_forum():
    found = found_in(CAPTURES / "slashdot_forum.txt")
    expected = [
        ("55717000", "PocketCalc", 5, None, "Monday December 11, 2017 @09:12AM"),
        ("55717120", "Anonymous Coward", 4, "55717000", "Monday December 11, 2017 @09:30AM"),
        ("55717311", "gadgetgirl", 2, "55717120", "Monday December 11, 2017 @10:05AM"),
        ("55717050", "oldunixhand", 3, None, "Monday December 11, 2017 @09:20AM"),
        ("55718002", "quietreader", 1, None, "Monday December 11, 2017 @11:47AM"),
    ]
    assert [(c.id, c.author, c.votes, c.reply_to, c.age) for c in found.comments] == expected
    comments = by_id(found)
    assert comments["55717120"].quoting == "What does a Huawei phone give them that they don't have"
    assert comments["55717120"].text == (
        "Margin. Huawei will give them a far better wholesale price than Apple ever will."
    )
    # The signature after "--" is boilerplate, not the comment.
    assert comments["55717311"].text == (
        "A better price for the carrier is not a better price for me. I'll believe it when I see it."
    )
    assert comments["55718002"].text == (
        "I ran the Mate 9 for six months. The battery is the best I've had, EMUI is the worst."
    )


def test_slashdot_replies_that_cannot_be_placed_are_reported():
    notes = found_in(CAPTURES / "slashdot_forum.txt").uncertain
    # Two earlier comments share the thread of 55717311; "Re:Mate 9 review" has no parent here.
    assert any("55717311" in note and "55717000" in note for note in notes)
    assert any("55718002" in note and "Mate 9 review" in note for note in notes)


# --- GSMArena-like -----------------------------------------------------------------------------------


def test_gsmarena_like_site():
    found = found_in(CAPTURES / "gsmarena_like.txt")
    expected = [
        ("c1", "Anonymous", "11 Dec 2017", None, None),
        (
            "c2",
            "Rizzo",
            "11 Dec 2017",
            "c1",
            "Finally. Xiaomi phones in US stores would be great, the Mi Mix 2 is a beauty.",
        ),
        ("c3", "Kaz", "11 Dec 2017", None, None),
        ("c4", "tech_wiz", "12 Dec 2017", None, "AT&T will drop the deal the minute Congress complains."),
    ]
    assert [(c.id, c.author, c.age, c.reply_to, c.quoting) for c in found.comments] == expected
    texts = [c.text for c in found.comments]
    assert texts[1] == "With carrier bloat on top? No thanks, I'll import mine."
    assert texts[2] == "Huawei had the Mate 9 on Amazon all year and nobody noticed. Carriers are the only way in."
    assert texts[3] == "Then we will see whose phone it is."
    assert any("guessed" in note for note in found.uncertain)
    assert any("c4" in note for note in found.uncertain)  # it quotes AnonD-712004, who is not in the capture


# --- A capture that is only comments ---------------------------------------------------------------


def test_capture_of_comments_only():
    found = found_in(CAPTURES / "only_comments_numbered.txt")
    expected = [
        ("1", "droidmaster", None, 1204, "Mar 02, 2014"),
        ("12", "sgtpepper", "1", 88, "Nov 30, 2017"),
        ("14", "droidmaster", "1", 1204, "Mar 02, 2014"),
        ("2", "BluePhone", None, 5012, "Jun 18, 2012"),
        ("3", "ArenaFan", None, 311, "Aug 07, 2016"),
    ]
    assert [(c.id, c.author, c.reply_to, c.posts, c.member_since) for c in found.comments] == expected
    assert found.comments[1].text == (
        'Overnight? Their name is the hard part. Half of my friends still say "Hoo-ah-way".'
    )
    assert found.comments[3].text == "Verizon will never let a phone on its network without its apps.\nSame with AT&T."
    # Whether 14 answers 12 or 1 cannot be told from the numbers.
    assert any("12 and 14" in note for note in found.uncertain)


# --- Generic blocks under a header -------------------------------------------------------------------


def test_generic_blocks_under_a_comments_header():
    found = found_in(CAPTURES / "generic_blocks.txt")
    assert [(c.id, c.author) for c in found.comments] == [("c1", "Marta K."), ("c2", "daniel_r"), ("c3", "Sam")]
    assert [c.text for c in found.comments] == [
        "I switched from an iPhone to a Huawei P10 last year and the camera alone was worth it.",
        "Verizon will never sell a Chinese phone while Congress is this nervous about Huawei.\n\n"
        "They backed out of the Mate 10 deal once, they can do it again.",
        "Fingers crossed for the Mi Mix 2 at AT&T.",
    ]
    assert any("guessed" in note for note in found.uncertain)


# --- Avatar blocks with names, sorted by rating ------------------------------------------------------


def test_avatar_blocks_with_names_and_a_reply_listed_first():
    found = found_in(CAPTURES / "avatar_named.txt")
    expected = [
        ("c1", "jdbrooks", 9, "2 hours ago", "c2"),
        ("c2", "maccat", 6, "3 hours ago", None),
        ("c3", "Kwame A.", 2, "5 hours ago", None),
    ]
    assert [(c.id, c.author, c.votes, c.age, c.reply_to) for c in found.comments] == expected
    first = found.comments[0]
    assert first.quoting == "Ten dollars a month for a watch is more than I pay for my iPad's data."
    assert first.text == (
        "Not if you use it daily instead of carrying the phone on runs. Paid for itself in a month for me."
    )
    # Sorted by rating, the reply comes before the comment it quotes: worth a look.
    assert any("c1" in note and "c2" in note for note in found.uncertain)


# --- What is not a comment -----------------------------------------------------------------------------


def test_an_article_quoting_someone_is_not_a_wordpress_comment():
    lines = [
        "Huawei's consumer chief on the US",
        "",
        "Richard Yu says:",
        "",
        "We will bring our best phones to American carriers next year.",
        "",
        "Related",
    ]
    found = find_comments(lines)
    assert (found.shape, found.comments, found.start) == ("none", [], len(lines))


def test_a_sentence_starting_with_by_is_not_a_forum_byline():
    lines = ["Carrier deals", "", "by the end of next year, both phones may be in stores.", "", "Score: 5"]
    assert find_comments(lines).shape == "none"


def test_a_header_with_nothing_under_it_is_not_a_comment_section():
    lines = ["Headline", "", "Body text.", "", "Comments", "", "Log in to comment", "", "Latest Stories"]
    found = find_comments(lines)
    assert (found.shape, found.start, found.end) == ("none", len(lines), len(lines))


def test_a_quote_of_several_marked_lines_keeps_its_markers_when_its_source_is_missing():
    lines = [
        "Re:Carriers (Score:3, Interesting)",
        "by someone (42) on Monday December 11, 2017 @10:00AM (#1001)",
        "",
        "> first quoted line",
        "> second quoted line",
        "My answer.",
        "",
        "Reply to This",
    ]
    found = find_comments(lines)
    comment = found.comments[0]
    assert (comment.id, comment.votes, comment.text) == ("1001", 3, "My answer.")
    assert comment.quoting == "> first quoted line\n> second quoted line"
    assert normalise(comment.quoting) in normalise("\n".join(lines))
    assert found.end == len(lines)


def test_a_quote_of_two_paragraphs_from_a_missing_comment_ends_at_the_wide_gap():
    lines = [
        "Top Rated Comments",
        "Avatar",
        "3 months ago",
        "",
        "Carriers will never allow it.",
        "",
        "Not in a hundred years.",
        "",
        "",
        "They already sell Motorola and Alcatel.",
        "Rating: 5 Votes",
        "[ Read All Comments ]",
    ]
    found = find_comments(lines)
    comment = found.comments[0]
    assert comment.quoting == "Carriers will never allow it.\n\nNot in a hundred years."
    assert (comment.text, comment.reply_to, comment.votes) == ("They already sell Motorola and Alcatel.", None, 5)
    assert (found.start, found.end) == (0, 11)


def test_nothing_to_read():
    found = find_comments([])
    assert (found.start, found.end, found.shape, found.comments) == (0, 0, "none", [])
    assert find_comments([""]).start == 1


def test_a_comments_link_above_the_article_does_not_turn_the_article_into_comments():
    # The GSMArena-like page cut before its comments: only the "Comments (6)" link near the top is left.
    lines = lines_of(CAPTURES / "gsmarena_like.txt")[:16]
    assert lines[4] == "Comments (6)"
    found = find_comments(lines)
    assert (found.shape, found.comments, found.start) == ("none", [], 16)
    assert found.uncertain == ["line 5 looks like a comments header, but what follows was not read"]


def test_anonymous_blocks_closed_by_buttons():
    lines = ["Comments", "", "Great phone.", "Reply", "", "No thanks, too pricey.", "Reply", "", "Related", "Other"]
    found = find_comments(lines)
    assert [(c.id, c.author, c.text) for c in found.comments] == [
        ("c1", None, "Great phone."),
        ("c2", None, "No thanks, too pricey."),
    ]
    assert (found.shape, found.start, found.end) == ("generic", 0, 7)
