from matching.text import STOP_WORDS, Analyzer, fold_spelling, normalise


def test_normalise_folds_full_width_letters_and_case() -> None:
    assert normalise("ＣＡＦÉ Road") == "café road"


def test_british_and_american_spellings_become_the_same_term() -> None:
    a = Analyzer()
    pairs = [
        ("organisation", "organization"),
        ("colours", "colors"),
        ("centre", "center"),
        ("analysed", "analyzed"),
        ("modelling", "modeling"),
        ("programme", "program"),
        ("paediatric", "pediatric"),
        ("defence", "defense"),
    ]
    for british, american in pairs:
        assert a.term(british) == a.term(american), (british, american)


def test_spelling_folding_leaves_ordinary_words_alone() -> None:
    for word in ("hour", "four", "rise", "analysis", "metro"):
        assert fold_spelling(word) == word


def test_stop_words_and_single_letters_are_not_terms() -> None:
    a = Analyzer()
    assert a.term("the") is None
    assert a.term("x") is None
    assert a.term("5") == "5"
    assert "will" in STOP_WORDS


def test_each_word_type_is_stemmed_once_and_cached() -> None:
    a = Analyzer()
    a.terms(["running", "running", "runs"])
    assert set(a._cache) == {"running", "runs"}
    assert a.terms(["running"]) == ["run"]


def test_words_split_on_punctuation_and_drop_emoji() -> None:
    a = Analyzer()
    assert a.words("Smart-city 🚦 sensors, (v2)!") == ["smart", "city", "sensors", "v2"]
    assert a.words("   \n\t ") == []
    assert a.words("!!! ... ???") == []


def test_right_to_left_words_are_kept() -> None:
    a = Analyzer()
    assert a.words("مدينة ذكية") == ["مدينة", "ذكية"]
    assert a.words("עיר חכמה") == ["עיר", "חכמה"]


def test_a_megabyte_of_text_is_tokenised_completely() -> None:
    text = "lighting columns " * 60_000
    assert len(text) > 1_000_000
    words = Analyzer().words(text)
    assert len(words) == 120_000
