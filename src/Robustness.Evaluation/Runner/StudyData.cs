using System.Globalization;
using System.Text.Json;
using Robustness.Data;
using Robustness.Evaluation.Designs;
using Robustness.Models;
using Robustness.Randomness;

namespace Robustness.Evaluation.Runner;

/// <summary>The data a study runs on: the clean training set and the test set the benchmark suites are built from.</summary>
/// <param name="Train">The clean training set.</param>
/// <param name="Test">The clean test set.</param>
/// <param name="Description">One line for people saying where the two sets come from.</param>
public sealed record StudyData(ImageSet Train, ImageSet Test, string Description)
{
    /// <summary>True when both sets were drawn from one split (the source had no training split).</summary>
    public bool FromOneSplit { get; init; }

    /// <summary>
    /// The data of a design from a dataset source: the training and test splits cut to the design's sizes
    /// (<see cref="FromSplits"/>), or, when the source has no training split (the shared MNIST folder holds the test
    /// images only), both sets drawn disjointly from the test split with <see cref="StudyDesign.SubsetSeed"/>
    /// (<see cref="DisjointFromOneSplit"/>; <see cref="FromOneSplit"/> is then true).
    /// </summary>
    /// <param name="design">The design (its <see cref="StudyDesign.TrainPerClass"/>, <see cref="StudyDesign.TestPerClass"/> and <see cref="StudyDesign.SubsetSeed"/>).</param>
    /// <param name="source">The dataset.</param>
    /// <returns>The data.</returns>
    /// <exception cref="ArgumentException">The source has no training split and the design does not set both per-class sizes.</exception>
    public static StudyData Load(StudyDesign design, Data.Sources.IDatasetSource source)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(source);
        ImageSet testSplit = source.Load(Data.Sources.DatasetSplit.Test);
        if (source.GetAvailability(Data.Sources.DatasetSplit.Train).IsPresent)
        {
            return FromSplits(design, source.Load(Data.Sources.DatasetSplit.Train), testSplit);
        }

        if (design.TrainPerClass is not { } train || design.TestPerClass is not { } test)
        {
            throw new ArgumentException($"{source.Description}: the training split is absent; set the design's TrainPerClass and TestPerClass (study run: --train-per-class, --test-per-class) to draw both sets disjointly from the test split.");
        }

        return DisjointFromOneSplit(testSplit, train, test, design.SubsetSeed) with { FromOneSplit = true };
    }

    /// <summary>
    /// Train and test sets from separate splits, cut to the design's per-class sizes
    /// (<see cref="StudyDesign.TrainPerClass"/>, <see cref="StudyDesign.TestPerClass"/>) by stratified
    /// subsets seeded with <see cref="StudyDesign.SubsetSeed"/>.
    /// </summary>
    /// <param name="design">The design.</param>
    /// <param name="trainSplit">The training split.</param>
    /// <param name="testSplit">The test split.</param>
    /// <returns>The data.</returns>
    public static StudyData FromSplits(StudyDesign design, ImageSet trainSplit, ImageSet testSplit)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(trainSplit);
        ArgumentNullException.ThrowIfNull(testSplit);
        var train = design.TrainPerClass is { } n ? DatasetBuilders.StratifiedSubset(trainSplit, n, design.SubsetSeed) : trainSplit;
        var test = design.TestPerClass is { } m ? DatasetBuilders.StratifiedSubset(testSplit, m, design.SubsetSeed) : testSplit;
        return new StudyData(train, test, $"train {train.Name} ({train.Count} images), test {test.Name} ({test.Count} images)");
    }

    /// <summary>
    /// Train and test sets drawn disjointly from ONE split (for a dataset whose training split is absent,
    /// such as the MNIST copy that has only the test images): per class, one seeded permutation
    /// (xoshiro256**, <c>Derive(seed, class)</c>) of the class's images; its first
    /// <paramref name="trainPerClass"/> go to training, the next <paramref name="testPerClass"/> to the
    /// test set, each in the split's order.
    /// </summary>
    /// <param name="split">The split both sets come from.</param>
    /// <param name="trainPerClass">Training images per class.</param>
    /// <param name="testPerClass">Test images per class.</param>
    /// <param name="seed">The seed of the choice.</param>
    /// <returns>The data; no image is in both sets.</returns>
    /// <exception cref="ArgumentException">A class has fewer than <paramref name="trainPerClass"/> + <paramref name="testPerClass"/> images.</exception>
    public static StudyData DisjointFromOneSplit(ImageSet split, int trainPerClass, int testPerClass, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainPerClass);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testPerClass);
        var byClass = new List<int>[split.ClassCount];
        for (int c = 0; c < byClass.Length; c++)
        {
            byClass[c] = [];
        }

        var labels = split.Labels;
        for (int i = 0; i < labels.Length; i++)
        {
            byClass[labels[i]].Add(i);
        }

        var train = new List<int>(trainPerClass * split.ClassCount);
        var test = new List<int>(testPerClass * split.ClassCount);
        for (int c = 0; c < byClass.Length; c++)
        {
            int[] indices = [.. byClass[c]];
            if (indices.Length < trainPerClass + testPerClass)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Set '{split.Name}' has {indices.Length} images of class {c}; {trainPerClass} training + {testPerClass} test images per class were asked for (at most {indices.Length} in all)."), nameof(trainPerClass));
            }

            new Xoshiro256StarStar(Xoshiro256StarStar.Derive(seed, (ulong)c)).Shuffle(indices.AsSpan());
            train.AddRange(indices.AsSpan(0, trainPerClass));
            test.AddRange(indices.AsSpan(trainPerClass, testPerClass));
        }

        train.Sort();
        test.Sort();
        string name = split.Name;
        var trainSet = split.Subset(train, string.Create(CultureInfo.InvariantCulture, $"{name}-train{trainPerClass}pc-s{seed}"));
        var testSet = split.Subset(test, string.Create(CultureInfo.InvariantCulture, $"{name}-test{testPerClass}pc-s{seed}"));
        return new StudyData(trainSet, testSet, string.Create(CultureInfo.InvariantCulture,
            $"train and test drawn disjointly from {name} (no training split): {trainPerClass} + {testPerClass} images per class, seed {seed}"));
    }

    /// <summary>The sets' identity as JSON (name, count, <see cref="DataFingerprint"/> of each), recorded with the study.</summary>
    /// <returns>The JSON text.</returns>
    public string IdentityJson() => JsonSerializer.Serialize(new
    {
        train = new { name = Train.Name, count = Train.Count, fingerprint = DataFingerprint.Compute(Train) },
        test = new { name = Test.Name, count = Test.Count, fingerprint = DataFingerprint.Compute(Test) },
    });
}
