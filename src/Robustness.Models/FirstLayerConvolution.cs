using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// The first convolution of a network (one input channel), with a deterministic input gradient.
/// libtorch 2.10's CPU convolution computes the input gradient of a one-channel 5x5 kernel differently on every call
/// with more than one thread (measured: 156,800 of 204,800 values differed between two identical calls, up to 20% of
/// the largest gradient), while forward values and weight gradients are unaffected. So when the input needs a gradient:
/// <list type="bullet">
/// <item>inside <see cref="InputGradientsOnly"/> (every <see cref="ModelGradients"/> call, i.e. every attack): libtorch's
/// convolution forward - the same values as without gradients and as PyTorch's - in a custom autograd function whose
/// input gradient is a transposed convolution with the same weights (docs/models.md, "Deterministic first-layer
/// gradient"); the weights are passed detached, so no weight gradient is formed;</item>
/// <item>otherwise (a user's own graph that may also want weight gradients): unfold + matrix product, reproducible and
/// differentiable in everything.</item>
/// </list>
/// Training and inference (no input gradient) use the convolution directly.
/// </summary>
internal static class FirstLayerConvolution
{
    [ThreadStatic]
    private static int _inputGradientsOnly;

    /// <summary>Marks the current thread's forward passes as input-gradient only until disposed (nests).</summary>
    public static InputGradientScope InputGradientsOnly() => new();

    /// <summary>conv(x) with the module's weight, bias, stride 1 and padding.</summary>
    public static Tensor Forward(Conv2d conv, Tensor input, long kernel, long padding)
    {
        if (!input.requires_grad)
        {
            return conv.forward(input);
        }

        if (_inputGradientsOnly > 0)
        {
            return TransposedInputGradient.apply(input, conv.weight!.detach(), conv.bias!.detach(), padding);
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

    /// <summary>The scope of <see cref="InputGradientsOnly"/>.</summary>
    internal readonly struct InputGradientScope : IDisposable
    {
        private readonly bool _active;

        public InputGradientScope()
        {
            _active = true;
            _inputGradientsOnly++;
        }

        public void Dispose()
        {
            if (_active)
            {
                _inputGradientsOnly--;
            }
        }
    }

    /// <summary>y = conv2d(x, w, b) forward; dL/dx = conv_transpose2d(dL/dy, w) backward; no gradient for w and b.</summary>
    private sealed class TransposedInputGradient : autograd.SingleTensorFunction<TransposedInputGradient>
    {
        public override string Name => nameof(TransposedInputGradient);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            var weight = (Tensor)vars[1];
            var bias = (Tensor)vars[2];
            long padding = (long)vars[3];
            ctx.save_for_backward([weight]);
            ctx.save_data("padding", padding);
            return nn.functional.conv2d(input, weight, bias, padding: [padding, padding]);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var weight = ctx.get_saved_variables()[0];
            long padding = (long)ctx.get_data("padding")!;
            var gradInput = nn.functional.conv_transpose2d(grad_output, weight, padding: [padding, padding]);
            return [gradInput, null!, null!, null!];
        }
    }
}
