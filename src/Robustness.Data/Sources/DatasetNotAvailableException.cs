namespace Robustness.Data.Sources;

/// <summary>
/// A split cannot be loaded because its files are missing. The <see cref="Exception.Message"/> stands alone: it names
/// the missing files, every path tried and what to do.
/// </summary>
public sealed class DatasetNotAvailableException : Exception
{
    /// <summary>Creates the exception with no details.</summary>
    public DatasetNotAvailableException()
        : base("The dataset is not available.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DatasetNotAvailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DatasetNotAvailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The dataset and split that are missing, e.g. <c>mnist/train</c>; null when unknown.</summary>
    public string? SplitName { get; init; }
}
