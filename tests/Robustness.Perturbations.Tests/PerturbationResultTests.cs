using Robustness.Data;

namespace Robustness.Perturbations.Tests;

/// <summary><see cref="PerturbationResult.Create"/>: how a perturbation or attack written outside the library returns its images.</summary>
[TestFixture]
public sealed class PerturbationResultTests
{
    private static readonly ImageSet _source = ImageSet.Create("three", [0.5f, 0.5f, 0.25f, 0.25f, 1f, 0f], [2, 0, 1], 1, 2, 3);

    [Test]
    public void Create_KeepsTheProducedImagesInSourceOrder_ListsTheOthers_AndCopiesThePixels()
    {
        float[] pixels = [0.9f, 0.5f, 0.7f, 0.7f, 0.3f, 0.3f];
        PerturbationOutcome[] outcomes =
        [
            new(PerturbationStatus.Reached, 0.4f, 0.4, 1),
            new(PerturbationStatus.Unreachable, double.NaN, 0.2, 1),
            new(PerturbationStatus.WithinLevel, 0.3, 0.3, 1),
        ];

        var result = PerturbationResult.Create(_source, pixels, outcomes, PerturbationTargetKind.Level, 0.4, "mine", "exact");
        pixels[0] = 0f;

        Assert.That(result.Images.Count, Is.EqualTo(2));
        Assert.That(result.SourceIndices, Is.EqualTo(new[] { 0, 2 }));
        Assert.That(result.FailedIndices, Is.EqualTo(new[] { 1 }));
        Assert.That(result.Images.GetImage(0).ToArray(), Is.EqualTo(new[] { 0.9f, 0.5f }), "copied: the caller's array is its own again");
        Assert.That(result.Images.GetImage(1).ToArray(), Is.EqualTo(new[] { 0.3f, 0.3f }));
        Assert.That(result.Images.Labels.ToArray(), Is.EqualTo(new[] { 2, 1 }));
        Assert.That(result.Images.Name, Is.EqualTo("three-mine-l2-0.4"));
        Assert.That(result.MaxAbsoluteError, Is.EqualTo(0.0), "only images placed at the level count; the within-level one is 0.1 below by design");
        Assert.That(result.Count(PerturbationStatus.WithinLevel), Is.EqualTo(1));
    }

    [Test]
    public void Create_RefusesMismatchedLengths_PixelsOutsideTheBox_AndStatusesOfTheOtherTargetKind()
    {
        PerturbationOutcome reached = new(PerturbationStatus.Reached, 0.1, 0.1, 1);
        PerturbationOutcome applied = new(PerturbationStatus.Applied, 0.1, 0.1, 1);
        float[] six = [0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f];

        Assert.That(() => PerturbationResult.Create(_source, six.AsSpan(0, 4), [reached, reached, reached], PerturbationTargetKind.Level, 0.1, "m", "s"),
            Throws.ArgumentException.With.Message.Contains("'three' has 3 images of 2 pixels; 4 pixels and 3 outcomes"));
        float[] nan = [0.5f, 0.5f, float.NaN, 0.5f, 0.5f, 0.5f];
        Assert.That(() => PerturbationResult.Create(_source, nan, [reached, reached, reached], PerturbationTargetKind.Level, 0.1, "m", "s"),
            Throws.ArgumentException.With.Message.Contains("Image 1 has a pixel outside [0, 1]"));
        float[] above = [0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 1.5f];
        Assert.That(() => PerturbationResult.Create(_source, above, [reached, reached, reached], PerturbationTargetKind.Level, 0.1, "m", "s"),
            Throws.ArgumentException.With.Message.Contains("Image 2"));
        Assert.That(() => PerturbationResult.Create(_source, six, [reached, applied, reached], PerturbationTargetKind.Level, 0.1, "m", "s"),
            Throws.ArgumentException.With.Message.Contains("Outcome 1 has status Applied"));
        Assert.That(() => PerturbationResult.Create(_source, six, [applied, reached, applied], PerturbationTargetKind.Size, 0.1, "m", "s"),
            Throws.ArgumentException.With.Message.Contains("Outcome 1 has status Reached"));
        Assert.That(() => PerturbationResult.Create(_source, six, [reached, reached, reached], PerturbationTargetKind.Level, -1, "m", "s"),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
