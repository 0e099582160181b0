"""The obstacle register (Co-creation): entries, their review, mitigations and knowledge."""

from .knowledge import ArticleStatus, KnowledgeArticle, KnowledgeTopic
from .mitigations import Mitigation, MitigationStatus
from .obstacles import (
    Endorsement,
    Obstacle,
    ObstacleTransition,
    ReviewerNote,
    Severity,
)
from .taxonomy import Actor, Category

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
