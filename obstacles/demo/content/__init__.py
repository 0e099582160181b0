"""The demo's words: obstacle entries, mitigations, knowledge articles and partnership notes.

Plain data (see `..specs`); `obstacles.demo` writes it through the services.
"""

from .articles_law import ARTICLES_LAW
from .articles_practice import ARTICLES_PRACTICE
from .mitigations import MITIGATIONS
from .notes import NOTES
from .obstacles_law import PUBLISHED_LAW
from .obstacles_money import PUBLISHED_MONEY
from .obstacles_people import PUBLISHED_PEOPLE
from .obstacles_practice import PUBLISHED_PRACTICE
from .waiting import WAITING

PUBLISHED = [*PUBLISHED_LAW, *PUBLISHED_MONEY, *PUBLISHED_PEOPLE, *PUBLISHED_PRACTICE]
ARTICLES = [*ARTICLES_LAW, *ARTICLES_PRACTICE]

__all__ = ["ARTICLES", "MITIGATIONS", "NOTES", "PUBLISHED", "WAITING"]
