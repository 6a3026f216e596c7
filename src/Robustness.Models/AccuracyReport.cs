using System.Globalization;

namespace Robustness.Models;

/// <summary>Accuracy on one class.</summary>
/// <param name="Class">The class (label).</param>
/// <param name="Count">Images of this class.</param>
/// <param name="Correct">Of them, classified correctly.</param>
public sealed record ClassAccuracy(int Class, int Count, int Correct)
{
    /// <summary>Correct / Count; NaN for a class with no images.</summary>
    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;
}

/// <summary>Accuracy of a model on a set, overall and per class.</summary>
/// <param name="SetName">The set's name.</param>
/// <param name="Count">Images scored.</param>
/// <param name="Correct">Images classified correctly.</param>
/// <param name="PerClass">One entry per class, by class index.</param>
public sealed record AccuracyReport(string SetName, int Count, int Correct, IReadOnlyList<ClassAccuracy> PerClass)
{
    /// <summary>Correct / Count; NaN for an empty set.</summary>
    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;

    /// <summary>Builds the report from predictions.</summary>
    /// <param name="setName">The set's name.</param>
    /// <param name="labels">The true labels.</param>
    /// <param name="predictions">The predicted labels (same length).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <returns>The report.</returns>
    public static AccuracyReport FromPredictions(string setName, ReadOnlySpan<int> labels, ReadOnlySpan<int> predictions, int classCount)
    {
        if (labels.Length != predictions.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{predictions.Length} predictions were given for {labels.Length} labels."), nameof(predictions));
        }

        var counts = new int[classCount];
        var correct = new int[classCount];
        int total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            counts[labels[i]]++;
            if (labels[i] == predictions[i])
            {
                correct[labels[i]]++;
                total++;
            }
        }

        var perClass = new ClassAccuracy[classCount];
        for (int c = 0; c < classCount; c++)
        {
            perClass[c] = new ClassAccuracy(c, counts[c], correct[c]);
        }

        return new AccuracyReport(setName, labels.Length, total, perClass);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{SetName}: {Accuracy:P2} ({Correct:N0} of {Count:N0})");
}
