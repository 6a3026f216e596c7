using Microsoft.Extensions.Logging;

namespace Robustness.Cli;

/// <summary>
/// The library's log lines on the CLI's stderr, written at once (no background queue, so nothing is lost when a worker
/// ends on a signal): warnings and errors always, "robustness: warning: ..." on one line; information and debug only
/// with --verbose.
/// </summary>
internal sealed class CliLoggerProvider(TextWriter error, LogLevel minimum) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly LogLevel _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new CliLogger(this);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string message)
    {
        string label = level switch
        {
            LogLevel.Critical or LogLevel.Error => "error",
            LogLevel.Warning => "warning",
            LogLevel.Information => "info",
            _ => "debug",
        };
        lock (_gate)
        {
            error.WriteLine($"robustness: {label}: {CliContext.OneLine(message)}");
            error.Flush();
        }
    }

    private sealed class CliLogger(CliLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, formatter(state, exception));
            }
        }
    }

}
