"""Calamity clusters: group conversations about the same thing (30 tweets about one fallen tree).

By topic, not by phrase: what a conversation is about is its topic words (content words without
stopwords, without the vocabulary of follow-ups such as "nog steeds niet opgelost", "any update",
"hallo?", and without numbers), taken from its first and its latest message, so a follow-up keeps
the topic its thread began with. Two conversations belong together when they share at least two
topic words covering `threshold` of the shorter one's, or when they name the same place (a street,
a square, a park) within `place_hours` of each other. A follow-up without topic words joins
nothing. Links are followed transitively (union-find); a cluster needs `min_size` different
people, since one citizen writing three times is no calamity. No models, no network.
"""

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

STOPWORDS = frozenset(
    """
    aan al alle als alweer ben bij dat de deze die dit doe doen door dus een eens en er ga gaan
    gaat geen had heb hebben heeft het hier hij hoe hun ik in is ja je jij jullie kan kunnen
    maar me mee meer men met mij mijn moet mogen na naar niet nog nu of om onder ons onze ook op
    over te tegen toch toen tot u uit uw van veel voor want waren was wat we wel welke wie wij
    wil worden wordt zal ze zelf zich zij zijn zo zou al graag even weer echt heel alsjeblieft
    svp pls gemeente hallo hoi goedemorgen goedemiddag beste dank bedankt vraag please the and
    """.split()
)
# What anyone chasing an answer writes, whatever their question was about: never a topic.
FOLLOW_UP_WORDS = frozenset(
    """
    probleem problemen steeds opgelost oplossen opgepakt afgehandeld update updates nieuws
    reactie reacties reageren gereageerd antwoord antwoorden beantwoord gehoord horen niks niets
    iets iemand hee hey hoor wachten wacht gewacht wachttijd lang lange langer week weken dag
    dagen maand maanden uur uren melding meldingen gemeld meld zaak zaaknummer kenmerk nummer
    status contact gebeld gemaild mail mails bericht berichten waarom wanneer hoelang help
    helpen weet weten gebeurt gebeurd gedaan nogmaals eerder vorige keer vandaag gisteren morgen
    inmiddels sinds terwijl gewoon elke ligt staat zit komt komen kom krijg krijgen ontvangen
    any still not yet fixed solved problem issue hello news reply response waiting nothing
    heard case reported report weeks days update anyone someone why when what
    """.split()
)
# Frequent words that say nothing about the subject (Dutch and English filler, the city's name).
FILLER_WORDS = frozenset(
    """
    net hele helemaal vol grote groot klein kleine bijna achter voor naast tegenover langs
    half kant open dicht doet doen deed zien zag gezien loopt lopen liep kunt kon konden
    nieuw nieuwe oude naam haar hem hen hebt heb omdat zodat toen daar daarom dan nou
    vanochtend vanmiddag vanavond vannacht jaar jaren elk elke alle enkel enkele drie twee
    vier vijf eerst laatste deur binnen buiten mensen mens iedereen niemand overal ergens
    snel graag goed slecht mooi fijn prima erg echt alleen samen erin eruit erop eraan
    utrecht gemeenteutrecht this that with for are was has have just our your from there here
    straat kinderen kinder spelen spel mooie gevaarlijk woon wonen woont buurt wijk foto
    """.split()
)
TOKEN = re.compile(r"[a-z0-9]+")
# A word as written, to tell names (capitalised inside a sentence) from ordinary words.
WRITTEN = re.compile(r"[@#]?\w+(?:-\w+)*|[.!?:;\n]")
NOISE = re.compile(r"https?://\S+|[@#]\w+")
# Endings of named places in Dutch (Kanaalstraat, Amsterdamsestraatweg, Smaragdplein, Oudegracht,
# Vader Rijndreef, Maximapark); the common nouns among such words are no place.
PLACE_ENDINGS = ("straat", "weg", "laan", "plein", "gracht", "kade", "singel", "dijk", "steeg", "dreef",
                 "plantsoen", "park")  # fmt: skip
