using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>The ways the first convolution's input gradient can be computed, fastest first.</summary>
internal enum InputGradientKernel
{
    /// <summary>conv2d of the output gradient with the spatially flipped, transposed weights (padding k - 1 - p).</summary>
    FlippedConvolution,

    /// <summary>Weights^T x output gradient (a matrix product), then fold (col2im).</summary>
    MatmulFold,

    /// <summary>conv_transpose2d in float64, rounded to float32.</summary>
    TransposedFloat64,
}

/// <summary>The shape of a one-input-channel first convolution: O@kxk, padding p, on H x W inputs, stride 1.</summary>
internal readonly record struct FirstLayerGeometry(long OutChannels, long Kernel, long Padding, long Height, long Width)
{
    public long OutHeight => Height + (2 * Padding) - Kernel + 1;

    public long OutWidth => Width + (2 * Padding) - Kernel + 1;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{OutChannels}@{Kernel}x{Kernel} pad {Padding} on {Height}x{Width}");
}

/// <summary>
/// Chooses, once per geometry, device and thread count, the first kernel (in <see cref="InputGradientKernel"/> order)
/// whose input gradient agrees with a float64 closed form on a small seeded batch, and computes input gradients with it.
/// A kernel that disagrees is logged once and passed over; when none agrees, attacks are refused with an
/// <see cref="InvalidOperationException"/> rather than run on wrong gradients. docs/models.md, "First-layer input gradient".
/// </summary>
internal static class FirstLayerKernels
{
    /// <summary>
    /// Images in the self-check batch. Every candidate runs on the first <see cref="SmallCheckBatch"/> images and on all of
    /// them, since native libraries choose kernels by shape: libtorch's own kernel passed 16 images of the AlexNet-8 geometry
    /// here and failed 64 (measured).
    /// </summary>
    public const int CheckBatch = 64;

    /// <summary>The small batch every candidate also runs on.</summary>
    public const int SmallCheckBatch = 3;

    /// <summary>Largest |kernel - float64 reference| allowed, relative to the reference's largest |value| (float32 gives ~5e-7).</summary>
    public const double Tolerance = 1e-4;

    private const int CheckSeed = 20261205;

    private static readonly ConcurrentDictionary<(FirstLayerGeometry Geometry, string Device, int Threads), KernelCheckResult> _checks = new();
    private static readonly Lock _checkLock = new();
    private static ILogger? _logger;

    /// <summary>Every check run in this process, in the order they ran.</summary>
    public static IReadOnlyList<KernelCheckResult> Results => [.. _checks.Values.OrderBy(r => r.Sequence)];

    /// <summary>Where fallbacks and refusals are logged (the first factory built from DI sets it).</summary>
    public static void UseLogger(ILogger? logger)
    {
        if (logger is not null)
        {
            Interlocked.CompareExchange(ref _logger, logger, null);
        }
    }

    /// <summary>The checked kernel for a geometry on a device at the current thread count (checks on first use).</summary>
    /// <exception cref="InvalidOperationException">No kernel agrees with the float64 reference here.</exception>
    public static InputGradientKernel Select(FirstLayerGeometry geometry, Device device)
    {
        KernelCheckResult result = Check(geometry, device);
        return result.Passed
            ? Enum.Parse<InputGradientKernel>(result.Chosen!)
            : throw new InvalidOperationException(RefusalMessage(result));
    }

    /// <summary>The check of a geometry on a device at the current thread count, run once and remembered.</summary>
    public static KernelCheckResult Check(FirstLayerGeometry geometry, Device device)
    {
        var key = (geometry, device.ToString(), get_num_threads());
        if (_checks.TryGetValue(key, out var known))
        {
            return known;
        }

        lock (_checkLock)
        {
            if (_checks.TryGetValue(key, out known))
            {
                return known;
            }

            var result = Evaluate(geometry, device, DefaultCandidates) with { Sequence = _checks.Count };
            _checks[key] = result;
            Log(result);
            return result;
        }
    }

