using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// The first convolution of a network (one input channel). When the input needs a gradient (FGSM),
/// it is computed as unfold + matrix product instead of libtorch's convolution: with libtorch 2.10 on
/// the CPU and more than one thread, the convolution's input gradient for a one-channel 5x5 kernel
/// came out different on every call (measured: 156,800 of 204,800 values differed between two
/// identical calls, up to 20% of the largest gradient), while unfold + matmul is reproducible. Forward
/// values and weight gradients are unaffected, so training and inference use the convolution.
/// </summary>
internal static class FirstLayerConvolution
{
    /// <summary>conv(x) with the module's weight, bias, stride 1 and padding.</summary>
    public static Tensor Forward(Conv2d conv, Tensor input, long kernel, long padding)
    {
        if (!input.requires_grad)
        {
            return conv.forward(input);
        }

        using var scope = NewDisposeScope();
        long n = input.shape[0];
        long outH = input.shape[2] + (2 * padding) - kernel + 1;
        long outW = input.shape[3] + (2 * padding) - kernel + 1;
        var weight = conv.weight!;
        long outChannels = weight.shape[0];
        var columns = nn.functional.unfold(input, kernel, padding: padding); // (N, C*k*k, L)
        var output = weight.reshape(outChannels, -1).matmul(columns); // (N, O, L)
        if (conv.bias is { } bias)
        {
            output = output + bias.reshape(1, outChannels, 1);
        }

        return output.reshape(n, outChannels, outH, outW).MoveToOuterDisposeScope();
    }
}
