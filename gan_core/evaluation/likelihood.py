"""How well a VAE or an auto-encoder explains held-out data, in nats per sample.

For a VAE: the ELBO, E_q[log p(x|z)] - KL(q(z|x) || p(z)), and the importance-weighted bound of
Burda et al. (2016), log (1/k) sum_i p(x, z_i) / q(z_i|x) with z_i ~ q(z|x), which is at least the
ELBO and rises towards log p(x) with k; published VAE figures (e.g. the pythae benchmark's 89.8
nats on binarised MNIST) are such bounds with k in the hundreds or thousands. For an
auto-encoder, which has no q and no p(z), only its reconstruction term -log p(x | encode(x)).

Held-out data: the image set's held-out split, or fresh samples of a 2D distribution (seeded).
"""

from __future__ import annotations

import math

import torch

from ..networks import eval_mode
from ..objectives import likelihoods

IW_SAMPLES = 128  # k of the importance-weighted bound
TOY_HELD_OUT = 2000  # fresh 2D samples scored
HELD_OUT_SEED = 4242
CHUNK = 64  # held-out samples per forward pass (each with k codes)


# Each held-out image is decoded k times: all 359 held-out digits, but the first 64 of the 2,000
# held-out faces (a 32x32 colour decoder is ~50 times the work of an 8x8 one; 64 faces x 128 codes
# take ~1.5 s on one CPU core).
HELD_OUT_MAX = {"faces": 64}


def held_out(trainer) -> tuple[torch.Tensor, torch.Tensor | None]:
    data = trainer.data
    if getattr(data, "is_image", False):
        n = HELD_OUT_MAX.get(data.name, len(data.held_out_images))
        return data.held_out_images[:n], data.held_out_labels[:n]
    return data.sample_batch(TOY_HELD_OUT, torch.Generator().manual_seed(HELD_OUT_SEED))


@torch.no_grad()
def likelihood_bounds(trainer, k: int = IW_SAMPLES, seed: int = 0, limit: int | None = None) -> dict:
    """ELBO and k-sample importance-weighted bound (VAE) or reconstruction term (AE) on held-out
    data, in nats per sample, from the networks being trained (a VAE's encoder and decoder go
    together: no weight average)."""
    objective = trainer.objective
    x_all, labels_all = held_out(trainer)
    if limit is not None:
        x_all, labels_all = x_all[:limit], None if labels_all is None else labels_all[:limit]
    device = trainer.device
    rng = torch.Generator(device=device).manual_seed(seed)
    log_px_sum = kl_sum = elbo_sum = iw_sum = 0.0
    with eval_mode(objective.encoder, objective.generator):
        for start in range(0, len(x_all), CHUNK):
            x = x_all[start : start + CHUNK].to(device)
            labels = None if labels_all is None else labels_all[start : start + CHUNK].to(device)
            mean, log_var = objective.encode(x, labels)
            if not objective.variational:
                log_px_sum += float(objective.log_likelihood(x, objective.decode(mean, labels)).sum())
                continue
            b, d = mean.shape
            noise = torch.randn((k, b, d), generator=rng, device=device)
            z = mean + torch.exp(0.5 * log_var) * noise  # (k, B, d)
            repeated_labels = None if labels is None else labels.repeat(k)
            x_k = x.repeat(k, *([1] * (x.dim() - 1)))
            log_px = objective.log_likelihood(x_k, objective.decode(z.reshape(k * b, d), repeated_labels)).view(k, b)
            log_pz = likelihoods.diagonal_gaussian_log_density(z, torch.zeros_like(z), torch.zeros_like(z))
            log_qz = likelihoods.diagonal_gaussian_log_density(z, mean, log_var)
            log_w = log_px + log_pz - log_qz  # (k, B)
            kl = likelihoods.gaussian_kl_to_standard(mean, log_var)  # closed form (B,)
            log_px_sum += float(log_px.mean(dim=0).sum())
            kl_sum += float(kl.sum())
            elbo_sum += float((log_px.mean(dim=0) - kl).sum())
            iw_sum += float((torch.logsumexp(log_w, dim=0) - math.log(k)).sum())
    n = len(x_all)
    result = {"held_out_samples": n, "reconstruction_nats": -log_px_sum / n}
    if objective.variational:
        result.update({"elbo_nats": elbo_sum / n, "kl_nats": kl_sum / n, "iw_bound_nats": iw_sum / n, "iw_k": k})
    return result
