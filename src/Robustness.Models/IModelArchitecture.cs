using TorchSharp;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// A named network that classifies one-channel images: the built-in <c>lenet5</c> and <c>alexnet8</c>,
/// or one of yours, registered with <c>AddModelArchitecture</c>.
/// The network takes a float32 batch (N, 1, Height, Width) with pixels in [0, 1] and returns
/// unnormalised class scores (N, ClassCount): the trainer applies the softmax inside the cross-entropy.
/// </summary>
public interface IModelArchitecture
{
    /// <summary>The name used in options, checkpoints and reports (lower case, e.g. "lenet5").</summary>
    string Name { get; }

    /// <summary>A one-line description for reports.</summary>
    string Description { get; }

    /// <summary>
    /// Builds a new network with freshly initialised weights on the CPU. The factory seeds libtorch's
    /// generator before calling this, so use TorchSharp's default initialisation or the global generator.
    /// </summary>
    /// <param name="shape">The input size and number of classes.</param>
    /// <returns>The network.</returns>
    nn.Module<Tensor, Tensor> Create(ImageShape shape);
}
