"""Train the factor reader (gan_core/networks/face_reader.py) on freshly drawn faces and score it
on the fixed held-out faces: R² per continuous factor, accuracy per discrete one (issue 24: each
at least 0.95).

    python -m gan_core train-reader            # -> checkpoints/faces_reader.pt

Every batch is drawn fresh from its own seed, so the reader never sees a held-out face; the
held-out set is `make_faces(n, seed=HELD_OUT_SEED)`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..data.faces import FACTORS, HELD_OUT_SEED, make_faces
from ..networks.face_reader import READER_PATH, FaceReader, save_reader, to_targets

HELD_OUT_COUNT = 2_000


def score_reader(reader: FaceReader, n: int = HELD_OUT_COUNT, size: int = 32) -> dict[str, float]:
    """Per factor on the held-out faces: R² (continuous) or accuracy (discrete)."""
    images, factors = make_faces(n, seed=HELD_OUT_SEED, size=size)
    read = reader.read(images)
    scores = {}
    for column, factor in enumerate(FACTORS):
        truth, guess = factors[:, column], read[:, column]
        if factor.levels:
            scores[factor.name] = (truth == guess).float().mean().item()
        else:
            scores[factor.name] = 1 - ((truth - guess) ** 2).sum().item() / ((truth - truth.mean()) ** 2).sum().item()
    return scores


def train_reader(steps: int = 3_000, batch: int = 128, seed: int = 0, lr: float = 2e-3, log=None) -> FaceReader:
    torch.manual_seed(seed)
    reader = FaceReader()
    optimizer = torch.optim.Adam(reader.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 - step / steps)
    reader.train()
    for step in range(steps):
        images, factors = make_faces(batch, seed=seed * 1_000_003 + step + 1)
        continuous, logits = reader(images)
        target, classes = to_targets(factors)
        loss = F.mse_loss(continuous, target) * len(target[0]) + sum(
            F.cross_entropy(head, truth) for head, truth in zip(logits, classes)
        )
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if log and (step + 1) % 500 == 0:
            log(f"step {step + 1:,}/{steps:,}: loss {loss.item():.4f}")
    return reader.eval()


def train_and_save(steps: int = 3_000, seed: int = 0, out=None, log=None) -> tuple[dict[str, float], str]:
    reader = train_reader(steps=steps, seed=seed, log=log)
    scores = score_reader(reader)
    path = save_reader(reader, out or READER_PATH, scores=scores, steps=steps, seed=seed, held_out=HELD_OUT_COUNT)
    return scores, str(path)
