using System.Diagnostics;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>Runs a helper program to its end, failing with what it said on error; the fixtures' one way to shell out.</summary>
internal static class Processes
{
    /// <param name="label">How the failure names the command (default: the program and its arguments).</param>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, string? workingDirectory = null, string? label = null)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{label ?? program + " " + string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}{await output}");
        }

        return await output;
    }
}