NOT_PLACES = frozenset(
    """
    onderweg snelweg zijweg rijweg hoofdweg ringweg fietsstraat zijstraat hoofdstraat
    winkelstraat woonstraat schoolplein speelplein parkeerplein stadspark
    """.split()
)
# Compounds share their head: "vuurwerk", "vuurwerkafval", "vuurwerkresten".
MIN_COMPOUND_HEAD = 7


def content_words(text: str) -> frozenset[str]:
    """Lower-cased words without accents, mentions, links and stopwords; hashtags keep their word."""
    return frozenset(_stem(w) for w in _words(text) if len(w) > 2 and w not in STOPWORDS)


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    hashtags = re.findall(r"#(\w+)", text)
    return TOKEN.findall(NOISE.sub(" ", text)) + hashtags


def _plain(word: str) -> str:
    return unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode()


def _topic_word(word: str) -> str:
    """A word as a topic word ("" when it is none): hashtags lose their area code (#gladheid030)."""
    word = word.rstrip("0123456789")
    if (
        len(word) <= 2
        or not word.isalpha()
        or word in STOPWORDS
        or word in FOLLOW_UP_WORDS
        or word in FILLER_WORDS
    ):
        return ""
    stem = _stem(word)
    return "" if stem in FOLLOW_UP_WORDS or stem in FILLER_WORDS else stem


def topic_words(text: str) -> frozenset[str]:
    """What a text is about: its content words without follow-up vocabulary, filler and numbers."""
    return frozenset(w for w in map(_topic_word, _words(text)) if w)


def names(text: str) -> frozenset[str]:
    """Words capitalised inside a sentence (Dutch capitalises names only): Station Zuilen,
    Kardinaal de Jongweg, Overvecht. Shouted words (all capitals) are no names."""
    found, initial = set(), True
    for token in WRITTEN.findall(text):
        if token in ".!?:;\n":
            initial = True
            continue
        if token[0] in "@#":
            continue  # a mention or hashtag: the sentence has not begun
        if not initial and token[0].isupper() and not token.isupper():
            found.update(w for w in map(_topic_word, TOKEN.findall(_plain(token))) if w)
        initial = False
    return frozenset(found)


def is_place(word: str) -> bool:
    return word not in NOT_PLACES and any(
        word.endswith(ending) and len(word) >= len(ending) + 3 for ending in PLACE_ENDINGS
    )


def _stem(word: str) -> str:
    # Crude: drops plural endings so "lantaarnpalen" and "lantaarnpaal" differ less often.
    for suffix in ("en", "s"):
        if len(word) > 5 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _related(a: str, b: str) -> bool:
    if a == b:
        return True
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return len(shorter) >= MIN_COMPOUND_HEAD and longer.startswith(shorter)


def _shared(a: frozenset[str], b: frozenset[str]) -> int:
    """How many words of the smaller set have a related word in the other."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(1 for word in small if any(_related(word, other) for other in large))


def similar(a: frozenset[str], b: frozenset[str], threshold: float) -> bool:
    """At least two shared topic words, covering `threshold` of the shorter text's and a fifth of
    the longer's (so a long Facebook post touching many subjects does not glue onto every tweet)."""
    if not a or not b:
        return False
    shared = _shared(a, b)
    return shared >= 2 and shared / min(len(a), len(b)) >= threshold and shared / max(len(a), len(b)) >= 0.2


@dataclass(frozen=True)
class ClusterItem:
    """One conversation to cluster: its texts (first and latest message), its author and time."""

    id: int
    text: str
    author: str = ""
    at: dt.datetime | None = None


@dataclass
class Cluster:
    ids: list[int]
    label: str  # its title: the places and words most members share, as they wrote them


@dataclass(frozen=True)
class _Profile:
    topic: frozenset[str]  # what it is about, without the places
    places: frozenset[str]  # streets, squares, parks and other names


