using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>What the service logged, for asserting on levels and properties (registered as a Serilog sink in DI).</summary>
internal sealed class LogSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

    public static string Describe(LogEvent e) =>
        $"{e.Level} {e.Properties.GetValueOrDefault("SourceContext")}: {e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)}"
        + (e.Exception is null ? "" : $" [{e.Exception.GetType().Name}: {e.Exception.Message}]");
}
