"""The obstacle register (Co-creation): entries, their review, mitigations and knowledge."""

from .knowledge import ArticleStatus, KnowledgeArticle, KnowledgeTopic
from .obstacles import (
    Endorsement,
    Obstacle,
    ObstacleTransition,
    ReviewerNote,
    Severity,
)
from .taxonomy import Actor, Category
from .mitigations import Mitigation, MitigationStatus

__all__ = [
    "Actor",
    "ArticleStatus",
    "Category",
    "Endorsement",
    "KnowledgeArticle",
    "KnowledgeTopic",
    "Mitigation",
    "MitigationStatus",
    "Obstacle",
    "ObstacleTransition",
    "ReviewerNote",
    "Severity",
]
