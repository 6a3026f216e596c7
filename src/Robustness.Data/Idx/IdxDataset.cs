using System.Globalization;

namespace Robustness.Data;

/// <summary>
/// Loads and saves an <see cref="ImageSet"/> as a pair of IDX files: images (3 dimensions, unsigned
/// byte or float32) and labels (1 dimension, unsigned byte), raw or gzip, as MNIST ships them.
/// </summary>
public static class IdxDataset
{
    /// <summary>
    /// The float of every byte value k: k / 255f, the float nearest to k/255. Loading scales bytes
    /// through this table and saving as bytes accepts exactly these 256 values.
    /// </summary>
    private static readonly float[] _byteToPixel = Enumerable.Range(0, 256).Select(k => k / 255f).ToArray();

    /// <summary>
    /// Loads an image set. Unsigned-byte pixels k become k / 255f; float32 pixels must already lie within [0, 1].
    /// </summary>
    /// <param name="imagesPath">The images file (IDX magic 0x00000803 or 0x00000D03), raw or gzip.</param>
    /// <param name="labelsPath">The labels file (IDX magic 0x00000801), raw or gzip.</param>
    /// <param name="name">The set's name.</param>
    /// <param name="classCount">The number of classes; every label must lie within 0..classCount-1.</param>
    /// <param name="cancellationToken">Stops the read between chunks.</param>
    /// <returns>The set.</returns>
    /// <exception cref="InvalidDataException">A file is malformed, the counts differ, a label or a float pixel is out of range; the message starts with the offending file.</exception>
    public static ImageSet LoadImageSet(string imagesPath, string labelsPath, string name, int classCount = 10, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(imagesPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelsPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        CheckClassCount(classCount);

        // Both headers first: the counts must agree before anything is allocated for either file's data.
        using var reader = IdxReader.Open(imagesPath, IdxExpectation.Images);
        var header = reader.Header;
        int count = header.Dimensions[0], height = header.Dimensions[1], width = header.Dimensions[2];
        int[] labels;
        using (var labelReader = IdxReader.Open(labelsPath, IdxExpectation.Labels))
        {
            long labelCount = labelReader.Header.ElementCount;
            if (count != labelCount)
            {
                throw new InvalidDataException(FormattableString.Invariant(
                    $"{labelsPath}: expected one label per image of {imagesPath} ({count:N0} images), found a header promising {labelCount:N0} labels"));
            }

            labels = ReadLabels(labelReader, labelsPath, classCount, cancellationToken);
        }

        var pixels = new float[header.ElementCount];
        if (header.ElementType == IdxElementType.UnsignedByte)
        {
            var buffer = new byte[header.ElementCount];
            reader.ReadData(buffer, cancellationToken);
            reader.EnsureEnd();
            for (int i = 0; i < buffer.Length; i++)
            {
                pixels[i] = _byteToPixel[buffer[i]];
            }
        }
        else
        {
            reader.ReadData(pixels, cancellationToken);
            reader.EnsureEnd();
            int ppi = height * width;
            for (int i = 0; i < pixels.Length; i++)
            {
                float p = pixels[i];
                if (!(p >= 0f && p <= 1f))
                {
                    throw new InvalidDataException(FormattableString.Invariant(
                        $"{imagesPath}: expected every pixel within [0, 1], found {p.ToString("R", CultureInfo.InvariantCulture)} at pixel {i:N0} (image {i / ppi}, row {i % ppi / width}, column {i % width})"));
                }
            }
        }

        return ImageSet.CreateTrusted(name, pixels, labels, height, width, classCount);
    }

    /// <summary>Loads a labels file (IDX magic 0x00000801), raw or gzip.</summary>
    /// <param name="labelsPath">The file.</param>
    /// <param name="classCount">The number of classes; every label must lie within 0..classCount-1.</param>
    /// <param name="cancellationToken">Stops the read between chunks.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="InvalidDataException">The file is malformed or a label is out of range.</exception>
    public static int[] LoadLabels(string labelsPath, int classCount = 10, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labelsPath);
        CheckClassCount(classCount);
        using var reader = IdxReader.Open(labelsPath, IdxExpectation.Labels);
        return ReadLabels(reader, labelsPath, classCount, cancellationToken);
    }

    private static int[] ReadLabels(IdxReader reader, string labelsPath, int classCount, CancellationToken cancellationToken)
    {
        var raw = new byte[reader.Header.ElementCount];
        reader.ReadData(raw, cancellationToken);
        reader.EnsureEnd();
        var labels = new int[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] >= classCount)
            {
                throw new InvalidDataException(FormattableString.Invariant(
                    $"{labelsPath}: label {raw[i]} at index {i} is outside 0..{classCount - 1} (expected {classCount} classes)"));
            }

            labels[i] = raw[i];
        }

        return labels;
    }

    /// <summary>
    /// Saves a set as an images file and a labels file (each written atomically). Float32 keeps every
    /// pixel exactly (use it for perturbed sets); unsigned byte is allowed only when every pixel is
    /// exactly k / 255f for an integer k (a set loaded from bytes), so that nothing is rounded silently.
    /// </summary>
    /// <param name="set">The set; not empty, at most 256 classes (labels are bytes).</param>
    /// <param name="imagesPath">The images file to write.</param>
    /// <param name="labelsPath">The labels file to write.</param>
    /// <param name="pixelType">The element type of the images file.</param>
    /// <param name="gzip">True to gzip both files.</param>
    /// <exception cref="ArgumentException">Unsigned byte was asked for but a pixel is not k/255; the set is empty or has more than 256 classes.</exception>
    public static void SaveImageSet(ImageSet set, string imagesPath, string labelsPath, IdxElementType pixelType, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentException.ThrowIfNullOrWhiteSpace(imagesPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelsPath);
        if (set.Count == 0)
        {
            throw new ArgumentException($"Set '{set.Name}' is empty; an IDX file cannot hold zero images.", nameof(set));
        }

        if (set.ClassCount > 256)
        {
            throw new ArgumentException($"Set '{set.Name}' has {set.ClassCount} classes; IDX labels are bytes (at most 256 classes).", nameof(set));
        }

        int[] dims = [set.Count, set.Height, set.Width];
        var pixels = new float[(long)set.Count * set.PixelsPerImage];
        set.CopyPixelsTo(pixels);
        switch (pixelType)
        {
            case IdxElementType.Float32:
                IdxFile.Write(imagesPath, pixels, dims, gzip);
                break;
            case IdxElementType.UnsignedByte:
                var bytes = new byte[pixels.Length];
                for (int i = 0; i < pixels.Length; i++)
                {
                    float p = pixels[i];
                    int k = (int)MathF.Round(p * 255f);
                    if (k is < 0 or > 255 || _byteToPixel[k] != p)
                    {
                        int ppi = set.PixelsPerImage;
                        throw new ArgumentException(FormattableString.Invariant(
                            $"Set '{set.Name}' cannot be saved as unsigned bytes without rounding: pixel {i:N0} (image {i / ppi}) is {p.ToString("R", CultureInfo.InvariantCulture)}, not k/255; save it as Float32."),
                            nameof(pixelType));
                    }

                    bytes[i] = (byte)k;
                }

                IdxFile.Write(imagesPath, bytes, dims, gzip);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(pixelType), pixelType, "Pixels are saved as UnsignedByte or Float32.");
        }

        var labels = new byte[set.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = (byte)set.Labels[i];
        }

        IdxFile.Write(labelsPath, labels, [set.Count], gzip);
    }

    private static void CheckClassCount(int classCount)
    {
        if (classCount is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "IDX labels are bytes: the class count must be within 1..256.");
        }
    }
}
