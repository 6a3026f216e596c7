using System.Globalization;
using Robustness.Models;
using Robustness.Statistics;

namespace Robustness.Evaluation.Designs;

/// <summary>
/// A study design as data: one research question with its factor levels and everything else a study
/// needs to run it (architectures, subset sizes, epochs, seeds). <see cref="Paper"/> gives the paper's
/// full scale (docs/method.md), <see cref="Scaled"/> a CPU-sized variant; every property can be
/// overridden with <c>with { ... }</c>. <see cref="Points"/> enumerates the design points and
/// <see cref="Runs"/> the (architecture, point, seed) training runs.
/// </summary>
/// <remarks>
/// Which level lists a question uses: RQ1 <see cref="GaussianLevels"/>; RQ2 <see cref="FgsmLevels"/>;
/// RQ3 <see cref="ClassImbalanceLevels"/>; RQ4 <see cref="LabelDisturbanceLevels"/>; RQ5 the Gaussian and
/// FGSM lists as a full grid; RQ6 all four lists (5 levels each) on the columns
/// <see cref="OrthogonalColumns"/> of <see cref="OrthogonalArrays.L25"/>. Lists a question does not use are ignored.
/// </remarks>
public sealed record StudyDesign
{
    /// <summary>The paper's images added per class in RQ1/RQ2 (2,000; RQ5 and RQ6 add half of it per perturbation).</summary>
    public const int PaperImagesPerClass = 2000;

    /// <summary>The paper's l2 levels of RQ1/RQ2: 0.5, 1.0, ..., 12.0 (24 levels; the clean set is added as level 0).</summary>
    public static IReadOnlyList<double> PaperL2Levels { get; } = Steps(0.5m, 0.5m, 24);

    /// <summary>The paper's CI levels of RQ3: 0.25, 0.30, ..., 0.60 (8 levels).</summary>
    public static IReadOnlyList<double> PaperClassImbalanceLevels { get; } = Steps(0.25m, 0.05m, 8);

    /// <summary>The paper's LD levels of RQ4: 0.05, 0.10, ..., 0.50 (10 levels).</summary>
    public static IReadOnlyList<double> PaperLabelDisturbanceLevels { get; } = Steps(0.05m, 0.05m, 10);

    /// <summary>The paper's RQ5 levels, for Gaussian and FGSM alike: 0, 2, 4, 6, 8, 10 (a 6 x 6 grid).</summary>
    public static IReadOnlyList<double> PaperGridLevels { get; } = [0, 2, 4, 6, 8, 10];

    /// <summary>The paper's RQ6 l2 levels, for Gaussian and FGSM alike: 0, 2, 4, 6, 8.</summary>
    public static IReadOnlyList<double> PaperRq6L2Levels { get; } = [0, 2, 4, 6, 8];

    /// <summary>The paper's RQ6 CI levels: 0.2, 0.25, 0.3, 0.35, 0.4.</summary>
    public static IReadOnlyList<double> PaperRq6ClassImbalanceLevels { get; } = Steps(0.2m, 0.05m, 5);

    /// <summary>The paper's RQ6 LD levels: 0, 0.05, 0.1, 0.15, 0.2.</summary>
    public static IReadOnlyList<double> PaperRq6LabelDisturbanceLevels { get; } = Steps(0m, 0.05m, 5);

    /// <summary>The research question.</summary>
    public required ResearchQuestion Question { get; init; }

    /// <summary>The study's name (part of every run key); defaults to "rq1" .. "rq6".</summary>
    public string? Name { get; init; }

    /// <summary>The effective name: <see cref="Name"/>, or "rqN".</summary>
    public string StudyName => string.IsNullOrWhiteSpace(Name) ? $"rq{(int)Question}" : Name;

    /// <summary>Gaussian l2 levels (RQ1, RQ5, RQ6); 0 = no Gaussian images.</summary>
    public IReadOnlyList<double> GaussianLevels { get; init; } = [];

    /// <summary>FGSM l2 levels (RQ2, RQ5, RQ6); 0 = no FGSM images.</summary>
    public IReadOnlyList<double> FgsmLevels { get; init; } = [];

    /// <summary>Class-imbalance degrees CI (RQ3, RQ6), each in [0, 1) and not below the training set's own CI.</summary>
    public IReadOnlyList<double> ClassImbalanceLevels { get; init; } = [];

    /// <summary>Label disturbances LD (RQ4, RQ6), each in [0, 0.9]; 0 = clean labels.</summary>
    public IReadOnlyList<double> LabelDisturbanceLevels { get; init; } = [];

    /// <summary>
    /// RQ1-RQ4: put the clean set first as a point of its own (id <c>rqN-clean</c>) when the level list
    /// does not already hold it (level 0 for RQ1/RQ2/RQ4; RQ3 has no CI value meaning "as is").
    /// Default true: RQ1/RQ2 25 points, RQ3 9, RQ4 11. False gives exactly the paper's perturbed sets (24, 24, 8, 10).
    /// </summary>
    public bool IncludeCleanPoint { get; init; } = true;

