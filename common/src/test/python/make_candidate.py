#!/usr/bin/python3
"""Candidate model of the golden 'lr' fixture, for `lockstep verify --bundle v1 --candidate v2`.

Writes golden/lr/candidate/bundle/ (golden-lr version "2": the same features, a LogisticRegression
retrained with strong regularisation, C=0.004) and golden/lr/candidate/expected_flips.csv: for every
good row of golden/lr/input.csv, the labels of v1 and v2 as sklearn predicts them (independently of
Lockstep), and whether they differ. Deterministic: a second run gives byte-identical files.

    apt-get install -y python3-onnx python3-sklearn python3-numpy
    /usr/bin/python3 common/src/test/python/make_candidate.py
"""
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).parent))
import make_golden as g  # noqa: E402


def main():
    fx, _ = g.build_lr()
    # the training set of build_lr, drawn again from the same seed in the same order
    rng = np.random.default_rng(11)
    train = [g.lr_row(rng, i, "T") for i in range(3000)]
    X, _ = g.texts_to_features(fx, train)
    y = g.bernoulli_labels(rng, X.astype(np.float64) @ g.LR_TRUTH - 0.8)
    v2 = LogisticRegression(C=0.004, max_iter=1000).fit(X.astype(np.float64), y)
    model = g.make_model(g.onnx_logreg(v2, X.shape[1], "features", "matmul", "lr_v2"), [("", 17)], 8,
                         "sklearn LogisticRegression (C=0.004) as MatMul/Add/Sigmoid: candidate of golden-lr")
    g.verify_model(model, v2, X, "features", fx.spec["model"]["outputs"])
    root = g.GOLDEN / "lr" / "candidate"
    g.write_bundle(root / "bundle", fx.name, "2", "candidate of the golden lr fixture: stronger regularisation",
                   fx.spec, g.LR_COMMENT + ["Candidate: retrained with C=0.004."],
                   g.avsc_text("Customer", g.LR_AVSC_DOC, g.LR_FIELDS), model)
    _, _, good, _ = g.score_file(fx, g.GOLDEN / "lr" / "input.csv")
    Xg = np.vstack([v for _, _, v in good]).astype(np.float64)
    l1, l2 = fx.clf.predict(Xg), v2.predict(Xg)
    p2 = v2.predict_proba(Xg)[:, 1]
    if np.any(np.abs(p2 - 0.5) < 1e-4):
        g.fail("candidate: a golden row has a v2 probability within 1e-4 of 0.5")
    rows = [g.csv_line(["line", "key", "label_v1", "label_v2", "flipped"])]
    for (ln, key, _), a, b in zip(good, l1, l2):
        rows.append(g.csv_line([str(ln), key, str(int(a)), str(int(b)), "true" if a != b else "false"]))
    g.write_text(root / "expected_flips.csv", "\n".join(rows) + "\n")
    print(f"  lr candidate: {int(np.sum(l1 != l2))} of {len(good)} labels flip "
          f"({int(np.sum((l1 == 0) & (l2 == 1)))} 0->1, {int(np.sum((l1 == 1) & (l2 == 0)))} 1->0)")


if __name__ == "__main__":
    main()
