"""Fit the offline engine's scorer and write coach/engines/offline/weights.json.

    python -m pip install -e ".[train]"
    python train/train_offline.py --ami ../shared/data/ami-train

Deterministic: the same data gives the same weights. What it learns from:
- commitments and decisions: the units of the development meetings (evals/datasets/core, dev-a,
  dev-b) labelled by their gold anchors; the AMI training partition's fit part (the validation
  fifth of coach.evals.ami is never read); the labelled sentences in train/data/acts.jsonl;
- the nine categories: train/data/categories.jsonl (written for this purpose, apart from every eval
  set) and, as "none", a sample of AMI units (design meetings with no marketing-IT gap);
- the meeting-level flag model: the development meetings' category tallies against their gold.
Every model reads the development and training meetings twice: as written and as a speech-to-text
engine might have written them (coach.evals.noise, --noise-seed).
The blind set is never read. Thresholds come from out-of-fold predictions, not from fitted ones;
the folds hold out each writer's meetings together, as a new user's meetings would be new.
AMI Meeting Corpus: (c) the AMI Consortium, CC BY 4.0.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.engines.offline import meeting_context  # noqa: E402
from coach.engines.offline.features import (  # noqa: E402
    Context,
    around,
    in_vocabulary,
    lexicon,
    neighbour_tokens,
    placeholder_tokens,
    rules_fired,
)
from coach.engines.offline.flags import category_features, tally  # noqa: E402
from coach.engines.offline.model import WEIGHTS_FILE, parse_weights  # noqa: E402
from coach.engines.offline.normalize import Unit, clean, tokenize  # noqa: E402
from coach.evals import ami  # noqa: E402
from coach.evals.gold import GoldMeeting, load_dataset  # noqa: E402
from coach.evals.scoring import spans  # noqa: E402
from coach.models import CATEGORIES  # noqa: E402
from coach.names import Roster  # noqa: E402
from coach.pipeline import prepare  # noqa: E402

DEV_SETS = ("core", "dev-a", "dev-b")
TRAIN_MEETINGS = ROOT / "train" / "meetings"  # written for training, apart from every eval set
AMI_WEIGHT = 0.5  # AMI annotators list only a meeting's main items: its negatives are noisy
SENTENCE_WEIGHT = 1.0
AMI_NONE_SAMPLE = 4000
MAX_AMI_ACTIONS = 6.0  # items per AMI meeting the thresholds may produce at most
MAX_AMI_DECISIONS = 8.0
# Recall of AMI's annotated items a threshold must reach on the fit part (out of fold); the bar on
# unseen AMI meetings is 0.5 for actions and 0.4 for decisions, so aim a little above it.
AMI_RECALL = {"action": 0.0, "decision": 0.0}  # the engine's recall floor serves AMI instead
MIN_WEIGHT = 0.02  # smaller weights are dropped from the shipped file
SCALE = 1000  # weights ship as integers of 1/SCALE (model.Binary.scale): faster to read
MIN_COUNT = 3  # a feature must occur in this many training samples
# How much each source counts for each model, on top of the sample's own weight.
SOURCE_WEIGHT: dict[str, dict[str, float]] = {"action": {}, "decision": {}, "objection": {}}
VOCAB_MIN_GROUPS = 3  # a word must occur in this many meetings or sentence groups to be known
RULE_SCALE = 1.0  # a named rule's value in the fit (set by --rule-scale; see _valued)


@dataclass
class Sample:
    rules: list[str]
    tokens: list[str]  # placeholder tokens; the lexicon is built once the vocabulary is known
    action: int | None  # 1, 0, or None (not used: optional or an "also" anchor)
    decision: int | None
    group: str  # the meeting (or sentence file) it comes from, for grouped folds
    weight: float
    source: str  # dev | meet | ami | sentences | noisy
    objection: int | None = None  # AMI has no objection labels: None there
    neighbours: list[str] = field(default_factory=list)  # tagged words of the turns around it

    def features(self, vocab: frozenset[str]) -> list[str]:
        """Rules, the lexicon and the neighbour words over the vocabulary, as the engine reads them."""
        return (
            self.rules + lexicon(in_vocabulary(self.tokens, vocab)) + around(self.neighbours, vocab)
        )


def _unit_parts(u: Unit, ctx: Context) -> tuple[list[str], list[str]]:
    return rules_fired(u, ctx), placeholder_tokens(u, ctx)


def build_vocab(samples: list[Sample]) -> frozenset[str]:
    """Words used in several leadership meetings or sentence groups; AMI-only words are unknown."""
    groups: dict[str, dict[str, set[str]]] = {"ami": {}, "other": {}}
    for s in samples:
        if s.source == "noisy":
            continue  # its words are its original's: counting them twice would widen the vocabulary
        side = groups["ami" if s.source == "ami" else "other"]
        for t in set(s.tokens):
            side.setdefault(t, set()).add(s.group)
    # AMI's four teams design the same remote control: its topic words (latex, teletext) would
    # be learned as decision words. Words of the leadership-meeting data are kept.
    return frozenset(t for t, where in groups["other"].items() if len(where) >= VOCAB_MIN_GROUPS)


def _overlaps(u: Unit, where: Iterable[tuple[int, int, int]]) -> bool:
    return any(t == u.turn and s < u.end and u.start < e for t, s, e in where)


def _label(u: Unit, positive: list, skip: list) -> int | None:
    if _overlaps(u, positive):
        return 1
    if _overlaps(u, skip):
        return None
    return 0


def dev_meetings(names: Sequence[str]) -> list[tuple[GoldMeeting, Context]]:
    """Each development meeting with its context, roles and date as the eval runner passes them.

    A name is a dataset under evals/datasets, or "train" for the training meetings in train/meetings.
    """
    out = []
    for name in names:
        folder = TRAIN_MEETINGS if name == "train" else ROOT / "evals" / "datasets" / name
        for m in load_dataset(folder):
            transcript, meeting, _ = prepare(
                m.transcript_path,
                roles=m.gold.roles if m.gold.roles_given else None,
                date=m.gold.date,
            )
            out.append((m, meeting_context(transcript, meeting)))
    return out


def _anchor_sets(items: list, transcript) -> tuple[list, list, list]:  # type: ignore[no-untyped-def]
    """Spans that are positive, skipped, and negative for one kind of gold item.

    The anchor quote is positive. An `also` anchor within two turns of it (the "Sure, by Friday"
    that accepts a request) is skipped; one further away restates the item (a recap) and is a
    negative: the engine should find the item where it was taken on, not where it was repeated.
    Optional items are skipped entirely.
    """
    pos, skip, neg = [], [], []
    for g in items:
        quote_spans = spans(g.quote, transcript)
        if g.optional:
            skip += [sp for q in g.anchors for sp in spans(q, transcript)]
            continue
        pos += quote_spans
        turns = {t for t, _, _ in quote_spans}
        for q in g.also:
            for sp in spans(q, transcript):
                (skip if any(abs(sp[0] - t) <= 2 for t in turns) else neg).append(sp)
    return pos, skip, neg


def dev_samples(
    meetings: list[tuple[GoldMeeting, Context]], source: str = "dev", kind: str | None = None
) -> list[Sample]:
    """Units of annotated meetings labelled by their gold anchors (`kind` overrides the source
    recorded on each sample, not the group its meeting is filed under)."""
    samples = []
    for m, ctx in meetings:
        transcript = _transcript(m)
        a_pos, a_skip, _ = _anchor_sets(m.gold.action_items, transcript)
        d_pos, d_skip, _ = _anchor_sets(m.gold.decisions, transcript)
        o_pos, o_skip = _objection_spans(m.gold.objections or [], transcript)
        for u in ctx.units:
            samples.append(
                Sample(
                    *_unit_parts(u, ctx),
                    _label(u, a_pos, a_skip),
                    _label(u, d_pos, d_skip),
                    f"{source}:{m.name}",
                    1.0,
                    kind or source,
                    _label(u, o_pos, o_skip) if m.gold.objections is not None else None,
                    neighbour_tokens(u, ctx),
                )
            )
    return samples


def _objection_spans(items: list, transcript) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    """Concerns raised are positive; optional ones are skipped."""
    pos, skip = [], []
    for g in items:
        (skip if g.optional else pos).extend(spans(g.quote, transcript))
    return pos, skip


_TRANSCRIPTS: dict[str, object] = {}


def _transcript(m: GoldMeeting):  # type: ignore[no-untyped-def]
    from coach.transcripts import load_transcript

    key = f"{m.transcript_path}#{m.name}"  # a noisy copy shares its original's path
    if key not in _TRANSCRIPTS:
        _TRANSCRIPTS[key] = load_transcript(m.transcript_path)
    return _TRANSCRIPTS[key]


NOISE_SUFFIX = "~noise"
_NOISY: dict[str, tuple[GoldMeeting, Context]] = {}


def noisy_copies(
    meetings: list[tuple[GoldMeeting, Context]], seed: int | None
) -> list[tuple[GoldMeeting, Context]]:
    """Each meeting as a speech-to-text engine might have written it, its gold carried over (none
    when the seed is None).

    The scorer otherwise learns its writers' capitals and punctuation: on meetings by new writers it
    scored decisions better with noise added than without.
    """
    from coach.evals.noise import add_noise

    if seed is None:
        return []
    out = []
    for m, _ in meetings:
        name = f"{m.name}{NOISE_SUFFIX}"
        if name not in _NOISY:
            transcript, gold = add_noise(_transcript(m), m.gold, seed)
            copy = m.model_copy(update={"name": name, "gold": gold})
            _TRANSCRIPTS[f"{m.transcript_path}#{name}"] = transcript
            prepared, meeting, _ = prepare(
                transcript, roles=gold.roles if gold.roles_given else None, date=gold.date
            )
            _NOISY[name] = (copy, meeting_context(prepared, meeting))
        out.append(_NOISY[name])
    return out


def ami_contexts(folder: Path, part: str) -> list[tuple[ami.AmiMeeting, Context]]:
    """AMI meetings of one part with their contexts (roles unknown, as a user would run them)."""
    out = []
    for m in ami.load(folder, ami.split(folder, part)):
        transcript, meeting, _ = prepare(m.transcript)
        out.append((m, meeting_context(transcript, meeting)))
    return out


def ami_samples(meetings: list[tuple[ami.AmiMeeting, Context]]) -> list[Sample]:
    """AMI units: a unit holding a dialogue act linked to an action item or decision is positive."""
    samples = []
    for m, ctx in meetings:
        a_turns = set().union(*m.actions) if m.actions else set()
        d_turns = set().union(*m.decisions) if m.decisions else set()
        gold = json.loads((AMI_FOLDER / f"{m.id}.gold.json").read_text(encoding="utf-8"))
        a_text = [ev["text"] for a in gold["action_items"] for ev in a["evidence"]]
        d_text = [ev["text"] for d in gold["decisions"] for ev in d["evidence"]]
        for u in ctx.units:
            text = m.transcript.turns[u.turn].text
            a = int(u.turn in a_turns and any(_span_hit(text, q, u) for q in a_text))
            d = int(u.turn in d_turns and any(_span_hit(text, q, u) for q in d_text))
            samples.append(
                Sample(
                    *_unit_parts(u, ctx),
                    a,
                    d,
                    f"ami:{m.id}",
                    AMI_WEIGHT,
                    "ami",
                    neighbours=neighbour_tokens(u, ctx),
                )
            )
    return samples


def _span_hit(text: str, quote: str, u: Unit) -> bool:
    at = text.find(quote)
    while at >= 0:
        if at < u.end and u.start < at + len(quote):
            return True
        at = text.find(quote, at + 1)
    return False


def _sentence_unit(text: str, ctx_roster: Roster) -> tuple[Unit, Context]:
    """A labelled sentence as a one-unit meeting (it is one utterance by construction)."""
    tokens = tokenize(text)
    words = [t for t in tokens if t.is_word]
    u = Unit(
        turn=0,
        speaker="S",
        start=words[0].start if words else 0,
        end=len(text),
        quote=text,
        tokens=[t.text for t in clean(tokens)],
        question=text.rstrip().endswith("?"),
    )
    return u, Context([u], ctx_roster)


def sentence_samples(path: Path) -> list[Sample]:
    """The labelled sentences of train/data/acts.jsonl."""
    roster = Roster(["S"])
    samples = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        u, ctx = _sentence_unit(row["text"], roster)
        act = row["act"]
        samples.append(
            Sample(
                *_unit_parts(u, ctx),
                int(act == "commitment"),
                int(act == "decision"),
                f"sent:{n % 50}",
                SENTENCE_WEIGHT,
                "sentences",
                int(act == "objection"),
            )
        )
    return samples


def writer(group: str) -> str:
    """Who wrote a meeting, for out-of-fold predictions: a training meeting's batch (t9a-t9d were
    written by one helper), a development set's letter, anything else itself.

    Thresholds chosen on folds that held out only the meeting, not its writer, came out too high
    for meetings by someone new (train/cv.py --with-train): a writer's phrasing carries across.
    """
    group = group.removesuffix(NOISE_SUFFIX)  # a noisy copy goes with its original
    source, _, name = group.rpartition(":")
    batch = re.match(r"(t\d+)[a-z](?:_|$)|([mhg])\d+_", name)
    if batch is None:
        return group
    return f"{source}:{batch.group(1) or batch.group(2)}"


def _fit(X, y, w, C: float) -> LogisticRegression:  # type: ignore[no-untyped-def]
    model = LogisticRegression(C=C, max_iter=3000)
    model.fit(X, y, sample_weight=w)
    return model


def fit_binary(samples: list[Sample], key: str, C: float, vocab: frozenset[str], folds: int = 5):  # type: ignore[no-untyped-def]
    """Fit one binary model on the labelled samples.

    Returns the model, its vectorizer, and out-of-fold probabilities for EVERY sample (labelled or
    not): each is predicted by a model that never saw its meeting.
    """
    rows = _frequent([s.features(vocab) for s in samples])
    vec = DictVectorizer()
    X = vec.fit_transform([_valued(f) for f in rows])
    labelled = np.array([getattr(s, key) is not None for s in samples])
    y = np.array([getattr(s, key) or 0 for s in samples])
    w = np.array([s.weight * (SOURCE_WEIGHT[key].get(s.source, 1.0)) for s in samples])
    groups = [writer(s.group) for s in samples]
    oof = np.zeros(len(samples))
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(X, y, groups):
        train_idx = train_idx[labelled[train_idx]]
        m = _fit(X[train_idx], y[train_idx], w[train_idx], C)
        oof[test_idx] = m.predict_proba(X[test_idx])[:, 1]
    model = _fit(X[labelled], y[labelled], w[labelled], C)
    return model, vec, oof


def _meeting_probs(by_group: dict[str, list[float]], m: GoldMeeting) -> list[float] | None:
    """A meeting's out-of-fold unit scores, whichever source its samples were filed under (cv.py
    files the training meetings as development ones)."""
    return by_group.get(f"meet:{m.name}") or by_group.get(f"dev:{m.name}")


def sweep_threshold(
    key: str,
    meetings: list[tuple[GoldMeeting, Context]],
    samples: list[Sample],
    oof: np.ndarray,
    ami_cap: float,
    ami_meetings: list[tuple[ami.AmiMeeting, Context]] | None = None,
) -> float:
    """The threshold with the best item-level F1 on the annotated meetings, from out-of-fold scores.

    Each meeting's items are built by the engine itself from its out-of-fold unit probabilities and
    scored against the gold as `coach eval` scores them; the AMI volume cap bounds the choice.
    """
    from coach.engines.offline.actions import find_action_items
    from coach.engines.offline.decisions import find_decisions
    from coach.engines.offline.model import Binary
    from coach.evals.scoring import Counts, match

    by_group: dict[str, list[float]] = {}
    for s, p in zip(samples, oof, strict=True):
        by_group.setdefault(s.group, []).append(float(p))
    ami_groups = [g for g in by_group if g.startswith("ami:")]
    best = (-1.0, 0.5)
    rows = []
    for t in np.arange(0.15, 0.91, 0.025):
        counts = Counts()
        for m, ctx in meetings:
            probs = _meeting_probs(by_group, m)
            if probs is None:
                continue
            model = Binary(0.0, {}, float(t))
            transcript = _transcript(m)
            if key == "action":
                items = find_action_items(
                    ctx, model, [x.text for x in transcript.turns], m.gold.date, probs=probs
                )
                gold = m.gold.action_items
            else:
                items = find_decisions(ctx, model, probs=probs)
                gold = m.gold.decisions
            pairs = match([i.evidence for i in items], gold, transcript)
            matched_g = {g for _, g in pairs}
            counts.tp += sum(1 for _, g in pairs if not gold[g].optional)
            counts.fp += len(items) - len(pairs)
            counts.fn += sum(1 for i, g in enumerate(gold) if i not in matched_g and not g.optional)
        f1 = counts.prf()[2]
        per_meeting = (
            sum(sum(1 for p in by_group[g] if p >= t) for g in ami_groups) / len(ami_groups)
            if ami_groups
            else 0.0
        )
        recall = _ami_recall(key, ami_meetings or [], by_group, float(t))
        rows.append((float(t), f1, per_meeting, recall))
        # A threshold must keep real meetings' volume sane and find their main items.
        ok = per_meeting <= ami_cap and (recall is None or recall >= AMI_RECALL[key])
        if ok and f1 > best[0]:
            best = (f1, float(t))
    if best[0] < 0:  # nothing met the AMI floor: the best balance of the two
        t, f1, _, recall = max(rows, key=lambda r: r[1] + (r[3] or 0.0) if r[2] <= ami_cap else -1)
        best = (f1, t)
    chosen = next(r for r in rows if r[0] == best[1])
    print(
        f"  {key}: threshold {best[1]:.3f}, out-of-fold item F1 {best[0]:.3f}, "
        f"AMI recall {chosen[3] if chosen[3] is not None else float('nan'):.3f} at {chosen[2]:.1f} per meeting"
    )
    return round(best[1], 3)


def sweep_objections(
    meetings: list[tuple[GoldMeeting, Context]], samples: list[Sample], oof: np.ndarray
) -> float:
    """The threshold with the best out-of-fold objection F1 on the annotated meetings."""
    from coach.engines.offline.model import Binary
    from coach.engines.offline.objections import find_objections
    from coach.evals.scoring import Counts, match

    by_group: dict[str, list[float]] = {}
    for s, p in zip(samples, oof, strict=True):
        by_group.setdefault(s.group, []).append(float(p))
    best = (-1.0, 0.5, 0.0, 0.0)
    for t in np.arange(0.2, 0.91, 0.025):
        counts = Counts()
        for m, ctx in meetings:
            if m.gold.objections is None:
                continue
            probs = _meeting_probs(by_group, m)
            if probs is None:
                continue
            found = find_objections(ctx, model=Binary(0.0, {}, float(t)), probs=probs)
            gold = m.gold.objections
            pairs = match([o.evidence for o in found], gold, _transcript(m))
            matched = {g for _, g in pairs}
            counts.tp += sum(1 for _, g in pairs if not gold[g].optional)
            counts.fp += len(found) - len(pairs)
            counts.fn += sum(1 for i, g in enumerate(gold) if i not in matched and not g.optional)
        p, r, f1 = counts.prf()
        if f1 > best[0]:
            best = (f1, float(t), p, r)
    print(
        f"  objection: threshold {best[1]:.3f}, out-of-fold item P {best[2]:.3f} R {best[3]:.3f} "
        f"F1 {best[0]:.3f}"
    )
    return round(best[1], 3)


def _ami_recall(
    key: str,
    meetings: list[tuple[ami.AmiMeeting, Context]],
    by_group: dict[str, list[float]],
    t: float,
) -> float | None:
    """Share of AMI gold items with a unit at or above t within two turns of a linked act."""
    found = total = 0
    for m, ctx in meetings:
        probs = by_group.get(f"ami:{m.id}")
        if probs is None:
            continue
        picked = {u.turn for u, p in zip(ctx.units, probs, strict=True) if p >= t}
        for turns in m.actions if key == "action" else m.decisions:
            total += 1
            found += any(abs(a - b) <= ami.WINDOW for a in picked for b in turns)
    return found / total if total else None


def _frequent(rows: list[list[str]]) -> list[list[str]]:
    """Drop features seen in fewer than MIN_COUNT samples: they cannot be learned, only memorised."""
    counts: dict[str, int] = {}
    for row in rows:
        for f in set(row):
            counts[f] = counts.get(f, 0) + 1
    return [[f for f in row if counts[f] >= MIN_COUNT or f.startswith("r=")] for row in rows]


def _valued(features: list[str]) -> dict[str, float]:
    """Rules enter the fit at RULE_SCALE: the same penalty buys them a larger effect than one word."""
    return {f: (RULE_SCALE if f.startswith("r=") else 1.0) for f in features}


def _weights_dict(model: LogisticRegression, vec: DictVectorizer) -> dict[str, int]:
    """Weights as the engine applies them (to features worth 1), small ones dropped."""
    names = vec.get_feature_names_out()
    coef = model.coef_[0]
    out = {}
    for n, c in zip(names, coef, strict=True):
        c = float(c) * (RULE_SCALE if str(n).startswith("r=") else 1.0)
        if abs(c) >= MIN_WEIGHT:
            out[str(n)] = round(c * SCALE)
    return out


def meeting_category_samples(
    meetings: list[tuple[GoldMeeting, Context]],
) -> tuple[list[list[str]], list[str]]:
    """Units of annotated meetings: gold flag evidence as its category; every unit of a meeting
    with no gap at all as "none" (real talk about KPIs, roadmaps and tools that is not a gap)."""
    feats, labels = [], []
    for m, ctx in meetings:
        transcript = _transcript(m)
        aligned = not m.gold.flags.required and not m.gold.flags.optional
        for cat, quotes in m.gold.flags.evidence.items():
            where = [sp for q in quotes for sp in spans(q, transcript)]
            for u in ctx.units:
                if _overlaps(u, where) and len(u.tokens) >= 4:
                    feats.append(category_features(u, ctx))
                    labels.append(cat)
        if aligned:
            for u in ctx.units:
                if len(u.tokens) >= 4:
                    feats.append(category_features(u, ctx))
                    labels.append("none")
    return feats, labels


def base_category_samples(
    path: Path, ami_meetings: list[tuple[ami.AmiMeeting, Context]]
) -> tuple[list[list[str]], list[str]]:
    """The labelled sentences, and a sample of AMI units as "none"."""
    roster = Roster(["S"])
    feats, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        u, ctx = _sentence_unit(row["text"], roster)
        feats.append(category_features(u, ctx))
        labels.append(row["category"] or "none")
    pool = [(u, ctx) for _, ctx in ami_meetings for u in ctx.units if len(u.tokens) >= 4]
    rng = random.Random(0)
    for u, ctx in rng.sample(pool, min(AMI_NONE_SAMPLE, len(pool))):
        feats.append(category_features(u, ctx))
        labels.append("none")
    return feats, labels


def fit_categories(feats: list[list[str]], labels: list[str], C: float) -> dict:
    """The multinomial category model, in the shipped JSON form."""
    classes = [*CATEGORIES, "none"]
    vec = DictVectorizer()
    X = vec.fit_transform([dict.fromkeys(f, 1) for f in _frequent(feats)])
    y = np.array([classes.index(lab) for lab in labels])
    model = LogisticRegression(C=C, max_iter=3000)
    model.fit(X, y)
    names = vec.get_feature_names_out()
    weights = {}
    for j, name in enumerate(names):
        row = model.coef_[:, j]
        if np.max(np.abs(row)) >= MIN_WEIGHT * 2:
            weights[str(name)] = [round(float(x) * SCALE) for x in row]
    return {
        "classes": classes,
        "bias": [round(float(b), 4) for b in model.intercept_],
        "weights": weights,
        "scale": SCALE,
    }


def flag_rows(
    meetings: list[tuple[GoldMeeting, Context]],
    per_unit: list[list[dict[str, float]]],
    unit_threshold: float,
) -> tuple[list[dict[str, float]], list[int], list[str]]:
    """Meeting x category rows: the tally features, 1 for a required gap, 0 for a forbidden one.

    `per_unit` holds each meeting's unit probabilities from a category model that never saw it.
    """
    w = parse_weights(
        {
            "action": {"bias": 0, "weights": {}},
            "decision": {"bias": 0, "weights": {}},
            "category": {"classes": ["none"], "bias": [0], "weights": {}},
            "flag": {"bias": 0, "weights": {}},
            "unit_threshold": unit_threshold,
        }
    )
    X, y, groups = [], [], []
    for (m, ctx), probs in zip(meetings, per_unit, strict=True):
        tallies = tally(ctx, w, probs)
        for cat in CATEGORIES:
            if cat in m.gold.flags.optional:
                continue
            X.append(tallies[cat].features)
            y.append(int(cat in m.gold.flags.required))
            groups.append(m.name)
        # Excerpts: people paste a few minutes of a meeting too. Seven turns around each gap's
        # evidence are a short meeting with that gap and none of the forbidden ones.
        transcript = _transcript(m)
        for cat in m.gold.flags.required:
            turns = sorted(
                {t for q in m.gold.flags.evidence.get(cat, []) for t, _, _ in spans(q, transcript)}
            )
            if not turns:
                continue
            lo, hi = turns[0] - 3, turns[0] + 3
            inside = [u for u in ctx.units if lo <= u.turn <= hi]
            if not inside:
                continue
            excerpt = Context(inside, ctx.roster)
            part = tally(excerpt, w, [probs[u.index] for u in inside])
            for c in [cat, *m.gold.flags.forbidden]:
                X.append(part[c].features)
                y.append(int(c == cat))
                groups.append(m.name + "#excerpt")
    return X, y, groups


def fit_flags(
    X: list[dict[str, float]], y: list[int], groups: list[str]
) -> tuple[dict, float, float, float]:
    """The meeting-level flag model; its threshold from leave-one-meeting-out predictions."""
    vec = DictVectorizer()
    Xm = vec.fit_transform(X)
    ya = np.array(y)
    oof = np.zeros(len(y))
    meeting = [g.removesuffix("#excerpt") for g in groups]
    uniq = sorted(set(meeting))
    writers = sorted({writer(g) for g in uniq})
    fold_of = {g: writers.index(writer(g)) % 10 for g in uniq}
    folds = np.array([fold_of[g] for g in meeting])
    whole = np.array([not g.endswith("#excerpt") for g in groups])  # thresholds from whole meetings
    for k in range(10):
        tr, te = folds != k, folds == k
        m = LogisticRegression(C=1.0, max_iter=2000).fit(Xm[tr], ya[tr])
        oof[te] = m.predict_proba(Xm[te])[:, 1]
    best = (-1.0, 0.5, 0.0, 0.0)
    for t in np.arange(0.1, 0.91, 0.025):
        pred = (oof >= t) & whole
        tp = int(np.sum(pred & (ya == 1)))
        fp = int(np.sum(pred & (ya == 0)))
        fn = int(np.sum(~pred & (ya == 1) & whole))
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        # Precision first: a false alarm on an aligned meeting costs more trust than a miss.
        score = r if p >= 0.85 else r - 2 * (0.85 - p)
        if score > best[0]:
            best = (score, float(t), p, r)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(Xm, ya)
    names = vec.get_feature_names_out()
    data = {
        "bias": round(float(model.intercept_[0]), 4),
        "weights": {str(n): round(float(c), 4) for n, c in zip(names, model.coef_[0], strict=True)},
        "threshold": round(best[1], 3),
    }
    return data, best[1], best[2], best[3]


AMI_FOLDER = Path()
STACK_FOLDS = 3
NOISE_SEED: int | None = None  # fit on a noisy copy of each annotated meeting too


@dataclass
class Data:
    """Everything the models learn from, read once."""

    dev: list[tuple[GoldMeeting, Context]]
    meet: list[tuple[GoldMeeting, Context]]
    ami_fit: list[tuple[ami.AmiMeeting, Context]]
    act_samples: list[Sample]  # AMI, training meetings and sentences (development meetings apart)
    category_base: tuple[list[list[str]], list[str]]  # sentences and AMI "none"


def read_data(ami_folder: Path, dev_names: Sequence[str]) -> Data:
    """Read every source; the development meetings named, the training meetings, AMI fit part."""
    dev = dev_meetings(dev_names)
    meet = dev_meetings(["train"])
    ami_fit = ami_contexts(ami_folder, "fit")
    acts = (
        dev_samples(meet, "meet")
        + ami_samples(ami_fit)
        + sentence_samples(ROOT / "train" / "data" / "acts.jsonl")
    )
    bf, bl = base_category_samples(ROOT / "train" / "data" / "categories.jsonl", ami_fit)
    return Data(dev, meet, ami_fit, acts, (bf, bl))


def fit_all(
    data: Data, dev: list[tuple[GoldMeeting, Context]], c_acts: float, c_categories: float
) -> dict:
    """Fit every model on `dev` (a subset of the development meetings) plus the other sources."""
    noisy_dev, noisy_meet = noisy_copies(dev, NOISE_SEED), noisy_copies(data.meet, NOISE_SEED)
    noisy = noisy_dev + noisy_meet
    samples = (
        dev_samples(dev)
        + data.act_samples
        + dev_samples(noisy_dev, "dev", "noisy")
        + dev_samples(noisy_meet, "meet", "noisy")
    )
    vocab = build_vocab(samples)
    out: dict = {"vocab": sorted(vocab)}
    for key, cap in (("action", MAX_AMI_ACTIONS), ("decision", MAX_AMI_DECISIONS)):
        model, vec, oof = fit_binary(samples, key, c_acts, vocab)
        out[key] = {
            "bias": round(float(model.intercept_[0]), 4),
            "weights": _weights_dict(model, vec),
            "scale": SCALE,
            "threshold": sweep_threshold(
                key, dev + data.meet + noisy, samples, oof, cap, data.ami_fit
            ),
        }
    model, vec, oof = fit_binary(samples, "objection", c_acts, vocab)
    out["objection"] = {
        "bias": round(float(model.intercept_[0]), 4),
        "weights": _weights_dict(model, vec),
        "scale": SCALE,
        "threshold": sweep_objections(dev + data.meet + noisy, samples, oof),
    }
    base_f, base_l = data.category_base  # sentences and AMI "none"
    # The noisy copies teach the category and flag models speech-to-text too; a copy goes with
    # its original's writer in the stacking folds.
    annotated = dev + data.meet + noisy
    all_f, all_l = meeting_category_samples(annotated)
    out["category"] = fit_categories(base_f + all_f, base_l + all_l, c_categories)
    # Stacking: each annotated meeting's unit probabilities come from a category model fitted
    # without it, so the meeting-level model learns from honest tallies.
    per_unit: list[list[dict[str, float]]] = [[] for _ in annotated]
    names = sorted({writer(m.name) for m, _ in annotated})
    stack_fold = [names.index(writer(m.name)) % STACK_FOLDS for m, _ in annotated]
    for k in range(STACK_FOLDS):
        inside = [x for x, f in zip(annotated, stack_fold, strict=True) if f != k]
        f, lab = meeting_category_samples(inside)
        model = parse_weights(
            {**_EMPTY, "category": fit_categories(base_f + f, base_l + lab, c_categories)}
        ).category
        for n, (_m, ctx) in enumerate(annotated):
            if stack_fold[n] == k:
                per_unit[n] = [model.probs(category_features(u, ctx)) for u in ctx.units]
    best = None
    for unit_threshold in (0.3, 0.4, 0.5, 0.6):
        X, y, groups = flag_rows(annotated, per_unit, unit_threshold)
        flag, t, p, r = fit_flags(X, y, groups)
        print(
            f"  flags with unit threshold {unit_threshold}: out-of-fold P {p:.3f} R {r:.3f} at {t:.3f}"
        )
        score = r if p >= 0.85 else r - 2 * (0.85 - p)
        if best is None or score > best[0]:
            best = (score, unit_threshold, flag)
    assert best is not None
    out["unit_threshold"], out["flag"] = best[1], best[2]
    return out


_EMPTY = {
    "objection": {"bias": 0, "weights": {}},
    "action": {"bias": 0, "weights": {}},
    "decision": {"bias": 0, "weights": {}},
    "flag": {"bias": 0, "weights": {}},
}


def main(argv: Sequence[str] | None = None) -> int:
    """Fit every model and write the weights file."""
    global AMI_FOLDER, RULE_SCALE, NOISE_SEED
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ami", type=Path, default=ROOT.parent / "shared" / "data" / "ami-train")
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    parser.add_argument(
        "--hold", action="append", default=[], help="a development set to leave out (to measure it)"
    )
    parser.add_argument("--c-acts", type=float, default=0.3)
    parser.add_argument("--rule-scale", type=float, default=3.0)
    parser.add_argument("--c-categories", type=float, default=0.5)
    parser.add_argument(
        "--ami-action-weight", type=float, default=1.0, help="times the AMI sample weight"
    )
    parser.add_argument(
        "--noise-seed", type=int, default=7, help="seed of the noisy copy of each annotated meeting"
    )
    args = parser.parse_args(argv)
    AMI_FOLDER = args.ami
    RULE_SCALE = args.rule_scale
    NOISE_SEED = args.noise_seed
    SOURCE_WEIGHT["action"]["ami"] = args.ami_action_weight
    if not (args.ami / "README.md").is_file():
        parser.error(f"no AMI training partition at {args.ami}; pass --ami DIR")
    dev_names = [d for d in DEV_SETS if d not in args.hold]
    print(f"development sets: {', '.join(dev_names)}; AMI fit part from {args.ami}")
    data = read_data(args.ami, dev_names)
    out = fit_all(data, data.dev, args.c_acts, args.c_categories)
    out["meta"] = {
        "development_sets": dev_names,
        "training_meetings": len(data.meet),
        "ami_fit_meetings": len(data.ami_fit),
        "credit": "Commitment and decision weights are fitted partly on the AMI Meeting Corpus "
        "(c) the AMI Consortium, CC BY 4.0.",
    }
    args.out.write_text(
        json.dumps(out, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
