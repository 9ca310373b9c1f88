"""What the Applications page draws at one iteration, computed without gradients in the training
process: immutable, detached, on the CPU.

Words to faces: FACES_SHOWN faces for the page's phrase (fixed codes and fixed unrequested
factors, so only training changes them), with the reader's verdict on each requested attribute
per face. A sketch to a face: the held-out faces' sketches, the faces, each member's answer, and
each member's answer to the person's own drawing when there is one. Hair colour: held-out
dark-haired faces, each member's blue-haired translation and its way back; the same from blue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from ..data.face_pairs import ink_to_picture, sketch_to_input
from ..data.face_words import read_phrase
from ..evaluation import applications as scores

FACES_SHOWN = 12
PAIRS_SHOWN = 8
PHRASE_SEED = 5


@dataclass(frozen=True)
class MemberState:
    name: str
    iteration: int
    losses: dict
    seconds: float
    diverged: str | None = None


@dataclass(frozen=True)
class ApplicationSnapshot:
    application: str
    iteration: int
    target_iterations: int
    members: tuple[MemberState, ...]
    inputs: np.ndarray  # what the members were given: sketches as pictures, dark / blue faces
    truth: np.ndarray | None = None  # sketch: the real faces
    outputs: dict = field(default_factory=dict)  # member -> (n, 3, H, W) for `inputs`
    back: dict = field(default_factory=dict)  # hair: member -> the way back
    inputs_back: np.ndarray | None = None  # hair: the blue-haired faces
    outputs_back: dict = field(default_factory=dict)  # hair: member -> blue to dark
    phrase: str = ""
    reading: tuple = ()  # words: ((word, wanted description), ...)
    unknown: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()  # words overruled by a later word for the same factor
    verdicts: np.ndarray | None = None  # words: (FACES_SHOWN, requested) bool
    drawing: np.ndarray | None = None  # sketch: the person's drawing as a picture
    drawing_outputs: dict = field(default_factory=dict)  # member -> (1, 3, H, W)
    scores: dict = field(default_factory=dict)  # the latest evaluation (evaluate_application)
    scored_at: int = 0

    @property
    def diverged(self) -> str | None:
        stopped = [f"{m.name}: {m.diverged}" for m in self.members if m.diverged]
        return "; ".join(stopped) or None


def _members(run) -> tuple[MemberState, ...]:
    return tuple(
        MemberState(name, t.iteration, t.last_losses, run.seconds[name], t.diverged) for name, t in run.trainers.items()
    )


@torch.no_grad()
def take_application_snapshot(run, latest: dict, phrase: str = "", drawing: torch.Tensor | None = None):
    application = run.config.application
    base = dict(
        application=application,
        iteration=run.iteration,
        target_iterations=run.config.iterations,
        members=_members(run),
        scores=latest,
        scored_at=latest.get("iteration", 0),
    )
    if application == "words":
        ((name, trainer),) = run.trainers.items()
        reading = read_phrase(phrase)
        images, _ = scores.faces_for_phrase(trainer, reading, FACES_SHOWN, PHRASE_SEED)
        readings = scores.read(images)
        verdicts = torch.stack([r.has(readings) for r in reading.requested], 1) if reading.requested else None
        return ApplicationSnapshot(
            **base, inputs=np.zeros((0, 3, 1, 1), np.float32), outputs={name: images.numpy()}, phrase=phrase,
            reading=tuple((r.word, r.description) for r in reading.requested), unknown=reading.unknown,
            replaced=reading.replaced,
            verdicts=None if verdicts is None else verdicts.numpy(),
        )  # fmt: skip
    data = next(iter(run.trainers.values())).data
    if application == "sketch":
        sketches, faces, _ = scores.held_out_sketches(data, PAIRS_SHOWN)
        outputs = {name: scores.translate(t, sketches).numpy() for name, t in run.trainers.items()}
        drawn, drawn_outputs = None, {}
        if drawing is not None:
            drawn, drawn_input = ink_to_picture(drawing).numpy(), sketch_to_input(drawing)
            drawn_outputs = {name: scores.translate(t, drawn_input).numpy() for name, t in run.trainers.items()}
        return ApplicationSnapshot(
            **base, inputs=ink_to_picture((sketches + 1) / 2).numpy(), truth=faces.numpy(), outputs=outputs,
            drawing=drawn, drawing_outputs=drawn_outputs,
        )  # fmt: skip
    dark, _ = scores.held_out_domain("dark", PAIRS_SHOWN)
    blue, _ = scores.held_out_domain("blue", PAIRS_SHOWN)
    outputs, back, outputs_back = {}, {}, {}
    for name, trainer in run.trainers.items():
        to_blue = scores.translate(trainer, dark)
        outputs[name] = to_blue.numpy()
        back[name] = scores.translate(trainer, to_blue, backward=True).numpy()
        outputs_back[name] = scores.translate(trainer, blue, backward=True).numpy()
    return ApplicationSnapshot(
        **base, inputs=dark.numpy(), outputs=outputs, back=back, inputs_back=blue.numpy(), outputs_back=outputs_back
    )
