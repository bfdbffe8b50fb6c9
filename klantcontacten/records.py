"""What the inbox hands over when it closes an answered conversation: the contact, in the domain's
words, not yet in the API's shapes or limits (openklant/bodies.py does that)."""

import datetime as dt
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Agent:
    """Someone who answered: an actor (medewerker) in Open Klant."""

    username: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class CaseLink:
    """The case the conversation is about; zaak_uuid once a ZGW Zaken API registered it."""

    number: str
    in_zaken_api: bool = False  # the case's back office is a Zaken API (Open Zaak), not just here
    zaak_uuid: str = ""


@dataclass(frozen=True)
class ContactRecord:
    channel: str  # the platform: x, facebook, sandbox
    subject: str  # the category, or the first words of the citizen's first message
    citizen_texts: tuple[str, ...]  # what the citizen wrote, oldest first
    answers: tuple[str, ...]  # what we answered, oldest first
    started_at: dt.datetime  # the first message's time
    private: bool  # a direct message
    citizen_name: str = ""  # display name on the platform
    citizen_address: str = ""  # "@handle", or "<platform>:<user id>" without a handle
    case: CaseLink | None = None
    agents: tuple[Agent, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        """As stored (JSON): lists, not tuples, so a stored record compares equal to a fresh one."""
        data = asdict(self)
        data.update(
            started_at=self.started_at.isoformat(),
            citizen_texts=list(self.citizen_texts),
            answers=list(self.answers),
            agents=list(data["agents"]),
        )
        return data

    @classmethod
    def from_json(cls, data: dict) -> "ContactRecord":
        return cls(
            **{
                **data,
                "citizen_texts": tuple(data["citizen_texts"]),
                "answers": tuple(data["answers"]),
                "started_at": dt.datetime.fromisoformat(data["started_at"]),
                "case": CaseLink(**data["case"]) if data.get("case") else None,
                "agents": tuple(Agent(**agent) for agent in data.get("agents", ())),
            }
        )
