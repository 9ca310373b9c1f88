"""The variational auto-encoder (Kingma & Welling 2014) and the plain auto-encoder: an encoder
(the discriminator's body of the same architecture) and a decoder that IS the generator network,
so a GAN and a VAE of one architecture differ only in how they are trained.

VAE: the encoder gives the mean m and log-variance of q(z|x); the code is c = exp(log_std) * e + m
with e ~ N(0, I) (the reparameterisation, the notes' c = exp(sigma) e + m), so gradients reach the
encoder; the loss is the negative ELBO, -E_q[log p(x|z)] + beta KL(q(z|x) || N(0, I)), per sample.
AE: the code is the encoder's output itself and the loss is -log p(x|z) alone, so nothing makes
codes between the data's codes decode to anything (the notes' "holes").

One update per iteration trains encoder and decoder together with the generator's optimiser
settings (g_optimizer, g_lr); samples decode codes drawn from the prior N(0, I).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..config import RunConfig
from ..networks import build_encoder, build_generator
from . import likelihoods
from .base import Objective, RandomSources, UpdateGroup

LOG_VAR_BOUNDS = (-12.0, 8.0)  # keeps exp(log_var) finite early in training
LIVE_FIELDS = ("g_lr", "beta", "iterations", "lr_decay_iterations")


class DecoderNoise(nn.Module):
    """The learned per-output log std of a Gaussian decoder (likelihood "gaussian_learned")."""

    def __init__(self, dim: int):
        super().__init__()
        self.log_std = nn.Parameter(torch.zeros(dim))


class AutoEncoderObjective(Objective):
    """Both kinds: `variational` says whether codes are sampled and the KL term counted."""

    live_fields = LIVE_FIELDS
    sampled_network = "generator"

    def __init__(self, config: RunConfig, sources: RandomSources):
        super().__init__(config, sources)
        model = config.model
        self.variational = model.model_kind == "vae"
        self.term_names = ("recon", "kl", "elbo") if self.variational else ("recon",)
        # Built in the GAN's order (G, then the D-shaped encoder) from the caller's seeded generator.
        self.generator = build_generator(config).to(sources.device)
        code = model.noise_dim * (2 if self.variational else 1)
        self.encoder = build_encoder(config, code).to(sources.device)
        if model.likelihood == "gaussian_learned":
            self.decoder_noise = DecoderNoise(config.data.dim).to(sources.device)

    def update_groups(self) -> tuple[UpdateGroup, ...]:
        train = self.config.train
        extra = ("encoder", "decoder_noise") if hasattr(self, "decoder_noise") else ("encoder",)
        return (UpdateGroup("autoencoder", "Step", "generator", "loss", train.g_optimizer, train.g_lr, extra),)

    def schedule(self) -> tuple[tuple[str, int], ...]:
        return (("autoencoder", 1),)

    def divergence_advice(self) -> str:
        return f"Try a lower learning rate (now {self.config.train.g_lr:g}) or a smaller batch."

    # ----- the model ----------------------------------------------------------------------------
    def encode(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(mean, log-variance) of q(z|x) for a VAE; (code, None) for an AE."""
        out = self.encoder(x, labels if self.conditional else None)
        if not self.variational:
            return out, None
        mean, log_var = out.chunk(2, dim=1)
        return mean, log_var.clamp(*LOG_VAR_BOUNDS)

    def decode(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.generator(z, labels if self.conditional else None)

    def log_likelihood(self, x: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
        """log p(x | z) per sample, for the decoder's output on z (B,)."""
        model = self.config.model
        if model.likelihood == "bernoulli":
            return likelihoods.bernoulli_log_likelihood(x, output)
        if model.likelihood == "gaussian_learned":
            return likelihoods.gaussian_log_likelihood(x, output, self.decoder_noise.log_std)
        return likelihoods.gaussian_log_likelihood(x, output, math.log(model.decoder_std))

    def reparameterise(self, mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
        noise = torch.randn(mean.shape, generator=self.sources.noise_rng, device=mean.device)
        return mean + torch.exp(0.5 * log_var) * noise

    # ----- what the trainer asks ------------------------------------------------------------------
    def loss(self, group: str, iteration: int, batches: dict | None = None) -> torch.Tensor:
        x, labels = (batches or {}).get("real") or self.sources.real_batch(self.config.train.batch_size)
        mean, log_var = self.encode(x, labels)
        z = self.reparameterise(mean, log_var) if self.variational else mean
        log_px = self.log_likelihood(x, self.decode(z, labels))
        recon = -log_px.mean()
        if not self.variational:
            self.terms = {"recon": recon.detach()}
            return recon
        kl = likelihoods.gaussian_kl_to_standard(mean, log_var).mean()
        self.terms = {"recon": recon.detach(), "kl": kl.detach(), "elbo": (-recon - kl).detach()}
        return recon + self.config.train.beta * kl
