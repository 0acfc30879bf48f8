using System.Globalization;

namespace Dispatch.Gis.FeedSimulator;

/// <summary>
/// dotnet Dispatch.Gis.FeedSimulator.dll [--urls http://127.0.0.1:5081] [--scenario scenarios/almaty-demo.json] [--speed 1]
/// Serves the scenario's feeds until stopped (SIGINT/SIGTERM). No top-level statements: the tests reference this
/// project next to the service, and two generated Program classes would collide.
/// </summary>
public static class SimulatorProgram
{
    public static async Task<int> Main(string[] args)
    {
        string Option(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        var url = Option("--urls", "http://127.0.0.1:5081");
        var scenario = Option("--scenario", Path.Combine(AppContext.BaseDirectory, "scenarios", "almaty-demo.json"));
        var speed = double.Parse(Option("--speed", "1"), CultureInfo.InvariantCulture);
        await using var server = await FeedSimulatorServer.StartAsync(url, scenario, speed, Microsoft.Extensions.Logging.LogLevel.Warning);
        Console.WriteLine($"Feed simulator: scenario {server.Scenario?.Name} at {server.BaseAddress} (speed {speed.ToString(CultureInfo.InvariantCulture)})");
        foreach (var feed in server.Scenario?.Feeds ?? [])
        {
            Console.WriteLine($"  {server.FeedUrl(feed.Path)}  {feed.Format}");
        }

        // The web host handles SIGINT and SIGTERM (run.sh stops it with the latter) by stopping itself; then so do we.
        await Task.Delay(Timeout.Infinite, server.Stopping).ContinueWith(_ => { }, TaskScheduler.Default);
        return 0;
    }
}
