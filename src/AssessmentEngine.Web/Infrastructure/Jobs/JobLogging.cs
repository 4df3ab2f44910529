using Hangfire.Logging;

namespace AssessmentEngine.Web.Infrastructure.Jobs;

/// <summary>
/// Hangfire logs through one process-wide provider. Hangfire's own ASP.NET Core provider keeps the LoggerFactory of the
/// host that set it, which throws once that host is disposed while another lives on (as happens when tests host the
/// app several times in one process). This one resolves loggers from the current host and drops a message rather than
/// failing a job or a request because a logger is gone.
/// </summary>
internal sealed class JobLogging(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name)
    {
        try
        {
            return new HostLog(factory.CreateLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class HostLog(Microsoft.Extensions.Logging.ILogger logger) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                Hangfire.Logging.LogLevel.Trace => Microsoft.Extensions.Logging.LogLevel.Trace,
                Hangfire.Logging.LogLevel.Debug => Microsoft.Extensions.Logging.LogLevel.Debug,
                Hangfire.Logging.LogLevel.Info => Microsoft.Extensions.Logging.LogLevel.Information,
                Hangfire.Logging.LogLevel.Warn => Microsoft.Extensions.Logging.LogLevel.Warning,
                Hangfire.Logging.LogLevel.Error => Microsoft.Extensions.Logging.LogLevel.Error,
                _ => Microsoft.Extensions.Logging.LogLevel.Critical,
            };
            try
            {
                if (messageFunc is null)
                {
                    return logger.IsEnabled(level);
                }

#pragma warning disable CA2254 // Hangfire hands over finished messages, not templates
                logger.Log(level, exception, messageFunc());
#pragma warning restore CA2254
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
