namespace Robustness.Data;

/// <summary>The content of an IDX file: its header and its elements in row-major order.</summary>
/// <typeparam name="T"><see cref="byte"/> for unsigned-byte files, <see cref="float"/> for float32 files.</typeparam>
internal sealed class IdxData<T>
    where T : unmanaged
{
    internal IdxData(IdxHeader header, T[] array)
    {
        Header = header;
        Array = array;
    }

    /// <summary>The header read from the file.</summary>
    public IdxHeader Header { get; }

    /// <summary>The elements, row-major, <see cref="IdxHeader.ElementCount"/> of them.</summary>
    public ReadOnlyMemory<T> Data => Array;

    /// <summary>The array behind <see cref="Data"/>; the library takes it over without copying.</summary>
    internal T[] Array { get; }
}
