using System.Globalization;
using Robustness.Evaluation.Results;
using Robustness.Statistics;

namespace Robustness.Evaluation.Designs;

/// <summary>
/// A research question as one type: its factors (which of the four training-set perturbations it varies), display
/// names, default levels (the paper's and the scaled ones), how its design points are made, and how it is analysed
/// and plotted. <see cref="StudyDesign"/>, the analysis, the report and the CLI ask the question instead of switching
/// on <see cref="ResearchQuestion"/>. The six questions of the paper are built in (<see cref="For"/>); a new question
/// is one subclass, registered once with <see cref="Register"/> (see docs/architecture.md, "Adding a research question").
/// </summary>
/// <remarks>
/// Factors are named by key: <c>gaussian</c> (l2 level of added Gaussian images, <see cref="StudyDesign.GaussianLevels"/>),
/// <c>fgsm</c> (l2 level of added FGSM images, <see cref="StudyDesign.FgsmLevels"/>), <c>ci</c> (class imbalance,
/// <see cref="StudyDesign.ClassImbalanceLevels"/>) and <c>ld</c> (label disturbance, <see cref="StudyDesign.LabelDisturbanceLevels"/>).
/// The analysis follows from the factors: one factor gives Spearman/Pearson correlations of level against accuracy
/// (split at the MNIST-A peak when <see cref="SplitsAtPeak"/>), several give a multiple regression; the report plots one
/// factor as accuracy against level, two as heatmaps and more as main-effect plots.
/// </remarks>
public abstract class StudyQuestion
{
    private static readonly Lock _gate = new();
    private static Dictionary<ResearchQuestion, StudyQuestion> _registry = BuiltIn();

