using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// A one-input-channel 2-d convolution (stride 1, square kernel, zero padding) for the first layer of a network of your
/// own that you attack: the same forward values, parameters and state-dict names (<c>weight</c> (O, 1, k, k), <c>bias</c>)
/// and initialisation as <c>nn.Conv2d(1, O, k, padding: p)</c>, but inside the attacks (<see cref="ModelGradients"/>) its
/// input gradient comes from a kernel checked against a float64 closed form, because libtorch's is wrong on AVX-512 CPUs
/// (docs/models.md, "First-layer input gradient"). The built-in LeNet-5 and AlexNet-8 use the same path.
/// </summary>
/// <remarks>
/// Use it in place of the first <c>nn.Conv2d</c> when <see cref="ImageClassifier.FromModule"/> refuses a module because
/// its input gradients differ from a float64 copy; weights saved from PyTorch's <c>nn.Conv2d</c> load into it unchanged.
/// </remarks>
public sealed class FirstLayerConv2d : nn.Module<Tensor, Tensor>
{
    private readonly bool _hasBias;

    /// <summary>Creates the layer, initialised as <c>nn.Conv2d</c> is (from libtorch's generator: seed it with <c>torch.manual_seed</c>).</summary>
    /// <param name="outChannels">Output channels, positive.</param>
    /// <param name="kernelSize">The kernel's side, positive.</param>
    /// <param name="padding">Zero padding on each side, &gt;= 0.</param>
    /// <param name="bias">Whether the layer adds a bias per output channel.</param>
    public FirstLayerConv2d(long outChannels, long kernelSize, long padding = 0, bool bias = true)
        : base(nameof(FirstLayerConv2d))
    {
        if (outChannels < 1 || kernelSize < 1 || padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(outChannels), string.Create(CultureInfo.InvariantCulture,
                $"A first layer needs outChannels >= 1, kernelSize >= 1 and padding >= 0; got {outChannels}, {kernelSize}, {padding}."));
        }

        OutChannels = outChannels;
        KernelSize = kernelSize;
        Padding = padding;
        _hasBias = bias;
        using var template = nn.Conv2d(1, outChannels, kernelSize, padding: padding, bias: bias);
        register_parameter("weight", new Parameter(template.weight!.detach().clone()));
        if (bias)
        {
            register_parameter("bias", new Parameter(template.bias!.detach().clone()));
        }
    }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>The kernel's side.</summary>
    public long KernelSize { get; }

    /// <summary>Zero padding on each side.</summary>
    public long Padding { get; }

    /// <summary>The weights, (OutChannels, 1, KernelSize, KernelSize).</summary>
    public Parameter Weight => get_parameter("weight")!;

    /// <summary>The bias, (OutChannels), or null without one.</summary>
    public Parameter? Bias => _hasBias ? get_parameter("bias") : null;

    /// <summary>conv2d(input, weight, bias) with stride 1 and the padding; input (N, 1, H, W).</summary>
    /// <param name="input">The images.</param>
    /// <returns>(N, OutChannels, H + 2p - k + 1, W + 2p - k + 1).</returns>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.shape[1] != 1)
        {
            throw new ArgumentException($"FirstLayerConv2d takes (N, 1, H, W) images; got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }

        return FirstLayerConvolution.Forward(Weight, Bias, input, KernelSize, Padding);
    }
}
