using Robustness.Randomness;
using System.Globalization;

namespace Robustness.Data;

/// <summary>
/// Builds the study's training sets from a clean set: class imbalance (RQ3), label errors (RQ4),
/// stratified subsets and merges. Every random choice takes an explicit seed and uses
/// <see cref="Xoshiro256StarStar"/> (one independent stream per class, derived from the seed and the
/// class), so a seed gives the same set on every machine and .NET version.
/// </summary>
/// <remarks>
/// Counts are rounded as the protocol states, round(x) with <see cref="MidpointRounding.AwayFromZero"/>,
/// computed in <see cref="decimal"/> from the double's shortest decimal form, so that a level such as
/// 0.3 behaves as the decimal 0.3 (0.3 x 6742 rounds from 2022.6, and 0.25 x 6742 = 1685.5 rounds to 1686,
/// never to 1685 because of binary representation error).
/// </remarks>
public static class DatasetBuilders
{
    /// <summary>The cost of one label moving a class's observed count away from its true size.</summary>
    private const int Overshoot = 1_000_000;

    /// <summary>The largest label disturbance accepted.</summary>
    public const double MaxLabelDisturbance = 0.9;

    /// <summary>
    /// Class imbalance: keeps the majority class whole (the first one when several are largest) and
    /// reduces every other class to round((1 - <paramref name="ci"/>) x n_max) images by removing
    /// samples, chosen uniformly per class by the seed. Kept images stay in their original order.
    /// The result is a view sharing the pixels of <paramref name="set"/>.
    /// </summary>
    /// <param name="set">The clean set, not empty.</param>
    /// <param name="ci">The imbalance degree CI, in [the set's own imbalance degree, 1).</param>
    /// <param name="seed">The seed of the choice of kept samples.</param>
    /// <param name="name">The result's name; defaults to "{set.Name}-ci{ci}".</param>
    /// <returns>A set whose every non-majority class has exactly round((1 - ci) x n_max) images.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="ci"/> is NaN, negative, at least 1, would leave a class empty, or lies below the
    /// set's own imbalance (a class would need more images than it has).
    /// </exception>
    public static ImageSet WithClassImbalance(ImageSet set, double ci, ulong seed, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (!(ci >= 0 && ci < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ci), ci, $"The class-imbalance degree CI must lie in [0, 1); {Text(ci)} was given.");
        }

        RequireNotEmpty(set);
        var counts = set.ClassCounts;
        int majority = 0;
        for (int c = 1; c < counts.Count; c++)
        {
            if (counts[c] > counts[majority])
            {
                majority = c;
            }
        }