    /// <summary>
    /// Perturbed images added per class: all of them in RQ1/RQ2; RQ5/RQ6 add k/2 Gaussian and k - k/2 FGSM
    /// images per class (paper: 2,000, i.e. 1,000 + 1,000).
    /// </summary>
    public int ImagesPerClass { get; init; } = PaperImagesPerClass;

    /// <summary>What a Gaussian or FGSM component at level 0 adds (default: nothing).</summary>
    public ZeroLevelPolicy ZeroLevel { get; init; } = ZeroLevelPolicy.AddNothing;

    /// <summary>The architectures trained on every set (names known to the model factory).</summary>
    public IReadOnlyList<string> Architectures { get; init; } = [ModelFactory.LeNet5, ModelFactory.AlexNet8];

    /// <summary>Training images per class taken from the training split (a stratified subset), or null for all.</summary>
    public int? TrainPerClass { get; init; }

    /// <summary>Test images per class taken from the test split for the benchmarks, or null for all.</summary>
    public int? TestPerClass { get; init; }

    /// <summary>The seed of the stratified train/test subsets (fixed across repetitions, so every repetition sees the same data).</summary>
    public ulong SubsetSeed { get; init; } = 1;

    /// <summary>The most epochs a model trains (early stopping may end it sooner).</summary>
    public int MaxEpochs { get; init; } = 30;

    /// <summary>One seed per repetition of every design point (the paper: one).</summary>
    public IReadOnlyList<ulong> Seeds { get; init; } = [TrainingOptions.DefaultSeed];

    /// <summary>How many times every design point is run: the number of <see cref="Seeds"/>.</summary>
    public int Repetitions => Seeds.Count;

    /// <summary>
    /// RQ6: the L25 columns of the factors in the order Gaussian, FGSM, CI, LD. Default (2, 1, 3, 4):
    /// FGSM on column 1, Gaussian on 2, CI on 3, LD on 4, as in docs/statistics.md.
    /// </summary>
    public IReadOnlyList<int> OrthogonalColumns { get; init; } = [2, 1, 3, 4];

    /// <summary>The paper's full-scale design of a question (docs/method.md; the levels come from <see cref="StudyQuestion.WithPaperLevels"/>).</summary>
    /// <param name="question">The research question.</param>
    /// <returns>The design.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such question.</exception>
    public static StudyDesign Paper(ResearchQuestion question) => StudyQuestion.For(question).WithPaperLevels(new StudyDesign { Question = question });

