using System.Diagnostics;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.GraphQL;

/// <summary>Clients written by others, run against the live server: graphql-http's audit and graphql-ws.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ConformanceTests(ApiFixture api, ITestOutputHelper output)
{
    [Fact]
    public async Task GraphQL_over_HTTP_audit_passes_every_MUST()
    {
        var (exitCode, lines) = await RunNodeAsync("http-audit.mjs", api.OfficerToken);

        Assert.True(exitCode == 0, string.Join('\n', lines.Where(l => l.Contains("\"error\"", StringComparison.Ordinal))));
        // The two legacy SHOULDs the README lists are the only ones allowed to warn.
        var warned = lines.Where(l => l.Contains("\"status\":\"warn\"", StringComparison.Ordinal)).ToList();
        Assert.All(warned, w => Assert.True(w.Contains("\"47DE\"", StringComparison.Ordinal) || w.Contains("\"80D8\"", StringComparison.Ordinal), w));
    }

    [Fact]
    public async Task Graphql_ws_client_scenarios_pass()
    {
        var (exitCode, lines) = await RunNodeAsync("ws-scenarios.mjs", api.OfficerToken);

        Assert.True(exitCode == 0, string.Join('\n', lines));
        Assert.Contains("7 passed, 0 failed", lines);
    }

    private async Task<(int ExitCode, List<string> Lines)> RunNodeAsync(string script, string? token = null)
    {
        var directory = Path.GetDirectoryName(PostgisServer.FindRepoFile(Path.Combine("tests", "conformance", "package.json"))
            ?? throw new InvalidOperationException("tests/conformance not found"))!;
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules")),
            "tests/conformance/node_modules is missing: run ./test.sh (it runs npm ci there)");

        string[] arguments = token is null ? [script, new Uri(api.BaseAddress, "/graphql").ToString()] : [script, new Uri(api.BaseAddress, "/graphql").ToString(), token];
        using var process = Process.Start(new ProcessStartInfo("node", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        output.WriteLine(await stderr);
        return (process.ExitCode, lines);
    }
}
