"""Sales-call engine: transcript importers, exact call metrics, benchmarks, methodology scorecards, reports.

Pure functions over Pydantic models; no LLM and no network.
"""

from .analysis import CallAnalysis, analyze_call, analyze_transcript
from .batch import FolderAnalysis, analyze_folder
from .benchmarks import BenchmarkComparison, RepTrend, compare_to_benchmarks, rep_trends
from .importers import FORMATS, load_transcript
from .mentions import Mentions, detect_mentions
from .metrics import compute_metrics
from .models import CallMetrics, CallTranscript, Participant, Utterance
from .report import talk_time_svg
from .scorecard import Scorecard, score_methodology, verify_quotes

__all__ = [
    "FORMATS",
    "BenchmarkComparison",
    "CallAnalysis",
    "CallMetrics",
    "CallTranscript",
    "FolderAnalysis",
    "Mentions",
    "Participant",
    "RepTrend",
    "Scorecard",
    "Utterance",
    "analyze_call",
    "analyze_folder",
    "analyze_transcript",
    "compare_to_benchmarks",
    "compute_metrics",
    "detect_mentions",
    "load_transcript",
    "rep_trends",
    "score_methodology",
    "talk_time_svg",
    "verify_quotes",
]
