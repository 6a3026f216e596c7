using System.Globalization;

namespace Robustness.Data;

/// <summary>
/// An immutable labelled set of grey images: <see cref="Count"/> images of <see cref="Height"/> x
/// <see cref="Width"/> float32 pixels in [0, 1], each with a label in 0..<see cref="ClassCount"/>-1.
/// </summary>
/// <remarks>
/// Pixels are stored once. <see cref="Subset"/> and <see cref="WithLabels"/> return views that share
/// the parent's pixel storage (a subset keeps an index map into it), so selecting, rebalancing or
/// relabelling a 60,000-image set copies no pixels. <see cref="Compact"/> or <see cref="CopyPixelsTo"/>
/// produce one contiguous block when a consumer (a tensor) needs it. Labels are per set (small).
/// </remarks>
public sealed class ImageSet
{
    private readonly float[] _pixels;
    private readonly int[]? _map;
    private readonly int[] _labels;
    private int[]? _classCounts;

    private ImageSet(string name, float[] pixels, int[]? map, int[] labels, int height, int width, int classCount)
    {
        Name = name;
        _pixels = pixels;
        _map = map;
        _labels = labels;
        Height = height;
        Width = width;
        ClassCount = classCount;
    }

    /// <summary>The set's name (used in file names, logs and reports).</summary>
    public string Name { get; }

    /// <summary>The number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>The image height in pixels (rows).</summary>
    public int Height { get; }

    /// <summary>The image width in pixels (columns).</summary>
    public int Width { get; }

    /// <summary>Pixels per image: <see cref="Height"/> x <see cref="Width"/>.</summary>
    public int PixelsPerImage => Height * Width;

    /// <summary>The number of classes; labels are 0..ClassCount-1.</summary>
    public int ClassCount { get; }

    /// <summary>The labels, one per image, in image order.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>True when the images lie contiguously, in order, in the storage (no index map).</summary>
    public bool IsContiguous => _map is null;

    /// <summary>The number of images of each class (index = label); computed once.</summary>
    public IReadOnlyList<int> ClassCounts => _classCounts ??= CountClasses(_labels, ClassCount);

    /// <summary>The pixel storage, shared between a set and its views (for tests and fast paths).</summary>
    internal float[] Storage => _pixels;

