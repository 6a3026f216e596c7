"""PyTorch definitions of the Robustness architectures, with the parameter names of the state_dict
files that `robustness model export` writes and `robustness model import` reads (docs/models.md,
"PyTorch interop"). Layer for layer the same networks as src/Robustness.Models/LeNet5.cs and
AlexNet8.cs; inputs are float32 (N, 1, H, W) with pixels in [0, 1], outputs unnormalised scores.

    import torch, models
    net = models.create("lenet5")
    net.load_state_dict(torch.load("lenet5.pt"))
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    """Bilinear resize to 32x32, conv 6@5x5, ReLU, max pool 2, conv 16@5x5, ReLU, max pool 2, fc 120, fc 84, fc classes."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)

    def forward(self, x):
        if x.shape[2] != 32 or x.shape[3] != 32:
            x = F.interpolate(x, size=(32, 32), mode="bilinear", align_corners=False)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class AlexNet8(nn.Module):
    """Five 3x3 convolutions (32, 96, 192, 128, 128; pools after 1, 2 and 5) and three fc layers (512, 256, classes) with dropout 0.5."""

    def __init__(self, classes=10, height=28, width=28):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 96, 3, padding=1)
        self.conv3 = nn.Conv2d(96, 192, 3, padding=1)
        self.conv4 = nn.Conv2d(192, 128, 3, padding=1)
        self.conv5 = nn.Conv2d(128, 128, 3, padding=1)
        self.fc1 = nn.Linear(128 * (height // 8) * (width // 8), 512)
        self.fc2 = nn.Linear(512, 256)
        self.fc3 = nn.Linear(256, classes)
        self.drop1 = nn.Dropout(0.5)
        self.drop2 = nn.Dropout(0.5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.conv3(x))
        x = F.relu(self.conv4(x))
        x = F.max_pool2d(F.relu(self.conv5(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(self.drop1(x)))
        x = F.relu(self.fc2(self.drop2(x)))
        return self.fc3(x)


def create(architecture, classes=10, height=28, width=28):
    """The network of an architecture name: lenet5 or alexnet8."""
    if architecture == "lenet5":
        return LeNet5(classes)
    if architecture == "alexnet8":
        return AlexNet8(classes, height, width)
    raise ValueError(f"unknown architecture {architecture!r}: expected lenet5 or alexnet8")
