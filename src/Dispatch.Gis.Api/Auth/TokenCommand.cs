using Dispatch.Gis.Hosting;
using Dispatch.Gis.Storage;

namespace Dispatch.Gis.Auth;

/// <summary>
/// <c>Dispatch.Gis.Api token --role DUTY_OFFICER_112 --territories 750000000,190000000 [--name N] [--subject S]
/// [--service ID] [--sources a,b] [--hours 12]</c>: prints a token signed with the configured local key.
/// </summary>
internal static class TokenCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = ParseOptions(args, out var hostArgs);
        if (!options.TryGetValue("role", out var roleText) || !Enum.TryParse<Role>(roleText.Replace("_", "", StringComparison.Ordinal), true, out var role)
            || DbEnum.Text(role) != roleText)
        {
            await Console.Error.WriteLineAsync($"--role is one of {string.Join(", ", Enum.GetValues<Role>().Select(r => DbEnum.Text(r)))}");
            return 2;
        }

        var territories = options.GetValueOrDefault("territories", "*").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var subject = options.GetValueOrDefault("subject", $"{roleText.ToLowerInvariant()}-{Guid.NewGuid():N}");
        await using var app = DispatchApp.Create(hostArgs);
        var issuer = app.Services.GetRequiredService<TokenIssuer>();
        Console.WriteLine(issuer.Issue(subject, role, territories, options.GetValueOrDefault("name"), options.GetValueOrDefault("service"),
            options.GetValueOrDefault("sources")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            options.TryGetValue("hours", out var hours) ? TimeSpan.FromHours(double.Parse(hours, System.Globalization.CultureInfo.InvariantCulture)) : null));
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(string[] args, out string[] hostArgs)
    {
        string[] names = ["role", "territories", "name", "subject", "service", "sources", "hours"];
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (name is not null && names.Contains(name) && i + 1 < args.Length)
            {
                options[name] = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        hostArgs = [.. rest];
        return options;
    }
}
