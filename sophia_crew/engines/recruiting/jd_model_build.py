"""Fine-tune the JD requirement-span model (:mod:`.jd_spans`) on SkillSpan and export it to ONNX.

    python -m sophia_crew.engines.recruiting.jd_model_build SKILLSPAN_JSON_DIR [--splits train+dev]
        [--out DIR] [--epochs N]

SkillSpan (Zhang et al., NAACL 2022; MIT licence; github kris927b/SkillSpan, ``data/json/{train,dev,test}.json``)
labels skill and knowledge spans in about 11,500 job-posting sentences. Each sentence is one document; a token
inside both a skill and a knowledge span is labelled skill (2 % of labelled tokens in train, 1.6 % in dev). Training
as :func:`.token_model_build.finetune` (same base model, windows, optimiser, int8 export), 3 epochs,
sentences of similar length batched together: about 7 minutes on two idle cores for train + dev (7,974
sentences). The thresholds in :mod:`.jd_spans` were chosen on SkillSpan dev with a model trained on train only
(``--splits train``); the shipped model is trained on train + dev. Needs the ``train`` extra; nothing here
runs at run time.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .jd_spans import FOLDER, LABELS
from .token_model import MODEL_FILE, TOKENIZER_FILE
from .token_model_build import finetune


def examples(path: Path) -> list[tuple[list[str], list[str]]]:
    """(words, BIO labels over SKILL / KNOW) per sentence of one SkillSpan JSON-lines file."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            words, skill, know = row["tokens"], row["tags_skill"], row["tags_knowledge"]
        except (ValueError, KeyError) as exc:
            raise SystemExit(f"{path}: line {n}: not a SkillSpan record ({exc})") from None
        labels = [
            f"{s[0]}-SKILL" if s != "O" else f"{k[0]}-KNOW" if k != "O" else "O" for s, k in zip(skill, know)
        ]
        for i, lab in enumerate(labels):  # an I- that does not continue its own kind starts a span
            if lab.startswith("I-") and (i == 0 or labels[i - 1][2:] != lab[2:]):
                labels[i] = "B-" + lab[2:]
        out.append((words, labels))
    return out


def main(argv: list[str]) -> None:
    from sophia_crew.resources import knowledge_path

    if not argv or not Path(argv[0]).is_dir():
        raise SystemExit(f"{argv[0] if argv else '(no path)'}: SkillSpan data/json folder not found")

    def opt(name: str, default):
        return type(default)(argv[argv.index(name) + 1]) if name in argv else default

    folder = Path(argv[0])
    docs = [
        d for split in opt("--splits", "train+dev").split("+") for d in examples(folder / f"{split}.json")
    ]
    out = Path(opt("--out", str(knowledge_path("recruiting", FOLDER))))
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    done = finetune(docs, LABELS, out, epochs=opt("--epochs", 3), bucket=True)
    size = (done / MODEL_FILE).stat().st_size / 1e6
    print(f"wrote {done / MODEL_FILE} ({size:.1f} MB) and {done / TOKENIZER_FILE} from {len(docs)} sentences")


if __name__ == "__main__":
    main(sys.argv[1:])