    /// <summary>The default candidates, fastest first.</summary>
    public static IReadOnlyList<(string Name, Func<Tensor, Tensor, FirstLayerGeometry, Tensor> Compute)> DefaultCandidates { get; } =
        [.. Enum.GetValues<InputGradientKernel>().Select(k => (k.ToString(), (Func<Tensor, Tensor, FirstLayerGeometry, Tensor>)((g, w, geo) => InputGradient(k, g, w, geo.Padding, geo.Height, geo.Width))))];

    /// <summary>
    /// Runs candidates in order on seeded batches (output gradients and weights uniform in [-1, 1]) and stops at the first
    /// within <see cref="Tolerance"/> of the float64 closed form; NaN or infinity fails.
    /// </summary>
    public static KernelCheckResult Evaluate(FirstLayerGeometry geometry, Device device, IReadOnlyList<(string Name, Func<Tensor, Tensor, FirstLayerGeometry, Tensor> Compute)> candidates)
    {
        var random = new Random(CheckSeed);
        int o = checked((int)geometry.OutChannels);
        int k = checked((int)geometry.Kernel);
        int outH = checked((int)geometry.OutHeight);
        int outW = checked((int)geometry.OutWidth);
        float[] gradOutput = new float[CheckBatch * o * outH * outW];
        float[] weight = new float[o * k * k];
        for (int i = 0; i < gradOutput.Length; i++)
        {
            gradOutput[i] = (float)((random.NextDouble() * 2) - 1);
        }

        for (int i = 0; i < weight.Length; i++)
        {
            weight[i] = (float)((random.NextDouble() * 2) - 1);
        }

        double[] reference = ClosedForm(gradOutput, weight, geometry, CheckBatch);
        double largest = 0;
        foreach (double r in reference)
        {
            largest = Math.Max(largest, Math.Abs(r));
        }

        var attempts = new List<KernelAttempt>();
        string? chosen = null;
        using (no_grad())
        {
            foreach (var (name, compute) in candidates)
            {
                double error = 0;
                foreach (int batch in new[] { SmallCheckBatch, CheckBatch })
                {
                    using var scope = NewDisposeScope();
                    var g = tensor(gradOutput.AsSpan(0, batch * o * outH * outW).ToArray(), [batch, o, outH, outW]).to(device);
                    var w = tensor(weight, [o, 1, k, k]).to(device);
                    float[] got = compute(g, w, geometry).to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
                    error = Math.Max(error, RelativeError(got, reference.AsSpan(0, batch * (int)(geometry.Height * geometry.Width)), largest));
                }

                bool passed = error <= Tolerance;
                attempts.Add(new KernelAttempt(name, error, passed));
                if (passed)
                {
                    chosen = name;
                    break;
                }
            }
        }

        return new KernelCheckResult("first-layer input gradient", geometry.ToString(), device.ToString(), get_num_threads(), chosen, attempts);
    }

    /// <summary>
    /// For diagnosis only (never used for attacks): how far libtorch's own float32 input gradient, conv_transpose2d (the
    /// kernel autograd's convolution backward uses too), is from the closed form on the self-check batch.
    /// </summary>
    public static KernelAttempt ProbeLibtorch(FirstLayerGeometry geometry, Device device)
    {
        var result = Evaluate(geometry, device,
        [
            ("libtorch conv_transpose2d (float32)", (g, w, geo) => nn.functional.conv_transpose2d(g, w, padding: [geo.Padding, geo.Padding])),
        ]);
        return result.Attempts[0];
    }

