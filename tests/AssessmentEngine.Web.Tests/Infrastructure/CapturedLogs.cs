using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>
/// What the engine under test logs with an exception attached (add it with <c>services.AddSingleton&lt;ILoggerProvider&gt;</c>):
/// a test can then say that a call left no unhandled exception behind, not only that the caller saw none.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LoggedError> _entries = new();

    /// <summary>An exception the engine logged, with the logger's category and the level.</summary>
    public sealed record LoggedError(string Category, LogLevel Level, Exception Exception, string Message);

    /// <summary>How many entries so far: pass it to <see cref="Since"/> to see what one step logged.</summary>
    public int Count => _entries.Count;

    public IReadOnlyList<LoggedError> Since(int count) => _entries.Skip(count).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LoggedError> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null)
            {
                entries.Enqueue(new LoggedError(category, logLevel, exception, formatter(state, exception)));
            }
        }
    }
}