def _profile(text: str) -> _Profile:
    words = topic_words(text)
    places = frozenset(w for w in words if is_place(w)) | (names(text) & words)
    return _Profile(topic=words - places, places=places)


def _same_place(a: _Profile, b: _Profile) -> bool:
    """The same place and something else in common: one street's fireworks litter, not every
    question that happens to name that street."""
    return bool(a.places & b.places) and _shared(a.topic, b.topic) >= 1


def _within(a: ClusterItem, b: ClusterItem, hours: float) -> bool:
    return a.at is None or b.at is None or abs(a.at - b.at) <= dt.timedelta(hours=hours)


def cluster_title(texts: list[str], places: list[str], topic: list[str]) -> str:
    """A cluster's title as people read it: its places as the citizens wrote them (capitals, accents),
    then its topic words, e.g. "Kanaalstraat: vuurwerkafval, glas" (not the stems it is grouped by)."""
    spelled: dict[str, Counter] = {}
    for text in texts:
        for written in re.findall(r"#?\w+", text):
            word = written.lstrip("#").rstrip("0123456789")
            stem = _topic_word(_plain(word))
            if stem:
                spelled.setdefault(stem, Counter())[word] += 1

    def as_written(stem: str, keep_case: bool) -> str:
        word = spelled[stem].most_common(1)[0][0] if stem in spelled else stem
        return word if keep_case and not word.isupper() else word.lower()

    where = ", ".join(as_written(w, True) for w in places)
    what = ", ".join(as_written(w, False) for w in topic)
    title = f"{where}: {what}" if where and what else where or what
    return title[:1].upper() + title[1:]


def cluster_conversations(
    items: list[ClusterItem], *, threshold: float = 0.5, min_size: int = 3, place_hours: float = 3
) -> list[Cluster]:
    """Clusters of conversations from at least `min_size` different authors, biggest first."""
    profiles = [_profile(item.text) for item in items]
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Pairs are only compared when they share a word's first letters (a compound's head):
    # fine for a few hundred open conversations.
    by_head: dict[str, list[int]] = {}
    for i, profile in enumerate(profiles):
        for head in {w[:MIN_COMPOUND_HEAD] for w in profile.topic | profile.places}:
            by_head.setdefault(head, []).append(i)
    for i, profile in enumerate(profiles):
        heads = {w[:MIN_COMPOUND_HEAD] for w in profile.topic | profile.places}
        candidates = {j for head in heads for j in by_head[head] if j > i}
        for j in candidates:
            if root(i) == root(j):
                continue
            if _same_place(profile, profiles[j]) and _within(items[i], items[j], place_hours):
                parent[root(j)] = root(i)
            elif similar(profile.topic, profiles[j].topic, threshold):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(root(i), []).append(i)
    clusters = []
    for members in groups.values():
        if len({items[i].author or f"#{items[i].id}" for i in members}) < min_size:
            continue
        counts = Counter(w for i in members for w in profiles[i].places | profiles[i].topic)
        ranked = sorted(counts, key=lambda w: (-counts[w], w))  # ties alphabetically: a stable title
        places = [w for w in ranked if any(w in profiles[i].places for i in members)][:2]
        topic = [w for w in ranked if w not in places][: 4 - len(places)]
        label = cluster_title([items[i].text for i in members], places, topic)
        clusters.append(Cluster(ids=sorted(items[i].id for i in members), label=label))
    clusters.sort(key=lambda c: (-len(c.ids), c.ids[0]))
    return clusters


def cluster_texts(
    items: list[tuple[int, str]], *, threshold: float = 0.5, min_size: int = 3
) -> list[Cluster]:
    """Clusters of at least `min_size` texts, biggest first; items are (id, text), each its own author."""
    return cluster_conversations(
        [ClusterItem(id=pk, text=text) for pk, text in items], threshold=threshold, min_size=min_size
    )
