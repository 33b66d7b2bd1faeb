"""The knowledge app's actions, one module per concept."""

from clientfocus.knowledge.services.articles import mark_reviewed, save_article, set_state
from clientfocus.knowledge.services.learning import can_learn_from, draft_from
from clientfocus.knowledge.services.playbooks import record_runs, save_playbook, tick
from clientfocus.knowledge.services.replies import render, save_template
from clientfocus.knowledge.services.training import (
    acknowledge,
    answer_quiz,
    assignment_warning,
    daily,
    enrol,
    save_course,
)

__all__ = [
    "acknowledge",
    "answer_quiz",
    "assignment_warning",
    "can_learn_from",
    "daily",
    "draft_from",
    "enrol",
    "mark_reviewed",
    "record_runs",
    "render",
    "save_article",
    "save_course",
    "save_playbook",
    "save_template",
    "set_state",
    "tick",
]
