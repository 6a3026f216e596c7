using Robustness.Data;
using Robustness.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Robustness.Evaluation.Tests.Attacks;

/// <summary>
/// The gradient surface as a third party sees it (this assembly has no access to the internals of
/// Robustness.Models): a user-defined linear softmax classifier whose gradients and minimal adversarial
/// distances are known in closed form, and a small attack written here with nothing but the public API.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ThirdPartyAttackTests
{
    private const int Side = 8;
    private const int Pixels = Side * Side;
    private const int Classes = 4;

    private float[] _weights = null!; // Classes x Pixels, row-major
    private float[] _bias = null!;
    private ImageSet _images = null!;
    private ImageClassifier _model = null!;

    [OneTimeSetUp]
    public void CreateModel()
    {
        var random = new Random(2026);
        _weights = [.. Enumerable.Range(0, Classes * Pixels).Select(_ => (float)((random.NextDouble() - 0.5) * 1.5))];
        _bias = [.. Enumerable.Range(0, Classes).Select(_ => (float)(random.NextDouble() - 0.5))];
        int count = 60;
        var pixels = new float[count * Pixels];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)(0.35 + (0.3 * random.NextDouble()));
        }

        // Each image's label is the linear classifier's own prediction, so every image starts correctly classified.
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = ArgMax(Scores(pixels.AsSpan(i * Pixels, Pixels)));
        }

        _images = ImageSet.Create("linear-test", pixels, labels, Side, Side, Classes);
        var factory = new ModelFactory([new LinearSoftmaxArchitecture(_weights, _bias)], new ModelOptions { Device = "cpu", Threads = EvaluationTestData.Threads });
        _model = factory.Create(LinearSoftmaxArchitecture.ArchitectureName, seed: 1, new ImageShape(Side, Side, Classes));
    }

    [OneTimeTearDown]
    public void DisposeModel() => _model?.Dispose();

    [Test]
    public void Logits_AndMarginGradients_EqualTheClosedForm()
    {
        var surface = new ModelGradients(_model, batchSize: 7); // several batches, the last one partial
        var input = Pixels1D();
        var logits = new float[_images.Count * Classes];
        surface.Logits(input, logits);
        var positive = Enumerable.Range(0, _images.Count).Select(i => (_images.GetLabel(i) + 1) % Classes).ToArray();
        var negative = Enumerable.Range(0, _images.Count).Select(_images.GetLabel).ToArray();
        var gradients = new float[input.Length];
        var margins = new float[_images.Count];
        surface.MarginGradient(input, positive, negative, gradients, margins);
        for (int i = 0; i < _images.Count; i++)
        {
            double[] expected = Scores(_images.GetImage(i));
            for (int k = 0; k < Classes; k++)
            {
                Assert.That(logits[(i * Classes) + k], Is.EqualTo(expected[k]).Within(1e-5));
            }

            Assert.That(margins[i], Is.EqualTo(expected[positive[i]] - expected[negative[i]]).Within(1e-5));
            for (int p = 0; p < Pixels; p++)
            {
                double w = _weights[(positive[i] * Pixels) + p] - _weights[(negative[i] * Pixels) + p];
                Assert.That(gradients[(i * Pixels) + p], Is.EqualTo(w).Within(1e-6), $"image {i} pixel {p}");
            }
        }
    }

    [Test]
    public void CrossEntropyGradient_EqualsTheClosedForm_AndScoreGradientsAreTheWeightRows()
    {
        var surface = new ModelGradients(_model);
        var input = Pixels1D();
        var labels = Enumerable.Range(0, _images.Count).Select(_images.GetLabel).ToArray();
        var gradients = new float[input.Length];
        surface.CrossEntropyGradient(input, labels, gradients);
        var scoreGradients = new float[_images.Count * Classes * Pixels];
        var logits = new float[_images.Count * Classes];
        surface.ScoreGradients(input, scoreGradients, logits);
        for (int i = 0; i < _images.Count; i++)
        {
            double[] z = Scores(_images.GetImage(i));
            double max = z.Max();
            double[] softmax = [.. z.Select(v => Math.Exp(v - max))];
            double sum = softmax.Sum();
            for (int p = 0; p < Pixels; p++)
            {
                // d/dx [-log softmax_y] = sum_k (softmax_k - [k = y]) w_k
                double expected = 0;
                for (int k = 0; k < Classes; k++)
                {
                    expected += ((softmax[k] / sum) - (k == labels[i] ? 1 : 0)) * _weights[(k * Pixels) + p];
                    Assert.That(scoreGradients[(((i * Classes) + k) * Pixels) + p], Is.EqualTo(_weights[(k * Pixels) + p]).Within(1e-6));
                }

                Assert.That(gradients[(i * Pixels) + p], Is.EqualTo(expected).Within(1e-5), $"image {i} pixel {p}");
            }
        }
    }

    /// <summary>
    /// The closed form: on a linear classifier the minimal l2 distance of image x with label y is
    /// min_j (f_y - f_j) / ||w_y - w_j||, reachable here inside the [0, 1] box (checked per image).
    /// </summary>
    [Test]
    public void MinimalL2Attack_FindsTheClosedFormDistance_Within1e3()
    {
        var result = new MinimalL2Attack(_model).Run(_images);
        int checkedImages = 0;
        for (int i = 0; i < _images.Count; i++)
        {
            float[] x = _images.GetImage(i).ToArray();
            int y = _images.GetLabel(i);
            double[] f = Scores(x);
            double best = double.PositiveInfinity;
            int bestClass = -1;
            for (int j = 0; j < Classes; j++)
            {
                if (j == y)
                {
                    continue;
                }

                double norm = Math.Sqrt(Enumerable.Range(0, Pixels).Sum(p => Math.Pow(_weights[(y * Pixels) + p] - _weights[(j * Pixels) + p], 2)));
                double distance = (f[y] - f[j]) / norm;
                if (distance < best)
                {
                    (best, bestClass) = (distance, j);
                }
            }

            // The nearest boundary point x - best * (w_y - w_j) / ||w_y - w_j|| must lie in the box for the closed form to hold.
            double n2 = Math.Sqrt(Enumerable.Range(0, Pixels).Sum(p => Math.Pow(_weights[(y * Pixels) + p] - _weights[(bestClass * Pixels) + p], 2)));
            bool inBox = Enumerable.Range(0, Pixels).All(p =>
            {
                double foot = x[p] - (best * (_weights[(y * Pixels) + p] - _weights[(bestClass * Pixels) + p]) / n2);
                return foot is > 0 and < 1;
            });
            Assert.That(inBox, Is.True, $"image {i}: the test's images are chosen so that the boundary is reachable inside the box");
            Assert.That(result.Outcomes[i].Status, Is.EqualTo(MinimalL2Status.Found), $"image {i}");
            Assert.That(result.Outcomes[i].Distance, Is.EqualTo(best).Within(1e-3), $"image {i}");
            // Misclassified by the model itself (float32); after the bisection the image lies on the boundary
            // within about 2^-20 of the distance, where a double-precision recomputation may tie or flip back.
            var predicted = new int[1];
            new ModelGradients(_model).Predict(result.GetAdversarial(i), predicted);
            Assert.That(predicted[0], Is.Not.EqualTo(y), $"image {i}: the adversarial is misclassified");
            checkedImages++;
        }

        Assert.That(checkedImages, Is.EqualTo(_images.Count));
        double[] sortedDistances = [.. result.Outcomes.Select(o => o.Distance).Order()];
        Assert.That(result.MedianDistance, Is.EqualTo((sortedDistances[29] + sortedDistances[30]) / 2).Within(1e-12));
        Assert.That(result.RobustAccuracy(sortedDistances[9]), Is.EqualTo(50.0 / 60).Within(1e-12), "ten images have an adversarial at or below the tenth distance");
    }

    /// <summary>A third party's attack: iterative l2 gradient ascent ("BIM-l2") written with the public surface only.</summary>
    [Test]
    public void AThirdPartyIterativeAttack_WrittenWithThePublicSurface_FlipsEveryLinearPrediction()
    {
        var surface = new ModelGradients(_model);
        float[] adversarial = Pixels1D();
        float[] clean = Pixels1D();
        int[] labels = [.. Enumerable.Range(0, _images.Count).Select(_images.GetLabel)];
        var gradient = new float[adversarial.Length];
        for (int step = 0; step < 40; step++)
        {
            surface.CrossEntropyGradient(adversarial, labels, gradient);
            for (int i = 0; i < _images.Count; i++)
            {
                var g = gradient.AsSpan(i * Pixels, Pixels);
                float norm = System.Numerics.Tensors.TensorPrimitives.Norm(g);
                for (int p = 0; p < Pixels; p++)
                {
                    int at = (i * Pixels) + p;
                    adversarial[at] = Math.Clamp(adversarial[at] + (0.05f * g[p] / norm), 0f, 1f);
                }
            }
        }

        var predictions = new int[_images.Count];
        surface.Predict(adversarial, predictions);
        var minimal = new MinimalL2Attack(_model).Run(_images);
        for (int i = 0; i < _images.Count; i++)
        {
            Assert.That(predictions[i], Is.Not.EqualTo(labels[i]), $"image {i}");
            double distance = Math.Sqrt(Enumerable.Range(0, Pixels).Sum(p => Math.Pow(adversarial[(i * Pixels) + p] - clean[(i * Pixels) + p], 2)));
            Assert.That(distance, Is.GreaterThanOrEqualTo(minimal.Outcomes[i].Distance - 1e-4), $"image {i}: no attack beats the minimal distance");
        }
    }

    /// <summary>
    /// torchattacks' <c>atk(images, labels)</c>: the same network as a plain TorchSharp module wrapped with
    /// <see cref="ImageClassifier.FromModule"/> (no architecture registered) is attacked through <see cref="IAttack"/> exactly
    /// as the registered one, and a budget attack's images give its robust accuracy.
    /// </summary>
    [Test]
    public void AWrappedModule_IsAttackedThroughIAttack_ExactlyAsTheRegisteredArchitecture()
    {
        var shape = new ImageShape(Side, Side, Classes);
        using var module = new LinearModule(shape, _weights, _bias);
        using var wrapped = ImageClassifier.FromModule(module, shape, "my-linear");
        double[] levels = [0.0, 0.05, 0.2, 10.0];

        var registered = new MinimalL2Attack(_model).Run(_images);
        IAttack attack = new MinimalL2Attack(wrapped);
        var results = attack.Attack(_images, levels);
        var run = new MinimalL2Attack(wrapped).Run(_images);

        Assert.That(wrapped.Architecture, Is.EqualTo("my-linear"));
        Assert.That(run.Outcomes, Is.EqualTo(registered.Outcomes), "the same distances, bit for bit, as through IModelArchitecture");
        for (int l = 0; l < levels.Length; l++)
        {
            var result = results[l];
            Assert.That(result.Images.Count, Is.EqualTo(_images.Count), "a budget attack returns every image");
            Assert.That(result.Outcomes.Select(o => o.Status), Is.All.EqualTo(Perturbations.PerturbationStatus.WithinLevel));
            Assert.That(result.Outcomes.Select(o => o.Distance), Is.All.InRange(0.0, levels[l]));
            double accuracy = wrapped.Evaluate(result.Images).Accuracy;
            Assert.That(accuracy, Is.EqualTo(registered.RobustAccuracy(levels[l])).Within(1e-12), $"level {levels[l]}");
        }

        Assert.That(wrapped.Evaluate(results[0].Images).Accuracy, Is.EqualTo(1.0), "level 0 leaves every (correctly classified) image clean");
        Assert.That(wrapped.Evaluate(results[^1].Images).Accuracy, Is.Zero, "every image has an adversarial within 10");
        Assert.That(results[1].Images.Name, Is.EqualTo("linear-test-minimal-l2-0.05"));
    }

    /// <summary>The wrapped module stays the caller's: disposing the classifier leaves it usable.</summary>
    [Test]
    public void DisposingAWrappedClassifier_LeavesTheModuleToItsOwner()
    {
        var shape = new ImageShape(Side, Side, Classes);
        using var module = new LinearModule(shape, _weights, _bias);
        ImageClassifier.FromModule(module, shape).Dispose();

        using var again = ImageClassifier.FromModule(module, shape);
        Assert.That(again.Predict(_images), Is.EqualTo(_model.Predict(_images)));
    }

    /// <summary>A module whose output is not (N, classes), or whose weights are not float32, is refused with what it gives.</summary>
    [Test]
    public void FromModule_RefusesAWrongOutputShape_AndFloat64Weights_NamingWhatItGot()
    {
        using var module = new LinearModule(new ImageShape(Side, Side, Classes), _weights, _bias);
        var wrongClasses = Assert.Throws<ArgumentException>(() => ImageClassifier.FromModule(module, new ImageShape(Side, Side, 7), "lin"));
        Assert.That(wrongClasses!.Message, Does.Contain("'lin'").And.Contain("[2, 4]").And.Contain("[2, 7]"));

        var wrongSize = Assert.Throws<ArgumentException>(() => ImageClassifier.FromModule(module, new ImageShape(9, 9, Classes), "lin"));
        Assert.That(wrongSize!.Message, Does.Contain("'lin' fails on a batch of two 9x9"));

        module.to(ScalarType.Float64);
        var wrongType = Assert.Throws<ArgumentException>(() => ImageClassifier.FromModule(module, new ImageShape(Side, Side, Classes), "lin"));
        Assert.That(wrongType!.Message, Does.Contain("Float64").And.Contain("Float32"));
    }

    private float[] Pixels1D()
    {
        var pixels = new float[_images.Count * Pixels];
        _images.CopyPixelsTo(pixels);
        return pixels;
    }

    private double[] Scores(ReadOnlySpan<float> x)
    {
        var z = new double[Classes];
        for (int k = 0; k < Classes; k++)
        {
            double sum = _bias[k];
            for (int p = 0; p < Pixels; p++)
            {
                sum += (double)_weights[(k * Pixels) + p] * x[p];
            }

            z[k] = sum;
        }

        return z;
    }

    private static int ArgMax(double[] values) => Array.IndexOf(values, values.Max());

    /// <summary>z = W x + b over the flattened image, with fixed weights: a user's own architecture.</summary>
    private sealed class LinearSoftmaxArchitecture(float[] weights, float[] bias) : IModelArchitecture
    {
        public const string ArchitectureName = "linear-softmax";

        public string Name => ArchitectureName;

        public string Description => "linear softmax classifier with fixed weights (test)";

        public nn.Module<Tensor, Tensor> Create(ImageShape shape) => new LinearModule(shape, weights, bias);
    }

    private sealed class LinearModule : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear _linear;

        public LinearModule(ImageShape shape, float[] weights, float[] bias)
            : base("linear-softmax")
        {
            _linear = nn.Linear(shape.PixelsPerImage, shape.ClassCount);
            using (no_grad())
            {
                _linear.weight!.copy_(tensor(weights).reshape(shape.ClassCount, shape.PixelsPerImage));
                _linear.bias!.copy_(tensor(bias));
            }

            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => _linear.forward(input.flatten(1));
    }
}
