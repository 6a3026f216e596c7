using System.Globalization;
using Robustness.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Robustness.Models;

/// <summary>
/// The gradient surface of a model, for attacks of the library's and of its users: batched class
/// scores (logits) and per-image input gradients of a loss, computed on the model's device in
/// batches, with plain float arrays in and out (no TorchSharp type in the signatures).
/// </summary>
/// <remarks>
/// <para>Images are flat float32 pixels in [0, 1], image after image (count x PixelsPerImage), as
/// <see cref="ImageSet.CopyPixelsTo"/> writes them; labels and classes are one int per image. Every call runs the
/// network in evaluation mode, asks for gradients with respect to the input only (parameters get no
/// gradient and no graph outlives the call), and restores the model's train/eval mode afterwards.</para>
/// <para>Losses are per image and summed over the batch, so the gradient of image i is exactly the
/// gradient of its own loss (no 1/n factor). On the CPU every value is deterministic for a fixed
/// libtorch thread count. The first convolution's input gradient does not use libtorch's kernel, which is wrong on
/// AVX-512 CPUs, but one checked against a float64 closed form on first use; no kernel passing means an
/// <see cref="InvalidOperationException"/> (docs/models.md, "First-layer input gradient"). A network the library did not
/// build (a registered architecture of yours, <see cref="ImageClassifier.FromModule"/>) is compared with a float64 copy of
/// itself once, when the first surface over it is created, and refused with the same exception when they differ.</para>
/// <para>Not thread-safe: it drives one model, like <see cref="ImageClassifier"/>.</para>
/// </remarks>
public sealed class ModelGradients
{
    private readonly ImageClassifier _model;

    /// <summary>Creates the surface over a model.</summary>
    /// <param name="model">The model (not disposed by this class).</param>
    /// <param name="batchSize">Images per forward and backward pass, positive; default 500.</param>
    public ModelGradients(ImageClassifier model, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelOptions.CheckPositive(batchSize, nameof(batchSize));
        _model = model;
        BatchSize = batchSize;
        model.EnsureGradientsChecked();
    }

    /// <summary>The model.</summary>
    public ImageClassifier Model => _model;

    /// <summary>Images per forward and backward pass.</summary>
    public int BatchSize { get; }

    /// <summary>Pixels per image the model takes.</summary>
    public int PixelsPerImage => _model.InputShape.Height * _model.InputShape.Width;

    /// <summary>Classes the model scores.</summary>
    public int ClassCount => _model.InputShape.ClassCount;

    /// <summary>The class scores of every image (no gradient).</summary>
    /// <param name="images">count x PixelsPerImage pixels.</param>
    /// <param name="logits">Receives count x ClassCount scores.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    public void Logits(ReadOnlySpan<float> images, Span<float> logits, CancellationToken cancellationToken = default)
    {
        int count = CountOf(images);
        CheckLength(logits, (long)count * ClassCount, nameof(logits));
        var module = _model.Module;
        using var pass = new Pass(module, inputGradients: false);
        for (int start = 0; start < count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(BatchSize, count - start);
            using var scope = NewDisposeScope();
            var x = Input(images, start, n, requiresGrad: false);
            CopyOut(module.forward(x), logits, start * ClassCount, n * ClassCount);
        }
    }

    /// <summary>The predicted class (largest score, first on ties) of every image.</summary>
    /// <param name="images">count x PixelsPerImage pixels.</param>
    /// <param name="predictions">Receives one class per image.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    public void Predict(ReadOnlySpan<float> images, Span<int> predictions, CancellationToken cancellationToken = default)
    {
        int count = CountOf(images);
        CheckLength(predictions, count, nameof(predictions));
        var module = _model.Module;
        using var pass = new Pass(module, inputGradients: false);
        for (int start = 0; start < count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(BatchSize, count - start);
            using var scope = NewDisposeScope();
            var x = Input(images, start, n, requiresGrad: false);
            var predicted = module.forward(x).argmax(1).to_type(ScalarType.Int32).cpu();
            using var access = predicted.data<int>();
            access.CopyTo(predictions.Slice(start, n));
        }
    }

