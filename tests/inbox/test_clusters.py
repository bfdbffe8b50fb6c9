from inbox.clusters import cluster_texts, content_words


def test_content_words_drop_stopwords_mentions_and_links():
    assert content_words("@gemeente Er ligt een BOOM op de weg! https://t.co/x #stormschade") == frozenset(
        {"ligt", "boom", "weg", "stormschade"}
    )


def test_tweets_about_one_fallen_tree_form_one_cluster():
    items = [
        (1, "Er ligt een omgevallen boom op de Amsterdamsestraatweg"),
        (2, "Omgevallen boom Amsterdamsestraatweg, niemand kan erlangs @gemeente"),
        (3, "Boom omgevallen op de Amsterdamsestraatweg!! #storm"),
        (4, "Wanneer wordt het afval opgehaald in Overvecht?"),
        (5, "De lantaarnpaal bij mijn huis is kapot"),
        (6, "Grote boom omgevallen Amsterdamsestraatweg, fietspad geblokkeerd"),
    ]
    clusters = cluster_texts(items, threshold=0.5, min_size=3)
    assert [c.ids for c in clusters] == [[1, 2, 3, 6]]
    # A title as the citizens wrote it, not the stems the grouping uses ("omgevall").
    assert clusters[0].label == "Amsterdamsestraatweg, boom, omgevallen"


def test_no_cluster_below_the_minimum_size_or_for_empty_texts():
    assert (
        cluster_texts(
            [(1, "boom omgevallen straat"), (2, "boom omgevallen straat"), (3, ""), (4, "")], min_size=3
        )
        == []
    )


def test_a_cluster_title_keeps_accents_and_hashtag_words():
    items = [
        (1, "Overlast bij Café De Zon #geluidsoverlast"),
        (2, "Weer overlast café de zon"),
        (3, "café de Zon overlast"),
    ]
    assert cluster_texts(items, min_size=3)[0].label == "Café, overlast, zon"
