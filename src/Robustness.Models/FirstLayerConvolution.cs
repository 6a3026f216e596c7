using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// The first convolution of a network (one input channel), with an input gradient that is right on every CPU.
/// libtorch 2.10's CPU input gradient of a one-input-channel convolution (oneDNN's deconvolution kernel, used by
/// <c>conv_transpose2d</c> and by autograd's convolution backward alike) is wrong on AVX-512 machines: measured on an
/// AMD EPYC (family 26), 65-87% of the largest value off at 1 thread and 13-30% (sometimes NaN) at 2 threads, while
/// forward values and weight gradients are right. So when the input needs a gradient:
/// <list type="bullet">
/// <item>inside <see cref="InputGradientsOnly"/> (every <see cref="ModelGradients"/> call, i.e. every attack): libtorch's
/// convolution forward - the same values as without gradients and as PyTorch's - in a custom autograd function whose
/// input gradient is computed by the kernel that <see cref="FirstLayerKernels"/> selected for this geometry, device and
/// thread count after checking it against a float64 closed form (docs/models.md, "First-layer input gradient");
/// the weights are passed detached, so no weight gradient is formed;</item>
/// <item>otherwise (a user's own graph that may also want weight gradients): unfold + matrix product, whose backward
/// (matrix products and fold) is right, and differentiable in everything.</item>
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
    public static Tensor Forward(Conv2d conv, Tensor input, long kernel, long padding) =>
        input.requires_grad ? Forward(conv.weight!, conv.bias, input, kernel, padding) : conv.forward(input);

    /// <summary>conv(x) with a one-input-channel weight (O, 1, k, k), an optional bias, stride 1 and padding.</summary>
    public static Tensor Forward(Tensor weight, Tensor? bias, Tensor input, long kernel, long padding)
    {
        if (!input.requires_grad)
        {
            return nn.functional.conv2d(input, weight, bias, padding: [padding, padding]);
        }

        if (_inputGradientsOnly > 0)
        {
            var detached = weight.detach();
            var geometry = new FirstLayerGeometry(detached.shape[0], kernel, padding, input.shape[2], input.shape[3]);
            InputGradientKernel chosen = FirstLayerKernels.Select(geometry, input.device);
            var zeroBias = bias is null ? zeros(detached.shape[0], dtype: detached.dtype, device: detached.device) : null;
            return CheckedInputGradient.apply(input, detached, bias?.detach() ?? zeroBias!, padding, chosen);
        }

        using var scope = NewDisposeScope();
        long n = input.shape[0];
        long outH = input.shape[2] + (2 * padding) - kernel + 1;
        long outW = input.shape[3] + (2 * padding) - kernel + 1;
        long outChannels = weight.shape[0];
        var columns = nn.functional.unfold(input, kernel, padding: padding); // (N, C*k*k, L)
        var output = weight.reshape(outChannels, -1).matmul(columns); // (N, O, L)
        if (bias is not null)
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

    /// <summary>y = conv2d(x, w, b) forward; dL/dx by the selected, checked kernel backward; no gradient for w and b.</summary>
    private sealed class CheckedInputGradient : autograd.SingleTensorFunction<CheckedInputGradient>
    {
        public override string Name => nameof(CheckedInputGradient);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            var weight = (Tensor)vars[1];
            var bias = (Tensor)vars[2];
            long padding = (long)vars[3];
            ctx.save_for_backward([weight]);
            ctx.save_data("padding", padding);
            ctx.save_data("kernel", vars[4]);
            ctx.save_data("height", input.shape[2]);
            ctx.save_data("width", input.shape[3]);
            return nn.functional.conv2d(input, weight, bias, padding: [padding, padding]);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var weight = ctx.get_saved_variables()[0];
            long padding = (long)ctx.get_data("padding")!;
            var kernel = (InputGradientKernel)ctx.get_data("kernel")!;
            long height = (long)ctx.get_data("height")!;
            long width = (long)ctx.get_data("width")!;
            var gradInput = FirstLayerKernels.InputGradient(kernel, grad_output, weight, padding, height, width);
            return [gradInput, null!, null!, null!, null!];
        }
    }
}