    /// <summary>
    /// The input gradient of each image's cross-entropy loss against its label,
    /// grad_x [-log softmax(z(x))_y], and optionally the scores at x.
    /// </summary>
    /// <param name="images">count x PixelsPerImage pixels.</param>
    /// <param name="labels">One label per image, in [0, ClassCount).</param>
    /// <param name="gradients">Receives count x PixelsPerImage values.</param>
    /// <param name="logits">Receives count x ClassCount scores, or empty to skip them.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    public void CrossEntropyGradient(ReadOnlySpan<float> images, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> logits = default, CancellationToken cancellationToken = default)
    {
        int count = CountOf(images);
        CheckLabels(labels, count, nameof(labels));
        CheckLength(gradients, (long)count * PixelsPerImage, nameof(gradients));
        bool wantLogits = !logits.IsEmpty;
        if (wantLogits)
        {
            CheckLength(logits, (long)count * ClassCount, nameof(logits));
        }

        var module = _model.Module;
        using var pass = new Pass(module, inputGradients: true);
        int ppi = PixelsPerImage;
        for (int start = 0; start < count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(BatchSize, count - start);
            using var scope = NewDisposeScope();
            var x = Input(images, start, n, requiresGrad: true);
            var y = Classes(labels.Slice(start, n));
            var z = module.forward(x);
            var loss = nn.functional.cross_entropy(z, y, reduction: nn.Reduction.Sum);
            var g = autograd.grad([loss], [x])[0];
            CopyOut(g, gradients, start * ppi, n * ppi);
            if (wantLogits)
            {
                CopyOut(z.detach(), logits, start * ClassCount, n * ClassCount);
            }
        }
    }

    /// <summary>The cross-entropy input gradient of every image of a set against its own label (see the span overload).</summary>
    /// <param name="images">The images with their labels; the shape must match the model's.</param>
    /// <param name="gradients">Receives Count x PixelsPerImage values.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    public void CrossEntropyGradient(ImageSet images, Span<float> gradients, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        _model.InputShape.CheckSet(images, nameof(images));
        int ppi = PixelsPerImage;
        CheckLength(gradients, (long)images.Count * ppi, nameof(gradients));
        var buffer = GC.AllocateUninitializedArray<float>(Math.Min(BatchSize, Math.Max(images.Count, 1)) * ppi);
        for (int start = 0; start < images.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, images.Count - start);
            for (int i = 0; i < n; i++)
            {
                images.GetImage(start + i).CopyTo(buffer.AsSpan(i * ppi, ppi));
            }

            CrossEntropyGradient(buffer.AsSpan(0, n * ppi), images.Labels.Slice(start, n), gradients.Slice(start * ppi, n * ppi), cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// The input gradient of a class margin per image, grad_x [z_a(x) - z_b(x)] with a = positive[i] and
    /// b = negative[i], and the margins themselves. DeepFool-style attacks use it with a = a rival class and
    /// b = the true class: the image is misclassified once some margin is positive.
    /// </summary>
    /// <param name="images">count x PixelsPerImage pixels.</param>
    /// <param name="positive">The class whose score counts positively, one per image.</param>
    /// <param name="negative">The class whose score counts negatively, one per image.</param>
    /// <param name="gradients">Receives count x PixelsPerImage values.</param>
    /// <param name="margins">Receives one margin per image, or empty to skip them.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    public void MarginGradient(ReadOnlySpan<float> images, ReadOnlySpan<int> positive, ReadOnlySpan<int> negative, Span<float> gradients, Span<float> margins = default, CancellationToken cancellationToken = default)
    {
        int count = CountOf(images);
        CheckLabels(positive, count, nameof(positive));
        CheckLabels(negative, count, nameof(negative));
        CheckLength(gradients, (long)count * PixelsPerImage, nameof(gradients));
        bool wantMargins = !margins.IsEmpty;
        if (wantMargins)
        {
            CheckLength(margins, count, nameof(margins));
        }

        var module = _model.Module;
        using var pass = new Pass(module, inputGradients: true);
        int ppi = PixelsPerImage;
        for (int start = 0; start < count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(BatchSize, count - start);
            using var scope = NewDisposeScope();
            var x = Input(images, start, n, requiresGrad: true);
            var z = module.forward(x);
            var a = z.gather(1, Classes(positive.Slice(start, n)).unsqueeze(1)).squeeze(1);
            var b = z.gather(1, Classes(negative.Slice(start, n)).unsqueeze(1)).squeeze(1);
            var margin = a - b;
            var g = autograd.grad([margin.sum()], [x])[0];
            CopyOut(g, gradients, start * ppi, n * ppi);
            if (wantMargins)
            {
                CopyOut(margin.detach(), margins, start, n);
            }
        }
    }

    /// <summary>
    /// The input gradient of every class score of every image (one forward pass and ClassCount backward
    /// passes per batch), and the scores: gradients[(i * ClassCount + k) * PixelsPerImage + p] = d z_k(x_i) / d x_i[p].
    /// </summary>
    /// <param name="images">count x PixelsPerImage pixels.</param>
    /// <param name="gradients">Receives count x ClassCount x PixelsPerImage values.</param>
    /// <param name="logits">Receives count x ClassCount scores.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    public void ScoreGradients(ReadOnlySpan<float> images, Span<float> gradients, Span<float> logits, CancellationToken cancellationToken = default)
    {
        int count = CountOf(images);
        int classes = ClassCount;
        int ppi = PixelsPerImage;
        CheckLength(gradients, (long)count * classes * ppi, nameof(gradients));
        CheckLength(logits, (long)count * classes, nameof(logits));
        var module = _model.Module;
        using var pass = new Pass(module, inputGradients: true);
        for (int start = 0; start < count; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(BatchSize, count - start);
            using var scope = NewDisposeScope();
            var x = Input(images, start, n, requiresGrad: true);
            var z = module.forward(x);
            var perClass = new Tensor[classes];
            for (int k = 0; k < classes; k++)
            {
                perClass[k] = autograd.grad([z.select(1, k).sum()], [x], retain_graph: k < classes - 1)[0].reshape(n, 1, ppi);
            }

            CopyOut(cat(perClass, 1), gradients, start * classes * ppi, n * classes * ppi);
            CopyOut(z.detach(), logits, start * classes, n * classes);
        }
    }

    /// <summary>The number of images in a flat pixel span, checked.</summary>
    /// <param name="images">count x PixelsPerImage pixels.</param>
    /// <returns>count.</returns>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="PixelsPerImage"/>.</exception>
    public int CountOf(ReadOnlySpan<float> images)
    {
        int ppi = PixelsPerImage;
        if (images.Length % ppi != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"images holds {images.Length:N0} values, not a whole number of {_model.InputShape.Height}x{_model.InputShape.Width} images ({ppi} pixels each)."), nameof(images));
        }