    /// <summary>
    /// Creates a set from pixels and labels, validating everything. The set TAKES OWNERSHIP of both
    /// arrays without copying: the caller must not change them afterwards.
    /// </summary>
    /// <param name="name">The set's name; not empty.</param>
    /// <param name="pixels">Count x height x width pixels, row-major, image after image; each finite and within [0, 1].</param>
    /// <param name="labels">One label per image, each within 0..classCount-1; its length is the image count.</param>
    /// <param name="height">Image height, positive.</param>
    /// <param name="width">Image width, positive.</param>
    /// <param name="classCount">The number of classes, positive.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentException">A length, label or pixel is out of range.</exception>
    public static ImageSet Create(string name, float[] pixels, int[] labels, int height, int width, int classCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        long expected = (long)labels.Length * height * width;
        if (pixels.Length != expected)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"{labels.Length:N0} labels of {height} x {width} images need {expected:N0} pixels; {pixels.Length:N0} were given."), nameof(pixels));
        }

        CheckLabels(labels, classCount, nameof(labels));
        for (int i = 0; i < pixels.Length; i++)
        {
            float p = pixels[i];
            if (!(p >= 0f && p <= 1f))
            {
                int ppi = height * width;
                throw new ArgumentException(FormattableString.Invariant(
                    $"Pixel {i:N0} (image {i / ppi}, row {i % ppi / width}, column {i % width}) is {p.ToString("R", CultureInfo.InvariantCulture)}; every pixel must be finite and within [0, 1]."),
                    nameof(pixels));
            }
        }

        return new ImageSet(name, pixels, null, labels, height, width, classCount);
    }

    /// <summary>Creates a set from arrays already checked by the caller (lengths, labels, pixels).</summary>
    internal static ImageSet CreateTrusted(string name, float[] pixels, int[] labels, int height, int width, int classCount) =>
        new(name, pixels, null, labels, height, width, classCount);

    /// <summary>
    /// Concatenates sets (in the order given) into one new contiguous set. All must have the same
    /// image size and class count.
    /// </summary>
    /// <param name="name">The merged set's name.</param>
    /// <param name="sets">The sets, at least one.</param>
    /// <returns>The merged set; its pixels are copied once.</returns>
    /// <exception cref="ArgumentException">No sets, or sets of different sizes or class counts.</exception>
    public static ImageSet Merge(string name, params ImageSet[] sets)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Length == 0)
        {
            throw new ArgumentException("Merge needs at least one set; none were given.", nameof(sets));
        }

        var first = sets[0] ?? throw new ArgumentException("Set 0 is null.", nameof(sets));
        long count = 0;
        for (int s = 0; s < sets.Length; s++)
        {
            var set = sets[s] ?? throw new ArgumentException($"Set {s} is null.", nameof(sets));
            if (set.Height != first.Height || set.Width != first.Width || set.ClassCount != first.ClassCount)
            {
                throw new ArgumentException(
                    $"Merge needs sets of the same image size and class count: '{first.Name}' is {first.Height} x {first.Width} with {first.ClassCount} classes, '{set.Name}' (set {s}) is {set.Height} x {set.Width} with {set.ClassCount} classes.",
                    nameof(sets));
            }

            count += set.Count;
        }

        if (count * first.PixelsPerImage > Array.MaxLength)
        {
            throw new ArgumentException(FormattableString.Invariant($"The merged set would hold {count * first.PixelsPerImage:N0} pixels, more than one array can hold."), nameof(sets));
        }

        var pixels = new float[count * first.PixelsPerImage];
        var labels = new int[count];
        int at = 0;
        foreach (var set in sets)
        {
            set.CopyPixelsTo(pixels.AsSpan(at * first.PixelsPerImage, set.Count * first.PixelsPerImage));
            set._labels.CopyTo(labels, at);
            at += set.Count;
        }

        return new ImageSet(name, pixels, null, labels, first.Height, first.Width, first.ClassCount);
    }

    /// <summary>The pixels of one image, row-major (a view into the storage, no copy).</summary>
    /// <param name="index">The image index, 0..Count-1.</param>
    /// <returns>The <see cref="PixelsPerImage"/> pixels.</returns>
    public ReadOnlySpan<float> GetImage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int ppi = PixelsPerImage;
        int at = _map is null ? index : _map[index];
        return new ReadOnlySpan<float>(_pixels, at * ppi, ppi);
    }

    /// <summary>The label of one image.</summary>
    /// <param name="index">The image index, 0..Count-1.</param>
    /// <returns>The label, 0..ClassCount-1.</returns>
    public int GetLabel(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _labels[index];
    }

    /// <summary>
    /// A view of some images, in the order given (an index may repeat). It shares this set's pixel
    /// storage and keeps an index map: no pixel is copied.
    /// </summary>
    /// <param name="indices">Indices into this set, each 0..Count-1.</param>
    /// <param name="name">The subset's name; defaults to this set's name.</param>
    /// <returns>The subset.</returns>
    public ImageSet Subset(IReadOnlyList<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var map = new int[indices.Count];
        var labels = new int[indices.Count];
        for (int i = 0; i < map.Length; i++)
        {
            int j = indices[i];
            if ((uint)j >= (uint)Count)
            {
                throw new ArgumentException(FormattableString.Invariant(
                    $"Index {j} at position {i} is outside 0..{Count - 1} (set '{Name}' holds {Count:N0} images)."), nameof(indices));
            }

            map[i] = _map is null ? j : _map[j];
            labels[i] = _labels[j];
        }

        return new ImageSet(name ?? Name, _pixels, map, labels, Height, Width, ClassCount);
    }

    /// <summary>The same images (shared storage) with other labels.</summary>
    /// <param name="labels">One label per image, each 0..ClassCount-1; the set takes ownership of the array.</param>
    /// <param name="name">The new set's name; defaults to this set's name.</param>
    /// <returns>The relabelled set.</returns>
    public ImageSet WithLabels(int[] labels, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != Count)
        {
            throw new ArgumentException(FormattableString.Invariant($"Set '{Name}' holds {Count:N0} images; {labels.Length:N0} labels were given."), nameof(labels));
        }

        CheckLabels(labels, ClassCount, nameof(labels));
        return new ImageSet(name ?? Name, _pixels, _map, labels, Height, Width, ClassCount);
    }

    /// <summary>A copy whose pixels lie contiguously in image order; returns this set when it already is compact.</summary>
    /// <param name="name">The copy's name; defaults to this set's name.</param>
    /// <returns>A contiguous set.</returns>
    public ImageSet Compact(string? name = null)
    {
        if (_map is null && _pixels.Length == Count * PixelsPerImage && (name is null || name == Name))
        {
            return this;
        }

        var pixels = new float[Count * PixelsPerImage];
        CopyPixelsTo(pixels);
        return new ImageSet(name ?? Name, pixels, null, (int[])_labels.Clone(), Height, Width, ClassCount);
    }

    /// <summary>Copies all pixels, image after image, into a contiguous buffer.</summary>
    /// <param name="destination">At least Count x PixelsPerImage floats.</param>
    public void CopyPixelsTo(Span<float> destination)
    {
        int ppi = PixelsPerImage;
        if (destination.Length < (long)Count * ppi)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"Set '{Name}' needs {(long)Count * ppi:N0} floats; the destination holds {destination.Length:N0}."), nameof(destination));
        }

        if (_map is null)
        {
            _pixels.AsSpan(0, Count * ppi).CopyTo(destination);
            return;
        }

        for (int i = 0; i < _map.Length; i++)
        {
            _pixels.AsSpan(_map[i] * ppi, ppi).CopyTo(destination.Slice(i * ppi, ppi));
        }
    }

    /// <summary>Copies the labels into a new array.</summary>
    /// <returns>The labels.</returns>
    public int[] CopyLabels() => (int[])_labels.Clone();

    /// <summary>The imbalance degree of one class: CI_l = 1 - n_l / max_k n_k.</summary>
    /// <param name="classIndex">The class, 0..ClassCount-1.</param>
    /// <returns>0 for a largest class, up to 1 for an empty class.</returns>
    /// <exception cref="InvalidOperationException">The set is empty.</exception>
    public double ImbalanceDegree(int classIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classIndex, ClassCount);
        return 1.0 - ((double)ClassCounts[classIndex] / MaxClassCount());
    }

    /// <summary>
    /// The imbalance degree of the set: that of its smallest class, 1 - min_l n_l / max_k n_k
    /// (clean MNIST test: 1 - 892/1135 = 0.2141).
    /// </summary>
    /// <returns>The degree in [0, 1].</returns>
    /// <exception cref="InvalidOperationException">The set is empty.</exception>
    public double ImbalanceDegree() => 1.0 - ((double)ClassCounts.Min() / MaxClassCount());

    /// <summary>Label disturbance LD: the fraction of images whose label differs from the true label.</summary>
    /// <param name="trueLabels">The true labels, one per image.</param>
    /// <returns>The fraction in [0, 1]; 0 for an empty set.</returns>
    public double LabelDisturbance(ReadOnlySpan<int> trueLabels)
    {
        CheckTrueLabels(trueLabels);
        if (Count == 0)
        {
            return 0;
        }

        int wrong = 0;
        for (int i = 0; i < _labels.Length; i++)
        {
            if (_labels[i] != trueLabels[i])
            {
                wrong++;
            }
        }

        return (double)wrong / Count;
    }

    /// <summary>
    /// Label disturbance per true class: for each class c, the fraction of images whose true label is
    /// c and whose label here differs (0 for a class without images).
    /// </summary>
    /// <param name="trueLabels">The true labels, one per image, each 0..ClassCount-1.</param>
    /// <returns>ClassCount fractions.</returns>
    public IReadOnlyList<double> LabelDisturbanceByClass(ReadOnlySpan<int> trueLabels)
    {
        CheckTrueLabels(trueLabels);
        var wrong = new int[ClassCount];
        var total = new int[ClassCount];
        for (int i = 0; i < _labels.Length; i++)
        {
            int t = trueLabels[i];
            if ((uint)t >= (uint)ClassCount)
            {
                throw new ArgumentException(FormattableString.Invariant($"True label {t} at index {i} is outside 0..{ClassCount - 1}."), nameof(trueLabels));
            }

            total[t]++;
            if (_labels[i] != t)
            {
                wrong[t]++;
            }
        }

        return Enumerable.Range(0, ClassCount).Select(c => total[c] == 0 ? 0.0 : (double)wrong[c] / total[c]).ToArray();
    }

    /// <summary>A short description: name, count, size, classes.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}: {Count:N0} images of {Height} x {Width}, {ClassCount} classes");

    internal static void CheckLabels(int[] labels, int classCount, string paramName)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException(FormattableString.Invariant(
                    $"Label {labels[i]} at index {i} is outside 0..{classCount - 1}."), paramName);
            }
        }
    }

    private static int[] CountClasses(int[] labels, int classCount)
    {
        var counts = new int[classCount];
        foreach (int label in labels)
        {
            counts[label]++;
        }

        return counts;
    }

    private int MaxClassCount()
    {
        int max = ClassCounts.Max();
        if (max == 0)
        {
            throw new InvalidOperationException($"Set '{Name}' is empty; its imbalance degree is undefined.");
        }

        return max;
    }

    private void CheckTrueLabels(ReadOnlySpan<int> trueLabels)
    {
        if (trueLabels.Length != Count)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"Set '{Name}' holds {Count:N0} images; {trueLabels.Length:N0} true labels were given."), nameof(trueLabels));
        }
    }
}
