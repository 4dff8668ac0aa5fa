"""How printed tokens are read and found on their source lines."""

import pytest

from swsurveys.printed import number_words, occurs_on_line, parse


@pytest.mark.parametrize(
    "printed, value",
    [
        ("26%", 26),
        ("1,153", 1153),
        ("10.7", 10.7),
        ("£1,500", 1500),
        ("(x 20)", 20),
        ("a fifth", 20),
        ("Half", 50),
        ("Sixty-four percent", 64),
        ("nine percent", 9),
        ("a quarter", 25),
    ],
)
def test_printed_tokens_state_their_number(printed, value):
    assert parse(printed) == value


@pytest.mark.parametrize(
    "printed", ["<1%", "less than 0.5 per cent", "-", "just over half", "Nearly a third", "two thirds", "1 / 2"]
)
def test_tokens_that_state_no_exact_number(printed):
    assert parse(printed) is None


def test_number_words_compounds():
    assert number_words("seventy-three per cent") == 73
    assert number_words("twenty") == 20
    assert number_words("many") is None


@pytest.mark.parametrize(
    "printed, line, found",
    [
        ("51", "Q1) statement\t51\t27", True),
        ("51", "Q1) statement\t151\t27", False),  # inside a longer number
        ("51", "rose to 51.5 per cent", False),  # inside a decimal
        ("5", "rose to 5.1 per cent", False),
        ("51%", "only 51% agreed", True),
        ("4,141", "A total of 4,141 social", True),
        ("Half", "Half of the respondents", True),
        ("half", "Half of the respondents", False),  # case matters: the token is as printed
        ("27", "ended at 27.", True),  # a full stop after is not a decimal
    ],
)
def test_whole_token_rule(printed, line, found):
    assert occurs_on_line(printed, line) is found
