"""The theory page's sections run headless (gan_core.live.theory.TheorySession, the same engine the
page drives), printing the figures the README quotes: the value function against the JS bound
and the panels (section 1), minimax against non-saturating (2), k = 1, 5, 20 (3) and the judges on
separated data (4), with the seconds each took on this machine.

    python bench/theory_sections.py
"""

from __future__ import annotations

import time

import numpy as np

from gan_core.live.theory import TheorySession
from gan_core.training.theory import TheoryConfig
from gan_core.views.theory import deviation_from_half, distance_to_optimum


def played(section: str, iterations: int, **config) -> tuple[TheorySession, float]:
    started = time.perf_counter()
    session = TheorySession(TheoryConfig(section=section, **config))
    for _ in range(iterations):
        session.advance()
    session.measure()
    session.publish()
    return session, time.perf_counter() - started


def main() -> None:
    session, seconds = played("picture", 600)
    latest = session.snapshot.latest["GAN"]
    print(f"1. picture, 600 iterations ({seconds:.1f} s with measurements every 20):")
    print(
        f"   V(G, D*) from samples {latest['value_optimal']:.3f}, -log 4 + 2 JSD {latest['bound']:.3f}, "
        f"V(G, D) trained {latest['value_learned']:.3f}, JSD {latest['jsd']:.3f}"
    )
    before = distance_to_optimum(session.snapshot.pictures["GAN"])
    session.handle("panel", ("b", None))
    print(f"   (b) mean |D - D*|: {before:.3f} -> {distance_to_optimum(session.snapshot.pictures['GAN']):.3f}")
    old = session.snapshot.pictures["GAN"].g_of_z
    session.handle("panel", ("c", 1))
    print(f"   (c) one G update moved G(z) by {np.abs(session.snapshot.pictures['GAN'].g_of_z - old).mean():.3f}")
    for press in range(1, 4):
        session.handle("panel", ("d", None))
        picture = session.snapshot.pictures["GAN"]
        print(
            f"   (d) press {press}: mean |D - 1/2| {deviation_from_half(picture):.3f}, "
            f"JSD {session.snapshot.latest['GAN']['jsd']:.3f}"
        )
    for section, iterations, config in (("losses", 300, {}), ("k", 600, {})):
        session, seconds = played(section, iterations, **config)
        print(f"{'2' if section == 'losses' else '3'}. {section}, {iterations} iterations ({seconds:.1f} s):")
        for name, columns in session.histories.items():
            norms = columns["g_gradient_norm"]
            print(
                f"   {name:16s} W1 {columns['w1'][-1]:.3f}, mean G gradient norm {np.mean(norms[5:]):.1e}, "
                f"last {norms[-1]:.1e}, D accuracy {columns['d_accuracy'][-1]:.2f}"
            )
    session = TheorySession(TheoryConfig(section="wgan"))
    started = time.perf_counter()
    session.handle("judges_only", 300)
    print(f"4. wgan, 300 judge updates with G held ({time.perf_counter() - started:.1f} s):")
    for name, latest in session.snapshot.latest.items():
        estimate = latest.get("critic_estimate")
        print(
            f"   {name:26s} slope at the fakes {latest['d_slope_at_fakes']:.3f}, median |f'| between "
            f"{np.median(session.snapshot.gradient_norms[name]):.3f}"
            + (f", estimate {estimate:.3f} against exact W1 {latest['w1']:.3f}" if estimate is not None else "")
        )


if __name__ == "__main__":
    main()
