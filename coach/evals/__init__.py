"""The eval suite: gold meetings, scorers, the runner and baselines."""

from coach.evals.gold import Gold, GoldMeeting, load_dataset
from coach.evals.scoring import MeetingScore, score_meeting, summarise

__all__ = ["Gold", "GoldMeeting", "MeetingScore", "load_dataset", "score_meeting", "summarise"]