        int nMax = counts[majority];
        int target = RoundCount(1m - ToDecimal(ci), nMax);
        if (target == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ci), ci, FormattableString.Invariant(
                $"CI = {Text(ci)} would leave round((1 - CI) x {nMax}) = 0 images in every class but the majority class {majority}; choose a CI below 1 - 0.5/{nMax}."));
        }

        for (int c = 0; c < counts.Count; c++)
        {
            if (c != majority && counts[c] < target)
            {
                throw new ArgumentException(FormattableString.Invariant(
                    $"CI = {Text(ci)} needs round((1 - CI) x {nMax}) = {target} images in class {c}, but set '{set.Name}' has only {counts[c]}; CI must lie in [{Text(set.ImbalanceDegree())} (the set's own imbalance degree), 1)."),
                    nameof(ci));
            }
        }

        var keep = new int[counts.Count];
        for (int c = 0; c < keep.Length; c++)
        {
            keep[c] = c == majority ? counts[c] : target;
        }

        return set.Subset(ChooseByClass(set, keep, seed), name ?? $"{set.Name}-ci{Text(ci)}");
    }

    /// <summary>
    /// Label disturbance: relabels round(<paramref name="ld"/> x n_c) images of every class c (the same
    /// share in every class), spreading the wrong labels of a class as evenly as possible over the other
    /// classes. The set's labels are taken as the true labels. Images are relabelled, never added or
    /// removed, and share the pixels of <paramref name="set"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Per class c with m_c = round(ld x n_c) wrong labels, every other class receives floor(m_c / (K-1))
    /// or one more of them (K = class count), so the counts sent to the targets differ by at most 1.
    /// Which images are relabelled and, for the m_c mod (K-1) remainder, which targets get the extra one
    /// are chosen by the seed.
    /// </para>
    /// <para>
    /// "Class sizes stay" means: the number of images of each TRUE class is unchanged (it is the same
    /// images), the total is unchanged, and exactly m_c images of true class c carry a wrong label. The
    /// number of images CARRYING label c changes by (wrong labels received) - (wrong labels sent).
    /// The remainder targets are chosen by a small min-cost flow so that the total of these changes,
    /// sum_c |received_c - sent_c|, is as small as the even spreading allows: when all classes send the same number of wrong labels (e.g. classes of
    /// equal size) the observed label counts equal the true class sizes exactly; with unequal classes
    /// (MNIST) the even spreading itself makes small classes receive more than they send, and the
    /// observed counts shift by that amount (a few dozen images per class at LD = 0.3 on MNIST-Test).
    /// </para>
    /// </remarks>
    /// <param name="set">The clean set (its labels are the truth), at least 2 classes when ld &gt; 0.</param>
    /// <param name="ld">The label disturbance LD, in [0, 0.9].</param>
    /// <param name="seed">The seed of the choice of samples and remainder targets.</param>
    /// <param name="name">The result's name; defaults to "{set.Name}-ld{ld}".</param>
    /// <returns>The relabelled set; LabelDisturbance(set.Labels) is ld up to the per-class rounding.</returns>
    /// <exception cref="ArgumentException"><paramref name="ld"/> is NaN or outside [0, 0.9], or the set has one class.</exception>
    public static ImageSet WithLabelErrors(ImageSet set, double ld, ulong seed, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (!(ld >= 0 && ld <= MaxLabelDisturbance))
        {
            throw new ArgumentOutOfRangeException(nameof(ld), ld, $"The label disturbance LD must lie in [0, {Text(MaxLabelDisturbance)}]; {Text(ld)} was given.");
        }

        int k = set.ClassCount;
        if (k < 2 && ld > 0)
        {
            throw new ArgumentException($"Set '{set.Name}' has one class; a wrong label needs at least 2 classes.", nameof(set));
        }

        var counts = set.ClassCounts;
        var wrong = new int[k];
        for (int c = 0; c < k; c++)
        {
            wrong[c] = RoundCount(ToDecimal(ld), counts[c]);
        }

        int[,] flows = k < 2 ? new int[k, k] : SpreadEvenly(wrong, seed);
        int[] labels = set.CopyLabels();
        var members = IndicesByClass(set);
        for (int c = 0; c < k; c++)
        {
            if (wrong[c] == 0)
            {
                continue;
            }

            var rng = new Xoshiro256StarStar(Xoshiro256StarStar.Derive(seed, (ulong)c));
            var indices = members[c];
            rng.ChooseInPlace(indices.AsSpan(), wrong[c]);

            // indices[0..m) are the chosen images in random order: give them the targets in blocks.
            int at = 0;
            for (int t = 0; t < k; t++)
            {
                for (int n = 0; n < flows[c, t]; n++)
                {
                    labels[indices[at++]] = t;
                }
            }
        }

        return set.WithLabels(labels, name ?? $"{set.Name}-ld{Text(ld)}");
    }

    /// <summary>
    /// A stratified subset: <paramref name="perClass"/> images of every class, chosen uniformly per
    /// class by the seed, in their original order (a view sharing the pixels).
    /// </summary>
    /// <param name="set">The set.</param>
    /// <param name="perClass">Images per class, 0..the smallest class's size.</param>
    /// <param name="seed">The seed of the choice.</param>
    /// <param name="name">The result's name; defaults to "{set.Name}-{perClass}pc".</param>
    /// <returns>The subset.</returns>
    /// <exception cref="ArgumentException">A class has fewer than <paramref name="perClass"/> images.</exception>
    public static ImageSet StratifiedSubset(ImageSet set, int perClass, ulong seed, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfNegative(perClass);
        return StratifiedSubset(set, Enumerable.Repeat(perClass, set.ClassCount).ToArray(), seed,
            name ?? string.Create(CultureInfo.InvariantCulture, $"{set.Name}-{perClass}pc"));
    }

    /// <summary>
    /// A stratified subset with a count per class, chosen uniformly per class by the seed, in
    /// original order (a view sharing the pixels).
    /// </summary>
    /// <param name="set">The set.</param>
    /// <param name="perClassCounts">One count per class, each 0..that class's size.</param>
    /// <param name="seed">The seed of the choice.</param>
    /// <param name="name">The result's name; defaults to the set's name.</param>
    /// <returns>The subset.</returns>
    /// <exception cref="ArgumentException">Wrong number of counts, a negative count, or more than a class has.</exception>
    public static ImageSet StratifiedSubset(ImageSet set, IReadOnlyList<int> perClassCounts, ulong seed, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(perClassCounts);
        if (perClassCounts.Count != set.ClassCount)
        {
            throw new ArgumentException($"Set '{set.Name}' has {set.ClassCount} classes; {perClassCounts.Count} per-class counts were given.", nameof(perClassCounts));
        }

        var counts = set.ClassCounts;
        var keep = new int[set.ClassCount];
        for (int c = 0; c < keep.Length; c++)
        {
            int want = perClassCounts[c];
            if (want < 0 || want > counts[c])
            {
                throw new ArgumentException(FormattableString.Invariant(
                    $"{want} images of class {c} were asked for, but set '{set.Name}' has {counts[c]} of class {c}; allowed 0..{counts[c]}."),
                    nameof(perClassCounts));
            }

            keep[c] = want;
        }

        return set.Subset(ChooseByClass(set, keep, seed), name);
    }

    /// <summary>Concatenates sets; see <see cref="ImageSet.Merge"/>.</summary>
    /// <param name="name">The merged set's name.</param>
    /// <param name="sets">The sets, of equal image size and class count.</param>
    /// <returns>The merged set.</returns>
    public static ImageSet Merge(string name, params ImageSet[] sets) => ImageSet.Merge(name, sets);

    /// <summary>round(share x n) away from zero, in decimal.</summary>
    internal static int RoundCount(decimal share, int n) => (int)Math.Round(share * n, MidpointRounding.AwayFromZero);

    /// <summary>The double as the decimal of its shortest round-trip text (0.3 becomes 0.3m exactly).</summary>
    internal static decimal ToDecimal(double value) =>
        decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>
    /// The number of wrong labels each class sends to each other class: floor(m_c / (K-1)) each, plus
    /// one for m_c mod (K-1) targets. The targets of these remainders are chosen by a min-cost flow that
    /// minimises sum_c |received_c - sent_c| (how far the observed label counts move from the true
    /// class sizes); it is zero whenever that is possible. Ties are broken by the seed.
    /// </summary>
    internal static int[,] SpreadEvenly(IReadOnlyList<int> wrong, ulong seed)
    {
        int k = wrong.Count;
        var flows = new int[k, k];
        var remainder = new int[k];
        var baseIn = new int[k];
        for (int d = 0; d < k; d++)
        {
            int q = wrong[d] / (k - 1);
            remainder[d] = wrong[d] % (k - 1);
            for (int c = 0; c < k; c++)
            {
                if (c != d)
                {
                    flows[d, c] = q;
                    baseIn[c] += q;
                }
            }
        }

        // deficit[c]: extra wrong labels class c must receive so that it receives as many as it sends.
        var deficit = new int[k];
        for (int c = 0; c < k; c++)
        {
            deficit[c] = wrong[c] - baseIn[c];
        }

        var rng = new Xoshiro256StarStar(Xoshiro256StarStar.Derive(seed, 0xF10F10UL));
        var extra = MinCostExtras(remainder, deficit, rng);
        for (int d = 0; d < k; d++)
        {
            for (int c = 0; c < k; c++)
            {
                flows[d, c] += extra[d, c];
            }
        }

        return flows;
    }

    /// <summary>
    /// Min-cost flow (successive shortest paths, Bellman-Ford) on source → sender d (capacity
    /// remainder[d]) → receiver c ≠ d (capacity 1) → sink, where a receiver's first max(0, deficit[c])
    /// units earn one Overshoot and any further unit costs one (plus a small term growing with how far
    /// the class already is above balance): all remainders are placed, sum |deficit - extras| is
    /// minimal, and among such placements the excess is spread. Edge order is shuffled by the seed, so equally good placements are chosen by it.
    /// </summary>
    private static int[,] MinCostExtras(int[] remainder, int[] deficit, Xoshiro256StarStar rng)
    {
        int k = remainder.Length;
        int source = 2 * k, sink = (2 * k) + 1, nodes = (2 * k) + 2;
        var graph = new FlowGraph(nodes);
        var senderEdges = new int[k, k];
        for (int d = 0; d < k; d++)
        {
            graph.Add(source, d, remainder[d], 0);
        }

        var pairs = new List<(int D, int C)>();
        for (int d = 0; d < k; d++)
        {
            for (int c = 0; c < k; c++)
            {
                if (c != d)
                {
                    pairs.Add((d, c));
                }
            }
        }

        var shuffled = pairs.ToArray();
        rng.Shuffle(shuffled.AsSpan());
        foreach (var (d, c) in shuffled)
        {
            senderEdges[d, c] = graph.Add(d, k + c, 1, 0);
        }

        var receivers = Enumerable.Range(0, k).ToArray();
        rng.Shuffle(receivers.AsSpan());
        foreach (int c in receivers)
        {
            int wanted = Math.Clamp(deficit[c], 0, k - 1);
            if (wanted > 0)
            {
                graph.Add(k + c, sink, wanted, -Overshoot);
            }

            // Units beyond the deficit overshoot: each costs the same first (Overshoot), then a little
            // more the further the class already is above balance, so the overshoot is spread out.
            int above = Math.Max(0, -deficit[c]);
            for (int j = 0; j < k - 1; j++)
            {
                graph.Add(k + c, sink, 1, Overshoot + above + j);
            }
        }

        int total = remainder.Sum();
        int placed = graph.MinCostFlow(source, sink, total);
        if (placed != total)
        {
            throw new InvalidOperationException($"Internal error: placed {placed} of {total} remainder labels.");
        }

        var extra = new int[k, k];
        foreach (var (d, c) in pairs)
        {
            extra[d, c] = graph.FlowOf(senderEdges[d, c]);
        }

        return extra;
    }

    /// <summary>A tiny flow network (edge list) with min-cost flow by successive shortest paths.</summary>
    private sealed class FlowGraph(int nodes)
    {
        private readonly List<int>[] _out = Enumerable.Range(0, nodes).Select(_ => new List<int>()).ToArray();
        private readonly List<(int To, int Cap, int Cost)> _edges = [];

        public int Add(int from, int to, int cap, int cost)
        {
            int id = _edges.Count;
            _edges.Add((to, cap, cost));
            _out[from].Add(id);
            _edges.Add((from, 0, -cost));
            _out[to].Add(id + 1);
            return id;
        }

        /// <summary>The flow on an edge: the residual capacity of its reverse edge.</summary>
        public int FlowOf(int edge) => _edges[edge ^ 1].Cap;

        public int MinCostFlow(int source, int sink, int want)
        {
            int n = _out.Length;
            int flow = 0;
            var dist = new long[n];
            var via = new int[n];
            while (flow < want)
            {
                Array.Fill(dist, long.MaxValue);
                Array.Fill(via, -1);
                dist[source] = 0;

                // Bellman-Ford: the residual graph has negative costs but no negative cycles.
                for (int round = 0; round < n; round++)
                {
                    bool changed = false;
                    for (int v = 0; v < n; v++)
                    {
                        if (dist[v] == long.MaxValue)
                        {
                            continue;
                        }

                        foreach (int e in _out[v])
                        {
                            var (to, cap, cost) = _edges[e];
                            if (cap > 0 && dist[v] + cost < dist[to])
                            {
                                dist[to] = dist[v] + cost;
                                via[to] = e;
                                changed = true;
                            }
                        }
                    }

                    if (!changed)
                    {
                        break;
                    }
                }

                if (dist[sink] == long.MaxValue)
                {
                    break;
                }

                for (int v = sink; v != source; v = _edges[via[v] ^ 1].To)
                {
                    int e = via[v];
                    _edges[e] = _edges[e] with { Cap = _edges[e].Cap - 1 };
                    _edges[e ^ 1] = _edges[e ^ 1] with { Cap = _edges[e ^ 1].Cap + 1 };
                }

                flow++;
            }

            return flow;
        }
    }

    private static int[][] IndicesByClass(ImageSet set)
    {
        var counts = set.ClassCounts;
        var members = new int[set.ClassCount][];
        var fill = new int[set.ClassCount];
        for (int c = 0; c < members.Length; c++)
        {
            members[c] = new int[counts[c]];
        }

        var labels = set.Labels;
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels[i];
            members[c][fill[c]++] = i;
        }

        return members;
    }

    /// <summary>Chooses keep[c] images of every class c by the seed; returns them in original order.</summary>
    private static int[] ChooseByClass(ImageSet set, int[] keep, ulong seed)
    {
        var members = IndicesByClass(set);
        var chosen = new List<int>(keep.Sum());
        for (int c = 0; c < members.Length; c++)
        {
            var indices = members[c];
            if (keep[c] < indices.Length)
            {
                var rng = new Xoshiro256StarStar(Xoshiro256StarStar.Derive(seed, (ulong)c));
                rng.ChooseInPlace(indices.AsSpan(), keep[c]);
            }

            chosen.AddRange(indices.AsSpan(0, keep[c]));
        }

        var result = chosen.ToArray();
        Array.Sort(result);
        return result;
    }

    private static void RequireNotEmpty(ImageSet set)
    {
        if (set.Count == 0)
        {
            throw new ArgumentException($"Set '{set.Name}' is empty.", nameof(set));
        }
    }

    private static string Text(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