    /// <summary>dL/dx of y = conv2d(x, w, padding) given dL/dy, by one kernel; (N, 1, H, W) float32.</summary>
    public static Tensor InputGradient(InputGradientKernel kernel, Tensor gradOutput, Tensor weight, long padding, long height, long width)
    {
        using var scope = NewDisposeScope();
        long o = weight.shape[0];
        long k = weight.shape[2];
        Tensor result = kernel switch
        {
            InputGradientKernel.FlippedConvolution =>
                nn.functional.conv2d(gradOutput, weight.flip(2, 3).transpose(0, 1).contiguous(), padding: [k - 1 - padding, k - 1 - padding]),
            InputGradientKernel.MatmulFold =>
                nn.functional.fold(
                    weight.reshape(o, k * k).t().matmul(gradOutput.reshape(gradOutput.shape[0], o, -1)),
                    (height, width), (k, k), padding: (padding, padding)),
            InputGradientKernel.TransposedFloat64 =>
                nn.functional.conv_transpose2d(gradOutput.to(ScalarType.Float64), weight.to(ScalarType.Float64), padding: [padding, padding]).to(gradOutput.dtype),
            _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, null),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The float64 closed form: dL/dx[b, i, j] = sum over o, u, v of dL/dy[b, o, i + p - u, j + p - v] * w[o, u, v], for the
    /// output positions that exist.
    /// </summary>
    public static double[] ClosedForm(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> weight, FirstLayerGeometry geometry, int batch)
    {
        int o = (int)geometry.OutChannels;
        int k = (int)geometry.Kernel;
        int p = (int)geometry.Padding;
        int h = (int)geometry.Height;
        int w = (int)geometry.Width;
        int outH = (int)geometry.OutHeight;
        int outW = (int)geometry.OutWidth;
        var result = new double[batch * h * w];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    double sum = 0;
                    for (int c = 0; c < o; c++)
                    {
                        for (int u = 0; u < k; u++)
                        {
                            int oi = i + p - u;
                            if (oi < 0 || oi >= outH)
                            {
                                continue;
                            }

                            for (int v = 0; v < k; v++)
                            {
                                int oj = j + p - v;
                                if (oj >= 0 && oj < outW)
                                {
                                    sum += (double)gradOutput[(((b * o) + c) * outH + oi) * outW + oj] * weight[(((c * k) + u) * k) + v];
                                }
                            }
                        }
                    }

                    result[(((b * h) + i) * w) + j] = sum;
                }
            }
        }

        return result;
    }

    /// <summary>max |got - reference| / max |reference|; infinity for a NaN or infinite value.</summary>
    public static double RelativeError(ReadOnlySpan<float> got, ReadOnlySpan<double> reference, double largest)
    {
        if (got.Length != reference.Length)
        {
            return double.PositiveInfinity;
        }

        double worst = 0;
        for (int i = 0; i < got.Length; i++)
        {
            if (!float.IsFinite(got[i]))
            {
                return double.PositiveInfinity;
            }

            worst = Math.Max(worst, Math.Abs(got[i] - reference[i]));
        }

        return largest > 0 ? worst / largest : worst;
    }

    private static string RefusalMessage(KernelCheckResult result) => string.Create(CultureInfo.InvariantCulture,
        $"No kernel computes the first convolution's input gradient correctly on this machine ({result.Geometry}, {result.Device}, {result.Threads} threads): {string.Join("; ", result.Attempts.Select(a => $"{a.Kernel} off by {a.MaxRelativeError:G3} of the largest value"))} (tolerance {Tolerance:G}). Attacks are refused rather than run on wrong gradients; 'robustness doctor' shows the checks.");

    private static void Log(KernelCheckResult result)
    {
        ILogger? logger = Volatile.Read(ref _logger);
        if (logger is null)
        {
            return;
        }

        if (!result.Passed)
        {
            logger.LogError("{Message}", RefusalMessage(result));
        }
        else if (result.Attempts.Count > 1)
        {
            logger.LogWarning(
                "First-layer input gradient ({Geometry}, {Device}, {Threads} threads): {Failed} disagreed with the float64 reference on this CPU; using {Chosen} (checked, max relative error {Error:G3}).",
                result.Geometry, result.Device, result.Threads,
                string.Join(", ", result.Attempts.Where(a => !a.Passed).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Kernel} (off by {a.MaxRelativeError:G3})"))),
                result.Chosen, result.Attempts[^1].MaxRelativeError);
        }
        else
        {
            logger.LogDebug("First-layer input gradient ({Geometry}, {Device}, {Threads} threads): {Chosen} agrees with the float64 reference (max relative error {Error:G3}).",
                result.Geometry, result.Device, result.Threads, result.Chosen, result.Attempts[0].MaxRelativeError);
        }
    }
}
