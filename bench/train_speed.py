"""Training speed: GAN Explorer's Trainer against a plain textbook PyTorch loop, same process.

    python bench/train_speed.py [--iterations 2000] [--repeats 3] [--device auto] [--only faces]

For the ring preset's model it times, in alternating rounds so that both see the same machine
load: the Trainer with the preset as shipped (EMA on), the Trainer with EMA off (like for like),
and the textbook loop (separate optimisers, zero_grad/backward/step, `.item()` every step). It
prints iterations per second (median of the rounds) and the ratios to the textbook loop.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gan_core.config import RunConfig  # noqa: E402
from gan_core.data import make_data  # noqa: E402
from gan_core.device import configure_cpu_threads, describe_device, pick_device  # noqa: E402
from gan_core.networks import build_discriminator, build_generator  # noqa: E402
from gan_core.presets import get_preset  # noqa: E402
from gan_core.training import Trainer  # noqa: E402


def textbook_loop(config: RunConfig, iterations: int, device: torch.device) -> float:
    """Iterations per second of Goodfellow et al.'s Algorithm 1 (k = m = 1) as a tutorial
    writes it, with the non-saturating generator loss. Returns the rate."""
    torch.manual_seed(config.train.seed)
    data = make_data(config.data)
    generator = build_generator(config).to(device)
    discriminator = build_discriminator(config).to(device)
    train = config.train
    betas = (train.beta1, train.beta2)
    g_optimizer = torch.optim.Adam(generator.parameters(), lr=train.g_lr, betas=betas)
    d_optimizer = torch.optim.Adam(discriminator.parameters(), lr=train.d_lr, betas=betas)
    batch, noise_dim = train.batch_size, config.model.noise_dim
    ones = torch.ones(batch, device=device)
    zeros = torch.zeros(batch, device=device)
    rng = torch.Generator().manual_seed(train.seed)
    d_losses, g_losses = [], []

    def one_iteration():
        real = data.sample_batch(batch, rng)[0].to(device)
        d_optimizer.zero_grad()
        fake = generator(torch.randn(batch, noise_dim, device=device))
        d_loss = F.binary_cross_entropy_with_logits(discriminator(real), ones) + F.binary_cross_entropy_with_logits(
            discriminator(fake.detach()), zeros
        )
        d_loss.backward()
        d_optimizer.step()
        g_optimizer.zero_grad()
        fake = generator(torch.randn(batch, noise_dim, device=device))
        g_loss = F.binary_cross_entropy_with_logits(discriminator(fake), ones)
        g_loss.backward()
        g_optimizer.step()
        d_losses.append(d_loss.item())
        g_losses.append(g_loss.item())

    return _rate(one_iteration, iterations, device)


def trainer_loop(config: RunConfig, iterations: int, device: torch.device) -> float:
    trainer = Trainer(config, device=device)
    return _rate(trainer.step, iterations, device, finish=trainer.flush)


def _rate(step, iterations: int, device: torch.device, finish=None) -> float:
    for _ in range(min(50, iterations)):  # warm-up: allocator, first-call overheads
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(iterations):
        step()
    if finish is not None:
        finish()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return iterations / (time.perf_counter() - start)


def compare(name: str, config: RunConfig, iterations: int, repeats: int, device: torch.device) -> dict:
    variants = {
        "textbook loop": lambda: textbook_loop(config, iterations, device),
        "Trainer, EMA off": lambda: trainer_loop(config.replace(train=dict(ema=0.0)), iterations, device),
    }
    if config.train.ema > 0:
        variants["Trainer, preset as shipped"] = lambda: trainer_loop(config, iterations, device)
    rates: dict[str, list[float]] = {label: [] for label in variants}
    for _ in range(repeats):  # interleaved, so a busy moment hurts every variant alike
        for label, run in variants.items():
            rates[label].append(run())
    medians = {label: statistics.median(values) for label, values in rates.items()}
    baseline = medians["textbook loop"]
    print(f"\n{name}: {iterations} iterations x {repeats} rounds, batch {config.train.batch_size}")
    for label, rate in medians.items():
        print(f"  {label:28s} {rate:9,.0f} it/s   x{rate / baseline:.2f} vs textbook")
    return medians


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    parser.add_argument("--only", default="all", choices=("all", "ring", "images", "faces"))
    args = parser.parse_args(argv)
    device = pick_device(args.device)
    args.default_threads = torch.get_num_threads()  # what image runs use (configure_cpu_threads)
    if device.type == "cpu":
        configure_cpu_threads(get_preset("ring"))  # both loops get the thread count the app uses
    print(f"device: {describe_device(device)}; torch {torch.__version__}")
    if args.only in ("all", "ring"):
        compare("ring preset (2D MLP GAN)", get_preset("ring"), args.iterations, args.repeats, device)
    for name, section in EXTRA_SECTIONS:
        if args.only in ("all", name):
            section(args, device)
    return 0


# Further benchmarks (image models) append (name for --only, function(args, device)) here.
EXTRA_SECTIONS: list = []


def image_presets(args, device: torch.device) -> dict:
    """Iterations per second of the Trainer on each image preset (as shipped, EMA on), and of
    the textbook loop where it applies (it knows no labels, so not for the conditional GAN).
    Image models are slower than the 2D ones, so a quarter of --iterations."""
    iterations = max(100, args.iterations // 4)
    print(f"\nimage presets: {iterations} iterations x {args.repeats} rounds, median it/s")
    rates = {}
    for name in ("digits-mlp", "digits-cgan", "digits-dcgan"):
        config = get_preset(name)
        runs = [trainer_loop(config, iterations, device) for _ in range(args.repeats)]
        rates[name] = statistics.median(runs)
        line = f"  {name:14s} batch {config.train.batch_size:4d}  Trainer {rates[name]:8,.0f} it/s"
        if config.model.architecture != "conditional_mlp":
            textbook = statistics.median(textbook_loop(config, iterations, device) for _ in range(args.repeats))
            line += f"   textbook loop {textbook:8,.0f} it/s"
        print(line, flush=True)
    return rates


def faces_presets(args, device: torch.device) -> dict:
    """The faces presets (issue 24: faces-dcgan at least 10 it/s on a 2-core CPU), each beside the
    textbook loop for the same networks, batch and fresh faces, in interleaved rounds. A tenth
    of --iterations (200 by default)."""
    iterations = max(50, args.iterations // 10)
    threads = torch.get_num_threads()
    torch.set_num_threads(args.default_threads)  # as the app trains image models: torch's default
    print(f"\nfaces presets at {args.default_threads} threads, as the image lab trains them")
    try:
        return {
            name: compare(f"{name} preset (32x32 faces)", get_preset(name), iterations, args.repeats, device)
            for name in ("faces-dcgan", "faces-mlp")
        }
    finally:
        torch.set_num_threads(threads)


EXTRA_SECTIONS.append(("images", image_presets))
EXTRA_SECTIONS.append(("faces", faces_presets))

if __name__ == "__main__":
    sys.exit(main())
