"""PGD-l2 in PyTorch exactly as src/Robustness.Models/PgdPerturbation.cs iterates it, shared by crosscheck.py and
lenet5_bench.py: steps of step_scale * level / steps along grad / ||grad|| (summed cross-entropy), each followed by
the projection onto the l2 ball of radius `level` around x and onto [0, 1]; an image with a zero gradient does not move."""
import torch
import torch.nn.functional as F


def pgd_iterates(model, x, y, level, steps=20, step_scale=2.5):
    """The PGD iterates x_K for one batch (before any placement at the level)."""
    alpha = step_scale * level / steps
    adv = x.clone()
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = F.cross_entropy(model(adv), y, reduction="sum")
        (grad,) = torch.autograd.grad(loss, adv)
        adv = adv.detach()
        norm = grad.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
        moving = (norm > 0).float()
        adv = adv + moving * alpha * grad / norm.clamp_min(1e-30)
        delta = adv - x
        dnorm = delta.flatten(1).norm(dim=1).view(-1, 1, 1, 1)
        adv = torch.clamp(x + delta * torch.clamp(level / dnorm.clamp_min(1e-30), max=1.0), 0, 1)
    return adv