    /// <summary>Creates a question.</summary>
    /// <param name="id">Its number (stored in every row; the built-in questions are 1 to 6).</param>
    /// <param name="title">A short display title without the number, e.g. "Gaussian-noise training".</param>
    /// <param name="factors">The factor keys it varies, in analysis order (<c>gaussian</c>, <c>fgsm</c>, <c>ci</c>, <c>ld</c>).</param>
    /// <exception cref="ArgumentException">No factor, an unknown or repeated key, or an empty title.</exception>
    protected StudyQuestion(ResearchQuestion id, string title, IReadOnlyList<string> factors)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Count == 0 || factors.Distinct(StringComparer.Ordinal).Count() != factors.Count || factors.Any(f => !Factor.Known(f)))
        {
            throw new ArgumentException($"A research question needs one or more distinct factors of gaussian, fgsm, ci, ld; [{string.Join(", ", factors)}] was given.", nameof(factors));
        }

        Id = id;
        Title = title;
        Factors = [.. factors];
    }

    /// <summary>The question's number.</summary>
    public ResearchQuestion Id { get; }

    /// <summary>The short name, <c>RQ1</c> .. <c>RQ6</c>.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"RQ{(int)Id}");

    /// <summary>The display title without the number (e.g. "FGSM training").</summary>
    public string Title { get; }

    /// <summary>The factor keys, in the order of the analysis (<see cref="Analysis.StudyTable.Factors"/>).</summary>
    public IReadOnlyList<string> Factors { get; }

    /// <summary>True when the question varies several factors together (analysed by multiple regression).</summary>
    public bool IsMultiFactor => Factors.Count > 1;

    /// <summary>True when a single-factor analysis is also split at the peak of the MNIST-A means (the paper's RQ2 segments).</summary>
    public virtual bool SplitsAtPeak => false;

    /// <summary>The paper's six questions and every registered one, by number.</summary>
    public static IReadOnlyList<StudyQuestion> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _registry.Values.OrderBy(q => q.Id)];
            }
        }
    }

    /// <summary>The question of a number.</summary>
    /// <param name="id">The number.</param>
    /// <returns>The question.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No question has that number.</exception>
    public static StudyQuestion For(ResearchQuestion id)
    {
        lock (_gate)
        {
            if (_registry.TryGetValue(id, out var question))
            {
                return question;
            }

            throw new ArgumentOutOfRangeException(nameof(id), id, string.Create(CultureInfo.InvariantCulture,
                $"There is no research question {(int)id}; known: {string.Join(", ", _registry.Keys.Order().Select(k => (int)k))}."));
        }
    }

    /// <summary>Whether a question with this number exists.</summary>
    /// <param name="id">The number.</param>
    /// <returns>True when <see cref="For"/> finds it.</returns>
    public static bool Exists(ResearchQuestion id)
    {
        lock (_gate)
        {
            return _registry.ContainsKey(id);
        }
    }

    /// <summary>Adds a question (a new number); registering the same instance again does nothing.</summary>
    /// <param name="question">The question.</param>
    /// <exception cref="InvalidOperationException">Another question has that number.</exception>
    public static void Register(StudyQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        lock (_gate)
        {
            if (_registry.TryGetValue(question.Id, out var existing))
            {
                if (ReferenceEquals(existing, question))
                {
                    return;
                }

                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Research question {(int)question.Id} is already {existing.Name} {existing.Title}."));
            }

            _registry = new Dictionary<ResearchQuestion, StudyQuestion>(_registry) { [question.Id] = question };
        }
    }

    /// <summary>The paper's levels of the question, set on <paramref name="design"/> (docs/method.md).</summary>
    /// <param name="design">A design of this question.</param>
    /// <returns>The design with the paper's levels.</returns>
    public abstract StudyDesign WithPaperLevels(StudyDesign design);

    /// <summary>The CPU-sized default levels of the question, set on <paramref name="design"/>.</summary>
    /// <param name="design">A design of this question.</param>
    /// <returns>The design with the scaled levels.</returns>
    public abstract StudyDesign WithScaledLevels(StudyDesign design);

    /// <summary>
    /// The question's levels from one list (<c>study run --levels</c>): by default every factor's list is set to
    /// <paramref name="levels"/>. A question whose factors cannot share one list throws.
    /// </summary>
    /// <param name="design">A design of this question.</param>
    /// <param name="levels">The levels.</param>
    /// <returns>The design with the levels.</returns>
    /// <exception cref="ArgumentException">The question does not take one list.</exception>
    public virtual StudyDesign WithLevels(StudyDesign design, IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(levels);
        return Factors.Aggregate(design, (d, f) => Factor.Of(f).WithLevels(d, levels));
    }

    /// <summary>The design points of a validated design of this question, in order; ids must be unique.</summary>
    /// <param name="design">The design.</param>
    /// <returns>The points.</returns>
    public abstract IReadOnlyList<DesignPoint> Points(StudyDesign design);

    /// <summary>Checks what is particular to the question beyond the ranges of its level lists (which <see cref="StudyDesign.Validate"/> checks).</summary>
    /// <param name="design">The design.</param>
    /// <exception cref="ArgumentException">The design does not fit the question.</exception>
    public virtual void Validate(StudyDesign design)
    {
    }

    /// <summary>The level list of a factor in a design.</summary>
    /// <param name="design">The design.</param>
    /// <param name="factor">The factor key.</param>
    /// <returns>The levels.</returns>
    public static IReadOnlyList<double> Levels(StudyDesign design, string factor)
    {
        ArgumentNullException.ThrowIfNull(design);
        return Factor.Of(factor).Levels(design);
    }

    /// <summary>The value of a factor in a stored row (class imbalance: the requested CI, or the reached CI when none was asked for).</summary>
    /// <param name="row">The row.</param>
    /// <param name="factor">The factor key.</param>
    /// <returns>The value.</returns>
    public static double Value(StudyRow row, string factor)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Factor.Of(factor).Value(row);
    }

    /// <summary>The display name of a factor key, e.g. "Gaussian l2 level".</summary>
    /// <param name="factor">The factor key.</param>
    /// <returns>The name.</returns>
    public static string FactorDisplayName(string factor) => Factor.Of(factor).DisplayName;

    /// <summary>The question's levels in the CLI's list syntax, e.g. "gaussian 0,2,4,6,8".</summary>
    /// <param name="design">A design of the question.</param>
    /// <returns>The text.</returns>
    public string DescribeLevels(StudyDesign design) =>
        string.Join("; ", Factors.Select(f => $"{f} {string.Join(",", Levels(design, f).Select(l => l.ToString("R", CultureInfo.InvariantCulture)))}"));

    /// <summary>A one-line name: "RQ2 FGSM training".</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Name} {Title}";

    /// <summary>
    /// Points of one factor: the clean set first as its own point (<c>rqN-clean</c>, when <see cref="StudyDesign.IncludeCleanPoint"/>
    /// and the levels do not hold the factor's clean value), then one point per level; a level equal to the clean value is the clean point.
    /// </summary>
    /// <param name="design">The design.</param>
    /// <param name="factor">The factor key.</param>
    /// <returns>The points.</returns>
    protected IReadOnlyList<DesignPoint> SingleFactorPoints(StudyDesign design, string factor)
    {
        ArgumentNullException.ThrowIfNull(design);
        var info = Factor.Of(factor);
        string rq = Prefix;
        var levels = info.Levels(design);
        var result = new List<DesignPoint>();
        double? clean = info.CleanValue;
        if (design.IncludeCleanPoint && !(clean is { } c && levels.Contains(c)))
        {
            result.Add(new DesignPoint($"{rq}-clean", Id, 0, 0, 0, 0, 0, null, 0, design.ZeroLevel));
        }

        foreach (double level in levels.OrderBy(l => clean is { } z && l == z ? 0 : 1))
        {
            string id = clean is { } z && level == z ? $"{rq}-clean" : $"{rq}-{info.Prefix}{DesignPoint.Text(level)}";
            result.Add(MakePoint(design, id, result.Count, new Dictionary<string, double> { [factor] = level }));
        }

        return result;
    }

    /// <summary>Points of every combination of the factors' levels (a full grid, first factor outermost).</summary>
    /// <param name="design">The design.</param>
    /// <returns>The points, ids <c>rqN-{prefix}{level}-...</c> (e.g. <c>rq5-g2-f4</c>).</returns>
    protected IReadOnlyList<DesignPoint> GridPoints(StudyDesign design)
    {
        ArgumentNullException.ThrowIfNull(design);
        IEnumerable<Dictionary<string, double>> combinations = [new Dictionary<string, double>(StringComparer.Ordinal)];
        foreach (string factor in Factors)
        {
            var levels = Factor.Of(factor).Levels(design);
            combinations = combinations.SelectMany(c => levels.Select(l => new Dictionary<string, double>(c, StringComparer.Ordinal) { [factor] = l }));
        }

        var result = new List<DesignPoint>();
        foreach (var values in combinations)
        {
            result.Add(MakePoint(design, PointId(values), result.Count, values));
        }

        return result;
    }

    /// <summary>
    /// Points of an orthogonal array: run r sets factor j to its level at <c>array[r, columns[j]]</c>
    /// (<see cref="OrthogonalArrays.MapFactors"/>).
    /// </summary>
    /// <param name="design">The design.</param>
    /// <param name="array">The array; each factor's list must hold <see cref="OrthogonalArray.Levels"/> levels.</param>
    /// <param name="columns">The array column of each factor, in <see cref="Factors"/> order.</param>
    /// <returns>The points, one per run.</returns>
    protected IReadOnlyList<DesignPoint> OrthogonalPoints(StudyDesign design, OrthogonalArray array, IReadOnlyList<int> columns)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(array);
        double[][] values = OrthogonalArrays.MapFactors(array, [.. Factors.Select(f => Factor.Of(f).Levels(design))], columns);
        var result = new List<DesignPoint>(array.Runs);
        for (int run = 0; run < array.Runs; run++)
        {
            var point = new Dictionary<string, double>(StringComparer.Ordinal);
            for (int j = 0; j < Factors.Count; j++)
            {
                point[Factors[j]] = values[j][run];
            }

            result.Add(MakePoint(design, PointId(point), run, point));
        }

        return result;
    }

    private string Prefix => string.Create(CultureInfo.InvariantCulture, $"rq{(int)Id}");

    private string PointId(Dictionary<string, double> values) =>
        Prefix + string.Concat(Factors.Select(f => $"-{Factor.Of(f).Prefix}{DesignPoint.Text(values[f])}"));

    /// <summary>
    /// A point from factor values: the added Gaussian and FGSM images share <see cref="StudyDesign.ImagesPerClass"/>
    /// (half each, Gaussian rounded down, when the question varies both; all of it otherwise).
    /// </summary>
    private DesignPoint MakePoint(StudyDesign design, string id, int index, Dictionary<string, double> values)
    {
        bool both = Factors.Contains(Factor.Gaussian.Key) && Factors.Contains(Factor.Fgsm.Key);
        int gk = both ? design.ImagesPerClass / 2 : design.ImagesPerClass;
        int fk = design.ImagesPerClass - (both ? gk : 0);
        double g = values.GetValueOrDefault(Factor.Gaussian.Key), f = values.GetValueOrDefault(Factor.Fgsm.Key);
        double? ci = values.TryGetValue(Factor.ClassImbalance.Key, out double c) ? c : null;
        double ld = values.GetValueOrDefault(Factor.LabelDisturbance.Key);
        return new DesignPoint(id, Id, index, g, values.ContainsKey(Factor.Gaussian.Key) ? gk : 0, f, values.ContainsKey(Factor.Fgsm.Key) ? fk : 0, ci, ld, design.ZeroLevel);
    }

    private static Dictionary<ResearchQuestion, StudyQuestion> BuiltIn()
    {
        StudyQuestion[] questions = [new SingleFactorQuestion(ResearchQuestion.Rq1, "Gaussian-noise training", Factor.Gaussian.Key, false),
            new SingleFactorQuestion(ResearchQuestion.Rq2, "FGSM training", Factor.Fgsm.Key, true),
            new SingleFactorQuestion(ResearchQuestion.Rq3, "class imbalance", Factor.ClassImbalance.Key, false),
            new SingleFactorQuestion(ResearchQuestion.Rq4, "label disturbance", Factor.LabelDisturbance.Key, false),
            new GaussianFgsmGridQuestion(), new OrthogonalQuestion()];
        return questions.ToDictionary(q => q.Id);
    }

    /// <summary>What the library knows about each of the four factors.</summary>
    /// <param name="Key">The key.</param>
    /// <param name="Prefix">The point-id prefix of its level.</param>
    /// <param name="DisplayName">The display name.</param>
    /// <param name="CleanValue">The level meaning "not perturbed" (none for CI: no value means "as is").</param>
    /// <param name="PaperLevels">The paper's levels when it is the only factor (RQ1-RQ4).</param>
    /// <param name="ScaledLevels">The scaled default levels when it is the only factor.</param>
    /// <param name="ListName">The name of its list in <see cref="StudyDesign"/>.</param>
    /// <param name="Max">The largest allowed level.</param>
    /// <param name="MaxExclusive">True when <paramref name="Max"/> itself is not allowed.</param>
    /// <param name="Levels">Its list in a design.</param>
    /// <param name="WithLevels">A design with its list replaced.</param>
    /// <param name="Value">Its value in a stored row.</param>
    internal sealed record Factor(string Key, string Prefix, string DisplayName, double? CleanValue, IReadOnlyList<double> PaperLevels, IReadOnlyList<double> ScaledLevels,
        string ListName, double Max, bool MaxExclusive, Func<StudyDesign, IReadOnlyList<double>> Levels, Func<StudyDesign, IReadOnlyList<double>, StudyDesign> WithLevels, Func<StudyRow, double> Value)
    {
        public static readonly Factor Gaussian = new("gaussian", "g", "Gaussian l2 level", 0, StudyDesign.PaperL2Levels, [0, 2, 4, 6, 8], nameof(StudyDesign.GaussianLevels), double.PositiveInfinity, false,
            d => d.GaussianLevels, (d, l) => d with { GaussianLevels = l }, r => r.GaussianLevel);

        public static readonly Factor Fgsm = new("fgsm", "f", "FGSM l2 level", 0, StudyDesign.PaperL2Levels, [0, 2, 4, 6, 8], nameof(StudyDesign.FgsmLevels), double.PositiveInfinity, false,
            d => d.FgsmLevels, (d, l) => d with { FgsmLevels = l }, r => r.FgsmLevel);

        public static readonly Factor ClassImbalance = new("ci", "ci", "class imbalance CI", null, StudyDesign.PaperClassImbalanceLevels, [0.3, 0.4, 0.5, 0.6], nameof(StudyDesign.ClassImbalanceLevels), 1, true,
            d => d.ClassImbalanceLevels, (d, l) => d with { ClassImbalanceLevels = l }, r => r.ClassImbalance ?? r.ReachedClassImbalance);

        public static readonly Factor LabelDisturbance = new("ld", "ld", "label disturbance LD", 0, StudyDesign.PaperLabelDisturbanceLevels, [0.1, 0.2, 0.3, 0.4, 0.5], nameof(StudyDesign.LabelDisturbanceLevels), Robustness.Data.DatasetBuilders.MaxLabelDisturbance, false,
            d => d.LabelDisturbanceLevels, (d, l) => d with { LabelDisturbanceLevels = l }, r => r.LabelDisturbance);

        public static IReadOnlyList<Factor> All { get; } = [Gaussian, Fgsm, ClassImbalance, LabelDisturbance];

        public static bool Known(string? key) => All.Any(f => f.Key == key);

        public static Factor Of(string factor) => All.FirstOrDefault(f => f.Key == factor)
            ?? throw new ArgumentException($"Unknown factor '{factor}'; expected gaussian, fgsm, ci or ld.", nameof(factor));
    }

    /// <summary>RQ1-RQ4: one factor against the clean set.</summary>
    private sealed class SingleFactorQuestion(ResearchQuestion id, string title, string factor, bool splitsAtPeak) : StudyQuestion(id, title, [factor])
    {
        public override bool SplitsAtPeak => splitsAtPeak;

        public override StudyDesign WithPaperLevels(StudyDesign design) => WithLevels(design, Factor.Of(factor).PaperLevels);

        public override StudyDesign WithScaledLevels(StudyDesign design) => WithLevels(design, Factor.Of(factor).ScaledLevels);

        public override IReadOnlyList<DesignPoint> Points(StudyDesign design) => SingleFactorPoints(design, factor);
    }

    /// <summary>RQ5: Gaussian x FGSM on a full grid.</summary>
    private sealed class GaussianFgsmGridQuestion() : StudyQuestion(ResearchQuestion.Rq5, "Gaussian x FGSM", [Factor.Gaussian.Key, Factor.Fgsm.Key])
    {
        public override StudyDesign WithPaperLevels(StudyDesign design) => WithLevels(design, StudyDesign.PaperGridLevels);

        public override StudyDesign WithScaledLevels(StudyDesign design) => WithLevels(design, [0, 4, 8]);

        public override IReadOnlyList<DesignPoint> Points(StudyDesign design) => GridPoints(design);
    }

    /// <summary>RQ6: the four factors on the L25 orthogonal array (five levels each).</summary>
    private sealed class OrthogonalQuestion() : StudyQuestion(ResearchQuestion.Rq6, "all four factors",
        [Factor.Gaussian.Key, Factor.Fgsm.Key, Factor.ClassImbalance.Key, Factor.LabelDisturbance.Key])
    {
        public override StudyDesign WithPaperLevels(StudyDesign design)
        {
            ArgumentNullException.ThrowIfNull(design);
            return design with
            {
                GaussianLevels = StudyDesign.PaperRq6L2Levels,
                FgsmLevels = StudyDesign.PaperRq6L2Levels,
                ClassImbalanceLevels = StudyDesign.PaperRq6ClassImbalanceLevels,
                LabelDisturbanceLevels = StudyDesign.PaperRq6LabelDisturbanceLevels,
            };
        }

        // An orthogonal array cannot lose runs: the scaled design keeps the paper's L25.
        public override StudyDesign WithScaledLevels(StudyDesign design) => WithPaperLevels(design);

        public override StudyDesign WithLevels(StudyDesign design, IReadOnlyList<double> levels) =>
            throw new ArgumentException("RQ6 has four level lists on an L25 orthogonal array; set GaussianLevels, FgsmLevels, ClassImbalanceLevels and LabelDisturbanceLevels with 'with { ... }' (one list does not apply).", nameof(levels));

        public override IReadOnlyList<DesignPoint> Points(StudyDesign design)
        {
            ArgumentNullException.ThrowIfNull(design);
            return OrthogonalPoints(design, OrthogonalArrays.L25(), design.OrthogonalColumns);
        }

        public override void Validate(StudyDesign design)
        {
            ArgumentNullException.ThrowIfNull(design);
            var array = OrthogonalArrays.L25();
            var columns = design.OrthogonalColumns;
            if (columns.Count != 4 || columns.Distinct().Count() != 4 || columns.Any(c => c < 0 || c >= array.Columns))
            {
                throw new ArgumentException($"OrthogonalColumns must name 4 distinct columns of L25 in [0, {array.Columns}); [{string.Join(", ", columns)}] was given.", nameof(design));
            }

            foreach (string factor in Factors)
            {
                int count = Levels(design, factor).Count;
                if (count != array.Levels)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"RQ6 runs on L25: the {factor} levels must be exactly {array.Levels}; {count} were given."), nameof(design));
                }
            }
        }
    }
}