    /// <summary>
    /// A CPU-sized design: stratified subsets of <paramref name="perClassTrain"/> training and
    /// <paramref name="perClassTest"/> test images per class, fewer levels, few epochs, one architecture.
    /// Default levels: RQ1/RQ2 {0, 2, 4, 6, 8}; RQ3 clean + {0.3, 0.4, 0.5, 0.6}; RQ4 clean + {0.1, 0.2, 0.3, 0.4, 0.5};
    /// RQ5 {0, 4, 8}²; RQ6 the paper's L25 (an orthogonal array cannot lose runs).
    /// </summary>
    /// <param name="question">The research question.</param>
    /// <param name="perClassTrain">Training images per class (default 800).</param>
    /// <param name="perClassTest">Test images per class (default 200).</param>
    /// <param name="levels">
    /// The question's levels instead of the defaults: l2 levels (RQ1, RQ2; RQ5 uses them for both
    /// perturbations), CI (RQ3) or LD (RQ4). Not accepted for RQ6 (use <c>with</c> on the four lists).
    /// </param>
    /// <param name="maxEpochs">The most epochs per model (default 5).</param>
    /// <param name="imagesPerClass">
    /// Images added per class; default the paper's ratio (2,000 added to ~6,000 per class, a third),
    /// rounded to an even count: 266 for 800 per class.
    /// </param>
    /// <param name="architectures">The architectures; default LeNet-5 only.</param>
    /// <returns>The design, named "rqN-scaled".</returns>
    /// <exception cref="ArgumentException">A size is not positive, or levels were given for RQ6.</exception>
    public static StudyDesign Scaled(
        ResearchQuestion question,
        int perClassTrain = 800,
        int perClassTest = 200,
        IReadOnlyList<double>? levels = null,
        int maxEpochs = 5,
        int? imagesPerClass = null,
        IReadOnlyList<string>? architectures = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perClassTrain);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perClassTest);
        var design = Paper(question) with
        {
            Name = $"rq{(int)question}-scaled",
            TrainPerClass = perClassTrain,
            TestPerClass = perClassTest,
            MaxEpochs = maxEpochs,
            ImagesPerClass = imagesPerClass ?? Math.Max(2, 2 * (int)Math.Round(perClassTrain / 6.0, MidpointRounding.AwayFromZero)),
            Architectures = architectures ?? [ModelFactory.LeNet5],
        };
        var spec = StudyQuestion.For(question);
        return levels is null ? spec.WithScaledLevels(design) : spec.WithLevels(design, levels);
    }

    /// <summary>A copy with <paramref name="repetitions"/> consecutive seeds starting at <paramref name="firstSeed"/>.</summary>
    /// <param name="repetitions">How many repetitions, at least 1.</param>
    /// <param name="firstSeed">The first seed.</param>
    /// <returns>The design.</returns>
    public StudyDesign WithRepetitions(int repetitions, ulong firstSeed = TrainingOptions.DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repetitions);
        return this with { Seeds = [.. Enumerable.Range(0, repetitions).Select(i => firstSeed + (ulong)i)] };
    }

    /// <summary>The design points in order (validates the design first).</summary>
    /// <returns>The points; their ids are unique.</returns>
    /// <exception cref="ArgumentException">The design is invalid (see <see cref="Validate"/>).</exception>
    public IReadOnlyList<DesignPoint> Points()
    {
        Validate();
        var points = StudyQuestion.For(Question).Points(this);
        var duplicate = points.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Design '{StudyName}' has the point '{duplicate.Key}' {duplicate.Count()} times; its levels repeat a value.", nameof(Points));
        }

        return points;
    }

    /// <summary>Every training run: for each architecture, each point, each seed (in that nesting order).</summary>
    /// <returns>The runs.</returns>
    public IReadOnlyList<DesignRun> Runs()
    {
        var points = Points();
        var runs = new List<DesignRun>(Architectures.Count * points.Count * Seeds.Count);
        foreach (string architecture in Architectures)
        {
            foreach (var point in points)
            {
                for (int r = 0; r < Seeds.Count; r++)
                {
                    runs.Add(new DesignRun(StudyName, architecture, point, Seeds[r], r));
                }
            }
        }

        return runs;
    }

    /// <summary>Checks the design; throws on the first problem.</summary>
    /// <exception cref="ArgumentException">A level, size, name, seed list or column list is invalid.</exception>
    public void Validate()
    {
        var question = StudyQuestion.For(Question);
        foreach (string factor in question.Factors)
        {
            var info = StudyQuestion.Factor.Of(factor);
            CheckLevels(info.Levels(this), info.ListName, 0, info.Max, info.MaxExclusive);
        }

        if ((question.Factors.Contains(StudyQuestion.Factor.Gaussian.Key) || question.Factors.Contains(StudyQuestion.Factor.Fgsm.Key)) && ImagesPerClass < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ImagesPerClass), ImagesPerClass, $"Design '{StudyName}' adds perturbed images: ImagesPerClass must be at least 1; {ImagesPerClass} was given.");
        }

        if (Architectures.Count == 0 || Architectures.Any(string.IsNullOrWhiteSpace) || Architectures.Distinct(StringComparer.OrdinalIgnoreCase).Count() != Architectures.Count)
        {
            throw new ArgumentException($"Design '{StudyName}' needs one or more distinct, non-empty architecture names; [{string.Join(", ", Architectures)}] was given.", nameof(Architectures));
        }

        if (TrainPerClass is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TrainPerClass), TrainPerClass, $"TrainPerClass must be null (all) or at least 1; {TrainPerClass} was given.");
        }

        if (TestPerClass is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TestPerClass), TestPerClass, $"TestPerClass must be null (all) or at least 1; {TestPerClass} was given.");
        }

        if (MaxEpochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxEpochs), MaxEpochs, $"MaxEpochs must be at least 1; {MaxEpochs} was given.");
        }

        if (Seeds.Count == 0 || Seeds.Distinct().Count() != Seeds.Count)
        {
            throw new ArgumentException($"Design '{StudyName}' needs one or more distinct seeds; [{string.Join(", ", Seeds)}] was given.", nameof(Seeds));
        }

        question.Validate(this);
    }

    private void CheckLevels(IReadOnlyList<double> levels, string name, double min, double max, bool maxExclusive)
    {
        if (levels.Count == 0)
        {
            throw new ArgumentException($"Design '{StudyName}' (RQ{(int)Question}) needs at least one value in {name}.", name);
        }

        foreach (double level in levels)
        {
            bool ok = level >= min && (maxExclusive ? level < max : level <= max) && !double.IsInfinity(level);
            if (!ok)
            {
                string range = string.Create(CultureInfo.InvariantCulture, $"[{min}, {(double.IsPositiveInfinity(max) ? "inf" : max.ToString(CultureInfo.InvariantCulture))}{(maxExclusive ? ")" : "]")}");
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Design '{StudyName}': every value of {name} must be finite and within {range}; {level} was given."), name);
            }
        }
    }

    private static double[] Steps(decimal first, decimal step, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (double)(first + (step * i)))];
}