        return images.Length / ppi;
    }

    /// <summary>
    /// One call's setup, undone on dispose: evaluation mode (the earlier mode restored), gradients on or off, and for
    /// input gradients the first layer's deterministic input-gradient path.
    /// </summary>
    private readonly struct Pass : IDisposable
    {
        private readonly EvaluationMode _mode;
        private readonly IDisposable _gradientMode;
        private readonly FirstLayerConvolution.InputGradientScope _inputOnly;

        public Pass(nn.Module module, bool inputGradients)
        {
            _mode = new EvaluationMode(module);
            _gradientMode = inputGradients ? enable_grad() : no_grad();
            _inputOnly = inputGradients ? FirstLayerConvolution.InputGradientsOnly() : default;
        }

        public void Dispose()
        {
            _inputOnly.Dispose(); // a default scope (no input gradients) does nothing
            _gradientMode.Dispose();
            _mode.Dispose();
        }
    }

    private Tensor Input(ReadOnlySpan<float> images, int start, int count, bool requiresGrad)
    {
        var shape = _model.InputShape;
        int ppi = PixelsPerImage;
        var cpu = empty([count, 1, shape.Height, shape.Width], ScalarType.Float32);
        using (var access = cpu.data<float>())
        {
            access.CopyFrom(images.Slice(start * ppi, count * ppi), 0, 0);
        }

        var x = ImageTensors.OnDevice(cpu, _model.TorchDevice);
        return requiresGrad ? x.requires_grad_(true) : x;
    }

    private Tensor Classes(ReadOnlySpan<int> classes)
    {
        var cpu = empty([classes.Length], ScalarType.Int64);
        using (var access = cpu.data<long>())
        {
            for (int i = 0; i < classes.Length; i++)
            {
                access[i] = classes[i];
            }
        }

        return ImageTensors.OnDevice(cpu, _model.TorchDevice);
    }

    private static void CopyOut(Tensor values, Span<float> destination, int offset, int length)
    {
        var cpu = values.contiguous().cpu();
        using var access = cpu.data<float>();
        access.CopyTo(destination.Slice(offset, length));
    }

    private void CheckLabels(ReadOnlySpan<int> labels, int count, string name)
    {
        CheckLength(labels, count, name);
        int classes = ClassCount;
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(name, labels[i], string.Create(CultureInfo.InvariantCulture, $"{name}[{i}] = {labels[i]} is not a class of a {classes}-class model."));
            }
        }
    }

    private static void CheckLength<T>(ReadOnlySpan<T> span, long expected, string name)
    {
        if (span.Length != expected)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} holds {span.Length:N0} values; {expected:N0} are needed."), name);
        }
    }

    private static void CheckLength<T>(Span<T> span, long expected, string name) => CheckLength((ReadOnlySpan<T>)span, expected, name);
}

/// <summary>Puts a module in evaluation mode and restores its earlier mode when disposed.</summary>
internal readonly struct EvaluationMode : IDisposable
{
    private readonly nn.Module _module;
    private readonly bool _wasTraining;

    public EvaluationMode(nn.Module module)
    {
        _module = module;
        _wasTraining = module.training;
        module.eval();
    }

    public void Dispose()
    {
        if (_wasTraining)
        {
            _module.train();
        }
    }
}
