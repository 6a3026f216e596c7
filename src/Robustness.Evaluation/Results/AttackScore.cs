namespace Robustness.Evaluation.Results;

/// <summary>
/// A model's accuracy under one attack column of a study (beyond the paper's MNIST-A): per benchmark level,
/// the mean over the levels, and for the minimal-l2 attack the median minimal distance.
/// </summary>
/// <param name="Attack">The attack: <c>fgsm</c>, <c>pgd</c> or <c>minimal</c> (<see cref="Benchmarks.StudyAttack"/>).</param>
/// <param name="WhiteBox">True when the images were made against the scored model itself; false when transferred from the clean model.</param>
/// <param name="Accuracies">Accuracy (robust accuracy for <c>minimal</c>) per benchmark level, in <see cref="StudyRow.BenchmarkLevels"/> order.</param>
/// <param name="MeanAccuracy">The mean of <paramref name="Accuracies"/> over the levels.</param>
/// <param name="MedianMinimalDistance">The median minimal adversarial l2 distance (<c>minimal</c> only; +infinity when over half of the images have none up to the largest level).</param>
public sealed record AttackScore(string Attack, bool WhiteBox, IReadOnlyList<double> Accuracies, double MeanAccuracy, double? MedianMinimalDistance = null)
{
    /// <summary>The column key: the attack's name, with <c>-transfer</c> when not white-box (e.g. <c>pgd</c>, <c>fgsm-transfer</c>).</summary>
    public string Key => new Benchmarks.StudyAttack(Attack, WhiteBox).Key;
}
